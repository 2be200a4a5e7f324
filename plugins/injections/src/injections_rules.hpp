// Injection rules as pure functions: procedure codes, drug units by date, rolling 12-month limits.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::injections {

namespace api = vertebra::plugin_api;

struct DrugGiven {
    std::string drug;  ///< key in rule set "drugs": methylprednisolone, triamcinolone, dexamethasone
    double mg = 0;
    std::optional<double> discarded_mg;  ///< single-dose vial wastage (JW/JZ)
};

/// An earlier injection session (coverage history).
struct PriorSession {
    LocalDate date;
    std::string procedure;
    std::string region;
};

/// The injections section of a visit.
struct InjectionSession {
    std::string procedure;              ///< key in rule set "procedures"
    std::vector<std::string> muscles;   ///< trigger points: "trapezius_left", ...
    std::string region;                 ///< spinal procedures: cervical/thoracic/lumbar/sacral
    std::vector<std::string> levels;    ///< "L4-L5", "L5-S1"
    std::string side;                   ///< left/right/bilateral/midline
    std::string imaging;                ///< fluoroscopy/ct/ultrasound/none ("" = not stated)
    std::vector<DrugGiven> drugs;
    std::vector<PriorSession> history;
};

/// Parses and validates against the procedures and drugs in force; Invalid names the field.
InjectionSession parse_session(const nlohmann::json& section, const nlohmann::json& procedures,
                               const nlohmann::json& drugs);

/// Distinct muscles (left and right of one muscle are two; repeats add nothing).
int distinct_muscles(const std::vector<std::string>& muscles);

/// HCPCS lines for `mg` of a drug: one strength -> ceil(mg / mg per unit); several strengths ->
/// the fewest units that cover the dose, then the fewest milligrams billed, then the larger
/// strengths first (docs/billing.md "Methylprednisolone before J1010").
std::vector<std::pair<std::string, int>> drug_units(double mg, const nlohmann::json& drug);

/// Procedure lines (codes, units, modifiers) and warnings. `options` = payer's module options.
api::BillingResult bill_procedure(const InjectionSession& s, const nlohmann::json& procedures,
                                  const nlohmann::json& options);
/// Drug lines (and JW lines / JZ where the payer asks for them).
api::BillingResult bill_drugs(const std::vector<DrugGiven>& drugs, const nlohmann::json& table,
                              const nlohmann::json& options);

/// Rolling 12-month frequency limits ("limits" rule set): sessions of the procedure's limit
/// group (per region where configured) before `date`, plus this one. Absolute when exceeded.
std::vector<api::Finding> check_limits(LocalDate date, const std::string& procedure,
                                       const std::string& region,
                                       const std::vector<PriorSession>& history,
                                       const nlohmann::json& procedures,
                                       const nlohmann::json& limits);

}  // namespace vertebra::plugins::injections
