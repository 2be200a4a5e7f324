// Effective-dated rule data (codes, fees, limits) shipped as JSON files in a plugin's data dir.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"

namespace vertebra::plugin_api {

/// One version of a rule set, valid from `from` to `to` inclusive (`to` empty = open-ended).
struct RuleVersion {
    LocalDate from;
    std::optional<LocalDate> to;
    nlohmann::json data;
    bool covers(LocalDate d) const { return from <= d && (!to || d <= *to); }
};

/// All versions of one named rule set, e.g. "fees" or "limits".
///
/// File format (`<data dir>/<name>.json`):
/// ```json
/// {"name": "fees",
///  "versions": [{"effective_from": "2020-01-01", "effective_to": "2023-12-31", "data": {...}},
///               {"effective_from": "2024-01-01", "data": {...}}]}
/// ```
/// Versions may leave gaps but must not overlap.
struct RuleSet {
    std::string name;
    std::vector<RuleVersion> versions;  ///< sorted by `from`

    /// The version in force on `date`, or nullptr.
    const RuleVersion* effective_on(LocalDate date) const;
    /// Throws vertebra::Error(Invalid) naming `origin` (a file name) and the member at fault.
    static RuleSet from_json(const nlohmann::json& j, const std::string& origin);
};

/// The rule sets of one module, looked up by name and date of service.
class RuleData {
public:
    RuleData() = default;
    /// Loads every `*.json` file directly in `dir` (a missing dir gives empty data). Each file
    /// must hold one rule set whose "name" equals the file stem. Throws vertebra::Error(Invalid)
    /// naming the file and member.
    static RuleData load_dir(const std::filesystem::path& dir);

    /// Adds or replaces a rule set (tests build data in memory this way).
    void add(RuleSet set);
    bool has(const std::string& name) const { return sets_.count(name) != 0; }
    std::vector<std::string> names() const;
    const RuleSet* set(const std::string& name) const;

    /// The data of `name` in force on `date`, or nullptr if none.
    const nlohmann::json* find(const std::string& name, LocalDate date) const;
    /// As find(), but throws vertebra::Error(NotFound) "no <name> rules in force on YYYY-MM-DD".
    const nlohmann::json& at(const std::string& name, LocalDate date) const;

private:
    std::map<std::string, RuleSet> sets_;
};

}  // namespace vertebra::plugin_api
