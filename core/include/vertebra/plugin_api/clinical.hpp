// The patient and visit records a module's pure checks read, and the findings they return.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"

namespace vertebra::plugin_api {

using PatientId = std::int64_t;

/// How a payer turns minutes of timed codes into units (RULES.md §1.3 / §1.5).
enum class TimedCodeMethod {
    MedicareTotalTime,  ///< CMS: total timed minutes set the units, then allocated across codes
    PerCodeMidpoint,    ///< CPT: each code on its own, mid-point rule (commercial default)
};
const char* to_string(TimedCodeMethod m);

/// The payer of a visit, as far as a module's rules care.
struct PayerRef {
    std::string id = "commercial";  ///< "medicare", "commercial", or a clinic-defined payer id
    TimedCodeMethod method = TimedCodeMethod::PerCodeMidpoint;
    /// The clinic's own values of this module's payer options in force on the date, as an
    /// object {"visits_per_year": 20}; empty when the clinic set none. The host fills it per
    /// module from the owner's payer settings (only keys the module's rule data declares under
    /// "clinic_settable", already checked); shared::payer_options merges it over the shipped
    /// options. Since plugin API 2.
    nlohmann::json clinic_options = nlohmann::json::object();
    bool is_medicare() const { return method == TimedCodeMethod::MedicareTotalTime; }
};

struct Condition {
    std::string code;                ///< ICD-10-CM, e.g. "M54.50"; may be empty
    std::string name;                ///< lower_snake key, e.g. "dvt", "osteoporosis", "epilepsy"
    std::optional<LocalDate> onset;  ///< for duration rules (chronic LBP >= 12 weeks)
    bool active = true;
};

struct Medication {
    std::string name;        ///< generic, lower case: "warfarin"
    std::string drug_class;  ///< lower_snake: "anticoagulant", "corticosteroid", "ssri"
};

/// What the clinic knows about a patient that rules may need. Keys are lower_snake.
struct PatientRecord {
    PatientId id = 0;
    std::optional<LocalDate> birth_date;
    std::vector<Condition> conditions;
    std::vector<Medication> medications;
    std::vector<std::string> flags;  ///< "pacemaker", "icd", "pregnant", "consent_refused", ...
    nlohmann::json extra = nlohmann::json::object();  ///< labs etc.: {"egfr": 45, "hba1c": 8.1}

    /// Active condition by name, or by ICD-10 code prefix (`code_prefix` non-empty).
    bool has_condition(const std::string& name) const;
    bool has_condition_code(const std::string& code_prefix) const;
    const Condition* condition(const std::string& name) const;
    bool takes(const std::string& medication_name) const;
    bool takes_class(const std::string& drug_class) const;
    bool has_flag(const std::string& flag) const;
};

/// A service of this module, billed earlier for this patient (coverage history).
struct BilledService {
    LocalDate date;
    std::string module_id;
    std::string service_key;
    std::string code;
    int units = 1;
    std::vector<std::string> modifiers;
    nlohmann::json details = nlohmann::json::object();  ///< module's own: region, improvement...
};

/// A service about to be booked or performed.
struct PlannedService {
    std::string module_id;
    std::string service_key;         ///< ServiceOffer::key
    LocalDate date;                  ///< date of service
    std::vector<std::string> codes;  ///< codes expected, if known
    PayerRef payer;
    nlohmann::json details = nlohmann::json::object();  ///< module section: {"estim": true, ...}
};

enum class Severity {
    Absolute,  ///< block, or override only with a documented reason
    Relative,  ///< warn and require acknowledgement
};
const char* to_string(Severity s);

/// One contraindication or coverage finding.
struct Finding {
    Severity severity = Severity::Relative;
    std::string rule;    ///< stable id of the rule: "estim_pacemaker", "ncd_30_3_3_90_days"
    std::string reason;  ///< for the clinician: "Electro-acupuncture with a pacemaker"
    std::string code;    ///< billing code concerned, if any
    bool operator==(const Finding&) const = default;
};

/// Input of a coverage-limit check: the planned service and this module's billed history.
struct CoverageRequest {
    PatientRecord patient;
    PlannedService planned;
    std::vector<BilledService> history;  ///< this module's services, any order
};

void to_json(nlohmann::json& j, const Finding& f);

}  // namespace vertebra::plugin_api
