// Locating the data directory and reading the core's billing rule sets for a date of service.
#include "vertebra/billing/rule_data.hpp"

#include <cstdlib>

#include "vertebra/common/error.hpp"
#include "vertebra/common/install_layout.hpp"

namespace vertebra::core::billing {

namespace fs = std::filesystem;

fs::path data_dir() { return shipped_data_dir(); }

plugin_api::RuleData load_billing_data(const fs::path& dir_in) {
    const fs::path dir = (dir_in.empty() ? data_dir() : dir_in) / "billing";
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::NotFound,
                    "billing rule data not found at " + dir.string() +
                        " (set VERTEBRA_DATA_DIR to the directory holding billing/)",
                    "data_dir");
    return plugin_api::RuleData::load_dir(dir);
}

const nlohmann::json& rules_on(const plugin_api::RuleData& data, const std::string& name,
                               LocalDate dos) {
    if (const auto* j = data.find(name, dos)) return *j;
    if (!data.has(name))
        throw Error(ErrorKind::NotFound, "billing rule data \"" + name + "\" is missing", name);
    throw invalid("date", "no " + name + " rules in force on " + format_date(dos) +
                              " (the shipped data starts later or has a gap)");
}

}  // namespace vertebra::core::billing
