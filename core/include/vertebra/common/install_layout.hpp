// Where an installed or build-tree Vertebra finds its plugins and shipped data.
#pragma once

#include <filesystem>
#include <optional>

namespace vertebra::core {

/// The directory of the running program (/proc/self/exe), empty when unknown.
std::filesystem::path program_dir();

/// `<program dir>/../share/vertebra` (the data dir relative to the bin dir, as installed) when
/// it exists and holds rule data: an installed run, wherever the package was unpacked.
std::optional<std::filesystem::path> installed_data_dir();

/// `<program dir>/../lib/vertebra/plugins` (relative to the bin dir, as installed) when it
/// exists.
std::optional<std::filesystem::path> installed_plugin_dir();

/// Shipped rule data: $VERTEBRA_DATA_DIR; else the installed layout next to the program; else
/// the source tree's core/data (a build-tree run); else ${configured prefix}/share/vertebra.
std::filesystem::path shipped_data_dir();

}  // namespace vertebra::core
