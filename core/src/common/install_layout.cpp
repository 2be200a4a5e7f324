// Locating plugins and shipped data: environment, then the installed layout relative to the
// program (so an unpacked or relocated package works), then the build tree, then the prefix.
#include "vertebra/common/install_layout.hpp"

#include <cstdlib>
#include <string_view>
#include <system_error>

#ifndef VERTEBRA_SOURCE_DIR
#define VERTEBRA_SOURCE_DIR ""
#endif
#ifndef VERTEBRA_INSTALL_PREFIX
#define VERTEBRA_INSTALL_PREFIX "/usr/local"
#endif
#ifndef VERTEBRA_INSTALL_DATA_DIR
#define VERTEBRA_INSTALL_DATA_DIR "share/vertebra"
#endif
// Paths from the bin dir to the data and plugin dirs, computed by CMake from GNUInstallDirs.
#ifndef VERTEBRA_BIN_TO_DATA
#define VERTEBRA_BIN_TO_DATA "../share/vertebra"
#endif
#ifndef VERTEBRA_BIN_TO_PLUGINS
#define VERTEBRA_BIN_TO_PLUGINS "../lib/vertebra/plugins"
#endif

namespace vertebra::core {

namespace fs = std::filesystem;

fs::path program_dir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return {};
    return exe.parent_path();
}

std::optional<fs::path> installed_data_dir() {
    const fs::path bin = program_dir();
    if (bin.empty()) return std::nullopt;
    const fs::path d = (bin / VERTEBRA_BIN_TO_DATA).lexically_normal();
    std::error_code ec;
    if (fs::is_directory(d / "billing", ec)) return d;
    return std::nullopt;
}

std::optional<fs::path> installed_plugin_dir() {
    const fs::path bin = program_dir();
    if (bin.empty()) return std::nullopt;
    const fs::path d = (bin / VERTEBRA_BIN_TO_PLUGINS).lexically_normal();
    std::error_code ec;
    if (fs::is_directory(d, ec)) return d;
    return std::nullopt;
}

fs::path shipped_data_dir() {
    if (const char* env = std::getenv("VERTEBRA_DATA_DIR"); env && *env) return fs::path(env);
    if (auto d = installed_data_dir()) return *d;
    const std::string_view src = VERTEBRA_SOURCE_DIR;
    std::error_code ec;
    if (!src.empty() && fs::is_directory(fs::path(src) / "core" / "data" / "billing", ec))
        return fs::path(src) / "core" / "data";
    const fs::path installed(VERTEBRA_INSTALL_DATA_DIR);
    return installed.is_absolute() ? installed : fs::path(VERTEBRA_INSTALL_PREFIX) / installed;
}

}  // namespace vertebra::core
