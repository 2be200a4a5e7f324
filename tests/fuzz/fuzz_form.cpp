// Fuzzes filled form values against the REAL module form schemas (plugins/*/data/forms/*.json):
// the first byte picks a schema; the rest is the values JSON given to plugin_api::validate_form,
// which must never throw. Selector 255 instead fuzzes a schema document itself (from_json +
// check_schema; a schema that passes is then used to validate "{}" and its own JSON).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "vertebra/plugin_api/forms.hpp"

namespace api = vertebra::plugin_api;

namespace {
std::vector<api::FormSchema> g_schemas;

void check_never_throws(const api::FormSchema& s, const nlohmann::json& values) {
    try {
        const auto errors = api::validate_form(s, values);
        for (const auto& e : errors)
            (void)nlohmann::json{{"field", e.field}, {"message", e.message}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        vertebra::fuzz::finding("validate_form threw", e.what());
    }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& d : fs::directory_iterator(VERTEBRA_SOURCE_DIR "/plugins")) {
        const fs::path forms = d.path() / "data" / "forms";
        if (!fs::is_directory(forms)) continue;
        for (const auto& f : fs::directory_iterator(forms))
            if (f.path().extension() == ".json") files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f);
        g_schemas.push_back(nlohmann::json::parse(in).get<api::FormSchema>());
    }
    if (g_schemas.size() < 9) {
        std::fprintf(stderr, "fuzz_form: expected the 9 shipped schemas, found %zu\n", g_schemas.size());
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    if (data[0] == 255) {
        vertebra::fuzz::expect_clean([&] {
            const auto schema = j.get<api::FormSchema>();
            if (api::check_schema(schema).empty()) {
                check_never_throws(schema, nlohmann::json::object());
                check_never_throws(schema, j);
                (void)nlohmann::json(schema).dump();
            }
        });
        return 0;
    }
    check_never_throws(g_schemas[data[0] % g_schemas.size()], j);
    return 0;
}
