// Massage rules as pure functions: timed 97124/97140 lines with regions, NCCI pairing warnings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::massage {

namespace api = vertebra::plugin_api;

/// One soft-tissue service of the visit: code, direct minutes, regions treated.
struct MassageService {
    std::string code;
    int minutes = 0;
    std::vector<std::string> regions;
};

/// Parses section "massage" {"services": [{"code", "minutes", "regions"}]}. `cfg` = rule set
/// "massage" (billable codes). Invalid names the field ("massage.services[0].minutes").
std::vector<MassageService> parse_session(const nlohmann::json& section, const nlohmann::json& cfg);

/// Timed lines (minutes, region) for the core to price with the payer's method.
api::BillingResult bill_services(const std::vector<MassageService>& services);

/// Regions of a line ("lumbar+cervical" -> {lumbar, cervical}).
std::vector<std::string> line_regions(const api::LineItem& line);

/// NCCI pairing warnings over every line of the visit (`ncci` = rule set "ncci"): 97140+97530,
/// 97124+97140 in one region, and 97140/97124/97112 with CMT in the CMT's regions. `visit` is the
/// whole visit JSON (its "chiropractic" section gives CMT regions when lines do not).
std::vector<std::string> ncci_warnings(const std::vector<api::LineItem>& lines,
                                       const nlohmann::json& visit, const nlohmann::json& ncci);

}  // namespace vertebra::plugins::massage
