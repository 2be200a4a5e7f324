// The treatment plan: goals, components of ten kinds, care team, findings and versioned changes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"
#include "vertebra/outcomes/measures.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plans/clinical_rules.hpp"
#include "vertebra/plugin_api/clinical.hpp"

namespace vertebra::core::plans {

/// The ten component kinds of a multi-disciplinary plan.
enum class ComponentKind {
    Medication,
    PhysicalTherapy,
    OccupationalTherapy,
    Chiropractic,
    Acupuncture,
    Massage,
    Lifestyle,
    Injections,
    SurgeryReferral,
    PsychologicalSupport,
};
/// "medication", "physical_therapy", "occupational_therapy", "chiropractic", "acupuncture",
/// "massage", "lifestyle", "injections", "surgery_referral", "psychological_support".
const char* to_string(ComponentKind k);
ComponentKind component_kind_from_string(const std::string& s, const std::string& field = "kind");
const std::vector<ComponentKind>& all_component_kinds();
/// The therapy module providing a kind ("chiropractic", "acupuncture", "massage", "injections",
/// "surgery_referral"); "" for kinds the core provides.
std::string default_module_id(ComponentKind k);
/// Elective therapy: blocked while a red flag escalates (RULES.md §9.6). Medication, lifestyle,
/// psychological support and surgery referral are not blocked.
bool is_elective_therapy(ComponentKind k);

/// Care-team roles (RULES.md/issue 5): primary_care, pain_specialist, physical_therapist,
/// occupational_therapist, chiropractor, acupuncturist, massage_therapist, mental_health,
/// spine_surgeon, pharmacist, care_coordinator.
const std::vector<std::string>& care_roles();

struct Goal {
    Id id = 0;
    std::optional<outcomes::Measure> measure;  ///< measure goal, or
    std::optional<double> baseline;
    std::optional<double> target;              ///< reached when the score is <= target
    std::string description;                   ///< functional goal ("sit 60 min at work")
    LocalDate target_date;
    bool achieved = false;                     ///< functional goals: set by the clinician
};

/// A clinician's acknowledgement of a finding: required for every finding (absolute ones are
/// an override and must say why).
struct Acknowledgement {
    std::string rule;
    std::string reason;
    std::string by;
    Instant at;
};

struct PlanComponent {
    Id id = 0;  ///< plan-local, assigned by add_component
    ComponentKind kind = ComponentKind::PhysicalTherapy;
    std::string title;
    Id practitioner_id = 0;  ///< responsible practitioner (0 = not yet assigned)
    std::optional<Id> service_id;
    int per_week = 0;                   ///< sessions per week; 0 = not scheduled (e.g. medication)
    std::optional<int> duration_weeks;  ///< either a duration ...
    std::optional<int> session_count;   ///< ... or a number of sessions (wins if both set)
    int session_minutes = 30;
    int min_spacing_days = 1;           ///< at least this many days between its sessions
    std::string notes;
    std::string module_id;              ///< providing module; "" = core
    std::optional<plugin_api::Medication> medication;  ///< kind Medication
    std::vector<plugin_api::Finding> findings;         ///< contraindication findings
    std::vector<Acknowledgement> acknowledgements;
    int sessions_completed = 0;         ///< completed appointments count toward the total
    bool active = true;                 ///< removed components stay for the history

    /// Sessions in total: session_count, else per_week * duration_weeks, else 0.
    int planned_sessions() const;
    int remaining_sessions() const;
    /// Findings without an acknowledgement that gives a reason.
    std::vector<plugin_api::Finding> unacknowledged() const;
};

struct CareTeamMember {
    Id practitioner_id = 0;
    std::string role;
    bool lead = false;
};

/// One entry of the plan's history: who changed what, when.
struct PlanVersion {
    int number = 0;
    std::string author;
    Instant at;
    std::string summary;
    std::vector<std::string> changes;
};

enum class PlanStatus { Draft, Active, Completed, Stopped };
const char* to_string(PlanStatus s);  ///< "draft", "active", "completed", "stopped"
PlanStatus plan_status_from_string(const std::string& s);

struct TreatmentPlan {
    Id id = 0;
    Id patient_id = 0;
    std::optional<Id> assessment_id;
    std::string template_id;
    std::string title;
    PlanStatus status = PlanStatus::Draft;
    LocalDate start_date;
    std::vector<LocalDate> review_dates;
    std::vector<Goal> goals;
    std::vector<PlanComponent> components;
    std::vector<CareTeamMember> care_team;
    std::vector<PlanVersion> versions;

