// Locating shipped plan data (ICD-10 table, plan templates) in the source tree or the install.
#include <cstdlib>

#include "vertebra/plans/icd10.hpp"

namespace vertebra::core::plans {

std::filesystem::path plans_data_dir() {
    if (const char* env = std::getenv("VERTEBRA_DATA_DIR"); env && *env) return env;
    const std::filesystem::path source = std::filesystem::path(VERTEBRA_SOURCE_DIR) / "core" / "data";
    std::error_code ec;
    if (std::filesystem::is_directory(source / "icd10", ec)) return source;
    return std::filesystem::path(VERTEBRA_INSTALL_PREFIX) / VERTEBRA_INSTALL_DATA_DIR;
}

}  // namespace vertebra::core::plans
