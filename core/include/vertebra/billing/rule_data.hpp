// Where shipped rule data lives, and loading the core's effective-dated billing rule sets.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/plugin_api/rule_data.hpp"

namespace vertebra::core::billing {

/// Where shipped rule data lives: core::shipped_data_dir() ($VERTEBRA_DATA_DIR; the installed
/// layout next to the program; the source tree's core/data; ${prefix}/share/vertebra).
std::filesystem::path data_dir();

/// Loads every rule set of `<dir>/billing/*.json` (dir defaults to data_dir()). The file format
/// is the plugin API's (vertebra/plugin_api/rule_data.hpp): versions with effective_from and an
/// inclusive effective_to. A missing directory is NotFound naming it.
plugin_api::RuleData load_billing_data(const std::filesystem::path& dir = {});

/// The data of rule set `name` in force on `date_of_service`. A date no version covers is
/// Invalid naming the field "date" (the visit's date is what the clinician can fix).
const nlohmann::json& rules_on(const plugin_api::RuleData& data, const std::string& name,
                               LocalDate date_of_service);

}  // namespace vertebra::core::billing