    const PlanComponent* component(Id id) const;
    int version() const { return versions.empty() ? 0 : versions.back().number; }
    bool on_team(Id practitioner_id) const;
    /// Findings of active components not yet acknowledged, with their component ids.
    std::vector<std::pair<Id, plugin_api::Finding>> unacknowledged_findings() const;
};

/// Who makes a change and when; every change appends a PlanVersion with this.
struct Author {
    std::string name;
    Instant at;
};

/// What adding a component needs besides the component: the assessment its checks read, the
/// rules, which modules are enabled, and the modules' own contraindication checks.
struct ComponentCheckContext {
    const Assessment* assessment = nullptr;  ///< null: only structural checks run
    const ClinicalRules* rules = nullptr;    ///< null: default_clinical_rules()
    std::function<bool(const std::string& module_id)> module_enabled;  ///< null: all enabled
    /// The owning module's check_contraindications, wired by the host. May be null.
    std::function<std::vector<plugin_api::Finding>(const PlanComponent&, const Assessment&)>
        module_checks;
};

/// A new draft plan with version 1 ("created").
TreatmentPlan new_plan(Id patient_id, LocalDate start_date, const std::string& title,
                       const Author& who, const std::string& summary = "plan created");

/// Core contraindication checks of one medication for the patient (RULES.md §9.5 as data).
std::vector<plugin_api::Finding> check_medication(const plugin_api::Medication& m,
                                                  const Assessment& a,
                                                  const MedicationRules& rules);
/// Core checks of a component: medication rules, and red flags that block elective therapy.
std::vector<plugin_api::Finding> core_component_findings(const PlanComponent& c,
                                                         const Assessment& a,
                                                         const ClinicalRules& rules);

/// Validates and adds a component; runs core + module checks and stores their findings with
/// any matching acknowledgements given. Refuses (Conflict) a component whose module is
/// disabled, and (Invalid) bad fields or a practitioner not on the care team. Returns the new
/// component's id. Findings left unacknowledged block activation and scheduling.
Id add_component(TreatmentPlan& plan, PlanComponent c, const ComponentCheckContext& ctx,
                 const Author& who, std::vector<Acknowledgement> acks = {});
/// Replaces a component's fields (same checks as add; acknowledgements of findings that are
/// still present carry over).
void update_component(TreatmentPlan& plan, Id component_id, PlanComponent c,
                      const ComponentCheckContext& ctx, const Author& who,
                      std::vector<Acknowledgement> acks = {});
/// Marks a component inactive (kept for the history). Invalid without a reason.
void remove_component(TreatmentPlan& plan, Id component_id, const std::string& reason,
                      const Author& who);
/// Records the acknowledgement of one finding. Invalid if no such finding or empty reason.
void acknowledge(TreatmentPlan& plan, Id component_id, const std::string& rule,
                 const std::string& reason, const Author& who);

Id add_goal(TreatmentPlan& plan, Goal g, const Author& who);
void set_goal_achieved(TreatmentPlan& plan, Id goal_id, bool achieved, const Author& who);
void add_team_member(TreatmentPlan& plan, CareTeamMember m, const Author& who);
/// Refused (Conflict) while the member is responsible for an active component.
void remove_team_member(TreatmentPlan& plan, Id practitioner_id, const Author& who);
void set_review_dates(TreatmentPlan& plan, std::vector<LocalDate> dates, const Author& who);
/// Draft -> active refuses unacknowledged findings or a plan without active components.
void set_status(TreatmentPlan& plan, PlanStatus status, const Author& who);

void to_json(nlohmann::json& j, const TreatmentPlan& p);
void from_json(const nlohmann::json& j, TreatmentPlan& p);
void to_json(nlohmann::json& j, const PlanComponent& c);
void from_json(const nlohmann::json& j, PlanComponent& c);

}  // namespace vertebra::core::plans
