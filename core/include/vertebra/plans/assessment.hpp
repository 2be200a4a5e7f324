// The assessment a plan starts from: complaint, pattern, causes, diagnoses, red flags, risks, baseline.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"
#include "vertebra/outcomes/measures.hpp"
#include "vertebra/plans/clinical_rules.hpp"
#include "vertebra/plans/icd10.hpp"
#include "vertebra/plugin_api/clinical.hpp"

namespace vertebra::core::plans {

/// Back-dominant (axial) or leg-dominant (radicular) pain; drives referral timing (§6.3).
enum class PainPattern { Axial, Radicular };
const char* to_string(PainPattern p);  ///< "axial", "radicular"
PainPattern pain_pattern_from_string(const std::string& s);

struct Diagnosis {
    std::string code;        ///< ICD-10-CM, normalised by validate_assessment
    std::string descriptor;  ///< filled from the table
    bool primary = false;
};

/// One line of the red-flag screen: each §6.2 flag is marked present or absent.
struct RedFlagAnswer {
    std::string flag;  ///< RedFlagDefinition id
    bool present = false;
};

struct Assessment {
    Id id = 0;
    Id patient_id = 0;
    LocalDate assessed_on;     ///< also the date of service the diagnoses are checked for
    std::string assessed_by;
    std::string presenting_complaint;
    std::optional<LocalDate> onset;
    int duration_weeks = 0;
    PainPattern pain_pattern = PainPattern::Axial;
    bool objective_motor_weakness = false;
    std::vector<std::string> causes;  ///< Cause ids
    std::vector<Diagnosis> diagnoses;
    std::vector<RedFlagAnswer> red_flags;
    /// Conditions that matter for contraindications, by lower_snake name: "osteoporosis",
    /// "diabetes", "bleeding_disorder", "dvt", "gi_bleed", "heart_failure", "epilepsy", ...
    std::vector<plugin_api::Condition> conditions;
    std::vector<plugin_api::Medication> medications;  ///< current medications
    std::vector<std::string> flags;                   ///< "pacemaker", "icd", "pregnant", ...
    std::optional<double> egfr;                       ///< mL/min/1.73 m², latest known
    std::optional<double> hba1c;
    std::optional<LocalDate> birth_date;
    int prior_conservative_care_weeks = 0;  ///< conservative care before this plan
    std::vector<outcomes::Observation> baseline;  ///< baseline ODI / NRS / RMDQ
    std::string notes;
};

/// Checks and normalises an assessment: complaint present, durations sane, causes and red flags
/// known, diagnoses valid on `assessed_on` (descriptors filled, at most one primary), baseline
/// values in range. Throws Invalid naming the field ("diagnoses[1]: M54.5 ... use M54.50, ...").
void validate_assessment(Assessment& a, const Icd10Table& icd10 = Icd10Table::shipped(),
                         const ClinicalRules& rules = default_clinical_rules());

struct PresentRedFlag {
    std::string id;
    std::string label;
    std::string group;
    TriageTier tier = TriageTier::None;
};

/// The red-flag screen's verdict (RULES.md §6.2, tiers configurable).
struct Triage {
    TriageTier tier = TriageTier::None;  ///< the most urgent present flag's tier
    std::vector<PresentRedFlag> present;
    std::vector<std::string> unanswered;  ///< flags of the rules not marked present or absent
    bool escalate = false;  ///< tier >= escalate_from: prompt referral, block elective therapy
    std::string action;     ///< e.g. "Emergency referral: emergency department, same day"
};

Triage triage(const std::vector<RedFlagAnswer>& screen,
              const RedFlagRules& rules = default_clinical_rules().red_flags);

/// The record module contraindication checks read (plugin_api::PatientRecord): conditions,
/// medications, flags, and {"egfr", "hba1c"} in extra.
plugin_api::PatientRecord to_patient_record(const Assessment& a);

void to_json(nlohmann::json& j, const Assessment& a);
void from_json(const nlohmann::json& j, Assessment& a);
void to_json(nlohmann::json& j, const Triage& t);

}  // namespace vertebra::core::plans
