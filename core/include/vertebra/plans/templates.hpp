// Plan templates per cause: owner-editable JSON files that give a plan's starting point.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {

struct TemplateGoal {
    std::optional<outcomes::Measure> measure;
    std::optional<double> improve_by_fraction;  ///< target = baseline * (1 - fraction), or
    std::optional<double> improve_by_points;    ///< target = baseline - points
    std::string description;                    ///< functional goal
    int weeks = 12;                             ///< target date = start + weeks
};

struct TemplateComponent {
    ComponentKind kind = ComponentKind::PhysicalTherapy;
    std::string title;
    std::string role;  ///< care-team role that is responsible
    int per_week = 0;
    std::optional<int> duration_weeks;
    std::optional<int> session_count;
    int session_minutes = 30;
    int min_spacing_days = 1;
    std::string notes;
    std::optional<plugin_api::Medication> medication;
};

struct PlanTemplate {
    std::string id;
    std::string name;
    std::string cause;  ///< Cause id
    std::string description;
    std::vector<std::string> suggested_diagnoses;  ///< ICD-10-CM codes to consider
    std::vector<std::string> team_roles;
    std::vector<TemplateGoal> goals;
    std::vector<TemplateComponent> components;
    int review_every_weeks = 4;
};

/// Parses one template; Invalid naming the template and the field.
PlanTemplate parse_plan_template(const nlohmann::json& j, const std::string& origin = "template");
nlohmann::json to_json(const PlanTemplate& t);
/// Every *.json in `dir`, sorted by id; duplicate ids refused.
std::vector<PlanTemplate> load_plan_templates(const std::filesystem::path& dir);
/// load_plan_templates(plans_data_dir() / "plan_templates").
std::vector<PlanTemplate> shipped_plan_templates();

/// Inputs of instantiating a template for one patient.
struct TemplateInstantiation {
    Id patient_id = 0;
    LocalDate start_date;
    const Assessment* assessment = nullptr;  ///< baseline for goals; checks for components
    /// The practitioner to fill a role with; nullopt leaves components of that role unassigned.
    std::function<std::optional<Id>(const std::string& role)> practitioner_for_role;
    ComponentCheckContext checks;
};

/// A draft plan: care team from the roles, goals from the assessment's baseline (measure goals
/// without a baseline become functional goals naming the measure), components with their
/// findings, review dates every review_every_weeks until the longest goal. Components of
/// disabled modules are left out and the first version says so.
TreatmentPlan instantiate_template(const PlanTemplate& t, const TemplateInstantiation& in,
                                   const Author& who);

}  // namespace vertebra::core::plans
