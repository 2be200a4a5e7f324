// plugin.json parsing with precise, key-naming messages (checked before any library is opened).
#include "vertebra/plugins/manifest.hpp"

#include <cctype>
#include <fstream>
#include <regex>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"
#include "vertebra/plugin_api/abi.hpp"

namespace vertebra::core {

namespace {

Error bad(const std::string& key, const std::string& why) {
    return Error(ErrorKind::Invalid, "plugin.json: \"" + key + "\" " + why, key);
}

std::string required_string(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) throw bad(key, "is missing");
    if (!it->is_string()) throw bad(key, "must be a string");
    if (it->get<std::string>().empty()) throw bad(key, "is empty");
    return it->get<std::string>();
}

std::string optional_string(const nlohmann::json& j, const char* key, std::string fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw bad(key, "must be a string");
    return it->get<std::string>();
}

bool is_id(const std::string& s) { return std::regex_match(s, std::regex("[a-z][a-z0-9_]*")); }
bool is_version(const std::string& s) {
    return std::regex_match(s, std::regex("[0-9]+(\\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?"));
}
bool is_relative_inside(const std::string& p) {
    if (p.empty() || p.front() == '/') return false;
    for (const auto& part : std::filesystem::path(p)) {
        if (part == "..") return false;
    }
    return true;
}

}  // namespace

PluginManifest PluginManifest::parse(const nlohmann::json& j) {
    if (!j.is_object()) {
        throw Error(ErrorKind::Invalid, "plugin.json: must be a JSON object", "plugin.json");
    }
    PluginManifest m;
    m.raw = j;
    m.id = required_string(j, "id");
    if (!is_id(m.id)) throw bad("id", "must be lower_snake_case letters, digits and _ (got \"" + m.id + "\")");
    m.name = required_string(j, "name");
    m.version = required_string(j, "version");
    if (!is_version(m.version)) throw bad("version", "must look like 1.2.3 (got \"" + m.version + "\")");

    auto api = j.find("api_version");
    if (api == j.end()) throw bad("api_version", "is missing");
    if (!api->is_number_integer()) throw bad("api_version", "must be a whole number");
    try {
        m.api_version = json_integer<int>(*api, "api_version");  // 2^32 + 1 is not 1
    } catch (const Error&) {
        throw bad("api_version", "is far outside any plugin API version");
    }
    const int ours = static_cast<int>(plugin_api::kApiVersion);
    if (m.api_version != ours) {
        throw bad("api_version", "is " + std::to_string(m.api_version) +
                                     ", but this Vertebra provides plugin API " +
                                     std::to_string(ours) + ": rebuild the plugin against it");
    }

    m.library = required_string(j, "library");
    if (m.library.find('/') != std::string::npos || m.library == "." || m.library == "..") {
        throw bad("library", "must be a file name next to plugin.json (got \"" + m.library + "\")");
    }
    m.description = optional_string(j, "description", "");
    m.data_dir = optional_string(j, "data_dir", "data");
    if (!is_relative_inside(m.data_dir)) throw bad("data_dir", "must be a path inside the plugin directory");

    if (auto deps = j.find("dependencies"); deps != j.end() && !deps->is_null()) {
        if (!deps->is_array()) throw bad("dependencies", "must be a list");
        for (const auto& d : *deps) {
            PluginDependency dep;
            if (d.is_string()) {
                dep.id = d.get<std::string>();
            } else if (d.is_object()) {
                auto id = d.find("id");
                if (id == d.end() || !id->is_string()) throw bad("dependencies", "entry has no \"id\"");
                dep.id = id->get<std::string>();
                if (auto v = d.find("version"); v != d.end()) {
                    if (!v->is_string() || !is_version(v->get<std::string>())) {
                        throw bad("dependencies", "version of \"" + dep.id + "\" must look like 1.2.3");
                    }
                    dep.min_version = v->get<std::string>();
                }
            } else {
                throw bad("dependencies", "entries must be plugin ids or {\"id\", \"version\"}");
            }
            if (!is_id(dep.id)) throw bad("dependencies", "\"" + dep.id + "\" is not a plugin id");
            if (dep.id == m.id) throw bad("dependencies", "a plugin cannot depend on itself");
            m.dependencies.push_back(std::move(dep));
        }
    }
    if (auto mig = j.find("migrations"); mig != j.end() && !mig->is_null()) {
        if (!mig->is_array()) throw bad("migrations", "must be a list of file paths");
        for (const auto& p : *mig) {
            if (!p.is_string() || !is_relative_inside(p.get<std::string>())) {
                throw bad("migrations", "entries must be paths inside the plugin directory");
            }
            m.migrations.push_back(p.get<std::string>());
        }
    }
    return m;
}

PluginManifest PluginManifest::read(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw Error(ErrorKind::NotFound, "plugin.json: cannot be read at " + file.string(), "plugin.json");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {  // also out_of_range: 1e400
        // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        throw Error(ErrorKind::Invalid, "plugin.json: not valid JSON (" + what + ")", "plugin.json");
    }
    return parse(j);
}

int compare_versions(const std::string& a, const std::string& b) {
    auto parts = [](const std::string& s) {
        std::vector<long> out;
        std::size_t i = 0;
        while (out.size() < 3 && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            std::size_t j = i;
            while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
            out.push_back(std::stol(s.substr(i, j - i)));
            if (j < s.size() && s[j] == '.') i = j + 1;
            else break;
        }
        while (out.size() < 3) out.push_back(0);
        return out;
    };
    const auto pa = parts(a), pb = parts(b);
    for (std::size_t i = 0; i < 3; ++i) {
        if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
    }
    return 0;
}

}  // namespace vertebra::core
