// Locating the data directory and reading the core's billing rule sets for a date of service.
#include "vertebra/billing/rule_data.hpp"

#include <cstdlib>

#include "vertebra/common/error.hpp"

#ifndef VERTEBRA_SOURCE_DIR
#define VERTEBRA_SOURCE_DIR ""
#endif
#ifndef VERTEBRA_INSTALL_PREFIX
#define VERTEBRA_INSTALL_PREFIX "/usr/local"
#endif
#ifndef VERTEBRA_INSTALL_DATA_DIR
#define VERTEBRA_INSTALL_DATA_DIR "share/vertebra"
#endif

namespace vertebra::core::billing {

namespace fs = std::filesystem;

fs::path data_dir() {
    if (const char* env = std::getenv("VERTEBRA_DATA_DIR"); env && *env) return fs::path(env);
    const std::string_view src = VERTEBRA_SOURCE_DIR;
    std::error_code ec;
    if (!src.empty() && fs::is_directory(fs::path(src) / "core" / "data" / "billing", ec))
        return fs::path(src) / "core" / "data";
    const fs::path installed(VERTEBRA_INSTALL_DATA_DIR);
    return installed.is_absolute() ? installed : fs::path(VERTEBRA_INSTALL_PREFIX) / installed;
}

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
