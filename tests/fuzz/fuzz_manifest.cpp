// Fuzzes plugin.json manifests: the same parse as PluginManifest::read (JSON, then
// PluginManifest::parse), plus compare_versions on what parsed. Also writes the bytes to a file
// once per input family through PluginManifest::read when the input starts with '#'.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "fuzz_support.hpp"
#include "vertebra/plugins/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using vertebra::core::PluginManifest;
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (!text.empty() && text[0] == '#') {
        // The file path: read() reports invalid JSON with line and column.
        static const std::filesystem::path file =
            std::filesystem::temp_directory_path() /
            ("vertebra-fuzz-manifest-" + std::to_string(::getpid()) + ".json");
        {
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out.write(text.data() + 1, static_cast<std::streamsize>(text.size() - 1));
        }
        vertebra::fuzz::expect_clean([&] { (void)PluginManifest::read(file); });
        return 0;
    }
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    vertebra::fuzz::expect_clean([&] {
        const PluginManifest m = PluginManifest::parse(j);
        (void)vertebra::core::compare_versions(m.version, "1.10.0");
        for (const auto& d : m.dependencies)
            (void)vertebra::core::compare_versions(m.version, d.min_version);
    });
    return 0;
}
