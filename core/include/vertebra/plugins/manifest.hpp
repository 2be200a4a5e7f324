// plugin.json: the manifest read and checked before a plugin's library is opened.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vertebra::core {

struct PluginDependency {
    std::string id;
    std::string min_version;  ///< "" = any version
};

/// A validated plugin.json. Required: id, name, version, api_version, library.
/// Optional: description, dependencies, data_dir (default "data"), migrations, services.
struct PluginManifest {
    std::string id;           ///< lower_snake: "chiropractic"
    std::string name;         ///< "Chiropractic"
    std::string version;      ///< "1.2.0"
    int api_version = 0;      ///< must equal plugin_api::kApiVersion
    std::string library;      ///< file name next to plugin.json: "chiropractic.so"
    std::string description;
    std::vector<PluginDependency> dependencies;
    std::string data_dir = "data";
    std::vector<std::string> migrations;  ///< relative paths of SQL files, run through db/
    nlohmann::json raw;                   ///< the whole document

    /// Throws Error(Invalid) with a precise message naming the key, e.g.
    /// "plugin.json: \"version\" is missing".
    static PluginManifest parse(const nlohmann::json& j);
    /// Reads and parses a file; invalid JSON is reported with line and column.
    static PluginManifest read(const std::filesystem::path& file);
};

/// Compares dotted versions numerically ("1.10.0" > "1.9"); a non-numeric suffix is ignored.
int compare_versions(const std::string& a, const std::string& b);

}  // namespace vertebra::core
