// Chiropractic rules as pure functions: CMT code by region count, Medicare AT/GA, PART, re-exam.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::chiropractic {

namespace api = vertebra::plugin_api;

/// The chiropractic section of a visit (CLI `bill` input "chiropractic").
struct CmtSession {
    std::vector<std::string> spinal_regions;       ///< distinct, from api::spinal_regions()
    std::vector<std::string> extraspinal_regions;  ///< distinct, from api::extraspinal_regions()
    bool maintenance = false;                      ///< care "maintenance" (else "active")
    nlohmann::json findings = nlohmann::json::object();  ///< region -> ["P","A","R","T"]
    bool subluxation_by_xray = false;  ///< x-ray/CT/MRI documents the subluxation
    std::optional<int> visits_since_exam;
    std::optional<LocalDate> last_exam_date;
};

/// Parses and validates a section; Invalid names the field ("chiropractic.care", ...).
/// Repeated regions count once (regions, not vertebrae).
CmtSession parse_session(const nlohmann::json& section);

/// The spinal CMT code for `regions` spinal regions from rule data "cmt" ("" for 0).
std::string spinal_code(int regions, const nlohmann::json& cmt);

/// PART rule: at least `min_elements` of P/A/R/T, one of them in `one_of` (A or R).
bool part_documented(const std::vector<std::string>& elements, const nlohmann::json& part);

/// Re-exam due when visits since the last exam >= after_visits, or days >= after_days.
bool reexam_due(const CmtSession& s, LocalDate today, const nlohmann::json& reexam);

/// Bills one visit: spinal code (1 unit), 98943 for extraspinal, payer modifiers, warnings.
/// `cmt` = rule set "cmt", `options` = the payer's module options (payer_options.json).
api::BillingResult bill_session(const CmtSession& s, LocalDate date, const nlohmann::json& cmt,
                                const nlohmann::json& options);

/// Coverage of a chiropractic visit on `date` over the patient's earlier chiropractic visits
/// (`prior`, any order; later dates are ignored), per the payer's options (payer_options.json):
///  - "visits_per_year" > 0: visits in the rolling 12 months, this one included, may not exceed
///    it (severity "visit_cap_severity", "absolute" by default) — a plan-year cap many
///    commercial payers set;
///  - "course_months" > 0: a course of active care (visits with gaps of at most
///    "course_gap_days") longer than that many months is flagged (relative): Medicare pays
///    active care while it improves (MBPM ch. 15 §240.1.5, about 3 months for an acute
///    subluxation); re-examine and document improvement, or treat as maintenance (ABN, GA).
std::vector<api::Finding> check_course(LocalDate date, std::vector<LocalDate> prior,
                                       const nlohmann::json& options);

}  // namespace vertebra::plugins::chiropractic
