// The billing hook: a module turns its section of a visit into line items and warnings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/plugin_api/clinical.hpp"

namespace vertebra::plugin_api {

/// One claim line proposed by a module. Money is integer cents.
struct LineItem {
    std::string code;                    ///< CPT/HCPCS: "98941", "J3301"
    int units = 1;                       ///< untimed codes; ignored for timed (core decides)
    std::vector<std::string> modifiers;  ///< "AT", "GA", "KX", "RT"...
    bool timed = false;                  ///< "each 15 minutes": core pools minutes by payer method
    int minutes = 0;                     ///< timed codes: direct one-on-one minutes
    std::optional<std::int64_t> unit_fee_cents;  ///< empty = clinic fee schedule decides
    std::string region;                  ///< body region if the rule is per region (NCCI edits)
    std::string description;             ///< "CMT spinal, 3-4 regions"
    bool operator==(const LineItem&) const = default;
};

/// Everything a module's billing rule sees. Pure input: no I/O behind it.
struct BillingRequest {
    LocalDate date_of_service;
    PayerRef payer;
    nlohmann::json section = nlohmann::json::object();  ///< the module's own part of the visit
    /// The whole visit as given (read-only), for rules that look at other modules' codes.
    nlohmann::json visit = nlohmann::json::object();
    std::optional<PatientRecord> patient;  ///< when known (CLI `bill` has none)
    std::vector<BilledService> history;    ///< this module's earlier services, if known
};

struct BillingResult {
    std::vector<LineItem> lines;
    std::vector<std::string> warnings;  ///< for the biller: "Maintenance care: no AT; ABN/GA"
};

/// After every module has billed: all lines of the visit, for pairing edits (NCCI).
struct VisitReview {
    LocalDate date_of_service;
    PayerRef payer;
    nlohmann::json visit = nlohmann::json::object();
    std::vector<LineItem> lines;  ///< every module's and the core's lines, units decided
};

void to_json(nlohmann::json& j, const LineItem& l);

}  // namespace vertebra::plugin_api
