// Acupuncture rules as pure functions: increments to 97810-97814, NCD 30.3.3 eligibility and limits.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::acupuncture {

namespace api = vertebra::plugin_api;

/// One consecutive 15-minute increment of personal face-to-face contact.
struct Increment {
    int minutes = 0;
    bool estim = false;        ///< any needle electrically stimulated in this increment
    bool new_needles = false;  ///< new insertion(s) in this increment (re-seating does not count)
};

/// Eligibility facts given with the visit (CLI) instead of a patient record.
struct Indication {
    bool chronic_low_back_pain = false;
    int weeks = 0;
    bool nonspecific = false;
    bool surgery_related = false;
    bool pregnancy_related = false;
};

/// The acupuncture section of a visit.
struct AcupunctureSession {
    std::vector<Increment> increments;
    std::optional<Indication> indication;
    std::vector<LocalDate> prior_visits;  ///< earlier acupuncture visit dates (coverage history)
    bool improvement_documented = false;
};

/// Parses and validates; Invalid names the field ("acupuncture.increments[1].minutes").
AcupunctureSession parse_session(const nlohmann::json& section);

/// Lines for the increments: the first qualifying increment takes the initial code (one per
/// day; `initial_billed_today` makes every increment an add-on), later increments an add-on if
/// they reach the payer's threshold and have new needles. `inc` = rule set "increments",
/// `options` = the payer's module options. An increment longer than the increment length is
/// Invalid naming it.
api::BillingResult bill_increments(const std::vector<Increment>& increments,
                                   const nlohmann::json& inc, const nlohmann::json& options,
                                   bool initial_billed_today = false);

/// NCD 30.3.3 eligibility from facts (`ncd` = rule set "ncd_30_3_3"). Empty = eligible.
std::vector<api::Finding> check_eligibility(const Indication& ind, const nlohmann::json& ncd);
/// The same from a patient record (conditions, onset, flags) on `date`.
std::vector<api::Finding> check_eligibility(const api::PatientRecord& p, LocalDate date,
                                            const nlohmann::json& ncd);

/// The visit's number in the coverage year (1-based) given earlier visit dates.
int visit_number_in_year(LocalDate date, const std::vector<LocalDate>& prior,
                         const std::string& year_basis);

/// NCD 30.3.3 limits for a visit on `date` after `prior` visits: 12 in the first 90 days (window
/// from the first visit of the year, or rolling), 8 more with documented improvement, 20 a year;
/// and KX from the payer's configured visit. Absolute = not covered; Relative = KX needed.
std::vector<api::Finding> check_limits(LocalDate date, const std::vector<LocalDate>& prior,
                                       bool improvement_documented, const nlohmann::json& ncd,
                                       const nlohmann::json& options);

}  // namespace vertebra::plugins::acupuncture
