// Effective-dated rule data: parsing rule-set files, overlap checks and lookup by date of service.
#include "vertebra/plugin_api/rule_data.hpp"

#include <algorithm>
#include <fstream>

#include "api_util.hpp"
#include "vertebra/common/error.hpp"

namespace vertebra::plugin_api {

using detail::format_iso_date;
using detail::parse_iso_date;

const RuleVersion* RuleSet::effective_on(LocalDate d) const {
    for (const auto& v : versions) {
        if (v.covers(d)) return &v;
    }
    return nullptr;
}

RuleSet RuleSet::from_json(const nlohmann::json& j, const std::string& origin) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the rule set, never nlohmann's own exception.
    try {
        return [&]() -> RuleSet {
            auto fail = [&](const std::string& member, const std::string& why) {
                return Error(ErrorKind::Invalid, origin + ": " + member + " " + why, member);
            };
            if (!j.is_object()) throw fail("(top level)", "must be a JSON object with \"versions\"");
            RuleSet set;
            if (auto n = j.find("name"); n != j.end()) {
                if (!n->is_string() || n->get<std::string>().empty()) throw fail("name", "must be text");
                set.name = n->get<std::string>();
            }
            auto vs = j.find("versions");
            if (vs == j.end() || !vs->is_array() || vs->empty()) {
                throw fail("versions", "must be a non-empty list of {effective_from, data}");
            }
            for (std::size_t i = 0; i < vs->size(); ++i) {
                const auto& v = (*vs)[i];
                const std::string at = "versions[" + std::to_string(i) + "]";
                if (!v.is_object()) throw fail(at, "must be an object");
                auto from = v.find("effective_from");
                if (from == v.end() || !from->is_string()) throw fail(at + ".effective_from", "is missing");
                RuleVersion rv;
                auto f = parse_iso_date(from->get<std::string>());
                if (!f) throw fail(at + ".effective_from", "must be a date as YYYY-MM-DD");
                rv.from = *f;
                if (auto to = v.find("effective_to"); to != v.end() && !to->is_null()) {
                    auto t = to->is_string() ? parse_iso_date(to->get<std::string>()) : std::nullopt;
                    if (!t) throw fail(at + ".effective_to", "must be a date as YYYY-MM-DD or null");
                    if (*t < rv.from) throw fail(at + ".effective_to", "is before effective_from");
                    rv.to = *t;
                }
                auto data = v.find("data");
                if (data == v.end()) throw fail(at + ".data", "is missing");
                rv.data = *data;
                set.versions.push_back(std::move(rv));
            }
            std::sort(set.versions.begin(), set.versions.end(),
                      [](const RuleVersion& a, const RuleVersion& b) { return a.from < b.from; });
            for (std::size_t i = 1; i < set.versions.size(); ++i) {
                const auto& prev = set.versions[i - 1];
                const auto& cur = set.versions[i];
                if (!prev.to || *prev.to >= cur.from) {
                    throw fail("versions", "effective from " + format_iso_date(prev.from) + " and from " +
                                               format_iso_date(cur.from) + " overlap");
                }
            }
            return set;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid(origin, std::string("malformed rule set: ") + e.what());
    }
}

RuleData RuleData::load_dir(const std::filesystem::path& dir) {
    RuleData data;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return data;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        const std::string origin = p.filename().string();
        std::ifstream in(p);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {  // also out_of_range: 1e400
            throw Error(ErrorKind::Invalid, origin + ": not valid JSON (" + e.what() + ")", origin);
        }
        RuleSet set = RuleSet::from_json(j, origin);
        const std::string stem = p.stem().string();
        if (set.name.empty()) set.name = stem;
        if (set.name != stem) {
            throw Error(ErrorKind::Invalid,
                        origin + ": name \"" + set.name + "\" must match the file name \"" + stem + "\"",
                        "name");
        }
        data.add(std::move(set));
    }
    return data;
}

void RuleData::add(RuleSet set) {
    std::string name = set.name;
    sets_[name] = std::move(set);
}

std::vector<std::string> RuleData::names() const {
    std::vector<std::string> out;
    for (const auto& [n, s] : sets_) out.push_back(n);
    return out;
}

const RuleSet* RuleData::set(const std::string& name) const {
    auto it = sets_.find(name);
    return it == sets_.end() ? nullptr : &it->second;
}

const nlohmann::json* RuleData::find(const std::string& name, LocalDate date) const {
    const RuleSet* s = set(name);
    if (!s) return nullptr;
    const RuleVersion* v = s->effective_on(date);
    return v ? &v->data : nullptr;
}

const nlohmann::json& RuleData::at(const std::string& name, LocalDate date) const {
    if (const auto* j = find(name, date)) return *j;
    if (!has(name)) throw Error(ErrorKind::NotFound, "no rule data named \"" + name + "\"", name);
    throw Error(ErrorKind::NotFound,
                "no " + name + " rules in force on " + format_iso_date(date), "date");
}

}  // namespace vertebra::plugin_api
