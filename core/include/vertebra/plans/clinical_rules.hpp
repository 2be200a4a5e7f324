// Clinic-configurable rule data for plans: causes, red flags and triage, medication checks, review.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/clinical.hpp"

namespace vertebra::core::plans {

/// How fast a red flag must be acted on (RULES.md §6.2), in increasing urgency.
enum class TriageTier { None, Routine, Urgent, SameDayUrgent, Emergency };
const char* to_string(TriageTier t);  ///< "none", "routine", "urgent", "same_day_urgent", "emergency"
TriageTier triage_tier_from_string(const std::string& s, const std::string& field = "tier");

/// "absolute" / "relative".
const char* severity_name(plugin_api::Severity s);

/// A contributing cause of back pain (the seed list); templates are keyed by these ids.
struct Cause {
    std::string id;     ///< "herniated_disc"
    std::string name;   ///< "Herniated disc"
    std::string group;  ///< "mechanical", "degenerative", "structural", "medical"
};

struct RedFlagGroup {
    std::string id;    ///< "cauda_equina"
    std::string name;  ///< "Cauda equina syndrome"
    TriageTier tier = TriageTier::Urgent;
};

struct RedFlagDefinition {
    std::string id;     ///< "saddle_anaesthesia"
    std::string group;  ///< RedFlagGroup id
    std::string label;  ///< for the screen: "Saddle (perineal/perianal) anaesthesia"
    TriageTier tier = TriageTier::Urgent;  ///< the group's unless the flag overrides it
};

struct RedFlagRules {
    std::vector<RedFlagGroup> groups;
    std::vector<RedFlagDefinition> flags;
    /// Present flags at or above this tier prompt a referral and block elective therapy;
    /// below it (e.g. age alone) they are reported as risk factors.
    TriageTier escalate_from = TriageTier::Urgent;
    std::map<TriageTier, std::string> actions;  ///< "Emergency department, same day", ...
    const RedFlagDefinition* find(const std::string& id) const;
};

/// One data-driven medication check (RULES.md §9.5). All conditions given must hold.
struct MedicationRule {
    std::string id;          ///< "nsaid_egfr_below_30"
    std::string drug_class;  ///< the proposed medication's class it applies to: "nsaid"
    plugin_api::Severity severity = plugin_api::Severity::Relative;
    std::string reason;
    std::optional<double> egfr_below;                 ///< eGFR known and < this
    std::optional<double> egfr_at_least;              ///< eGFR known and >= this
    std::vector<std::string> takes_any_class;         ///< patient takes a drug of one of these
    std::vector<std::string> and_takes_any_class;     ///< ... and also one of these
    std::vector<std::string> has_any_condition;       ///< active condition by name
    std::vector<std::string> has_any_flag;            ///< "pregnant", ...
};

struct MedicationRules {
    std::map<std::string, std::string> drug_classes;  ///< generic name -> class
    std::vector<MedicationRule> rules;
    /// The medication's class: its own drug_class if set, else from the dictionary, else "".
    std::string class_of(const plugin_api::Medication& m) const;
};

/// When a plan counts as not improving and what to suggest next (RULES.md §6.3).
struct ReviewRules {
    int not_improving_after_weeks = 6;
    int radicular_referral_weeks = 6;   ///< elective_referral_min_conservative_weeks, radicular
    int axial_referral_weeks = 12;      ///< ... axial
    int motor_weakness_referral_weeks = 2;
    int review_interval_weeks = 4;
};

struct ClinicalRules {
    std::vector<Cause> causes;
    RedFlagRules red_flags;
    MedicationRules medication;
    ReviewRules review;
    const Cause* cause(const std::string& id) const;
};

/// Shipped defaults: the JSON embedded in clinical_rules.cpp (RULES.md §6.2, §6.3, §9.5).
const ClinicalRules& default_clinical_rules();
/// Parses the same shape (a clinic override). Invalid naming the field.
ClinicalRules parse_clinical_rules(const nlohmann::json& j);
/// The embedded default JSON, e.g. to write out as a starting point for a clinic's file.
const nlohmann::json& default_clinical_rules_json();

}  // namespace vertebra::core::plans
