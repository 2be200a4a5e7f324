// Rule data in force on a date of service: code catalog, payers, fee schedule, unit table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/billing/timed_units.hpp"
#include "vertebra/billing/types.hpp"
#include "vertebra/common/time.hpp"

namespace vertebra::core::billing {

/// Every code the visit may contain: the core's PT/OT codes plus those modules register.
class CodeCatalog {
public:
    /// Adds a code. Re-adding an identical definition is allowed; a conflicting one is Invalid.
    void add(CodeDef def);
    /// Adds every entry of a rule-data "codes" array for `owner` (see docs/billing.md).
    void add_from_json(const nlohmann::json& codes, const std::string& owner);
    const CodeDef* find(std::string_view code) const;
    bool is_timed(std::string_view code) const;
    const std::map<std::string, CodeDef, std::less<>>& all() const { return codes_; }

private:
    std::map<std::string, CodeDef, std::less<>> codes_;
};

/// A payer (or payer class) as configured by the clinic.
struct Payer {
    std::string id;
    std::string name;
    TimedMethod method = TimedMethod::PerCode;
    /// Modifiers added to every line of a discipline, e.g. {"pt": ["GP"]} for Medicare.
    std::map<std::string, std::vector<std::string>> discipline_modifiers;
    /// Per-payer options read by modules, keys like "acupuncture.additional_increment_min_minutes".
    nlohmann::json options = nlohmann::json::object();

    bool is_medicare() const { return id == "medicare" || options.value("medicare_rules", false); }
    /// Option lookup by key; `fallback` when absent. Wrong type is Invalid naming the key.
    int option_int(const std::string& key, int fallback) const;
    std::int64_t option_cents(const std::string& key, std::int64_t fallback) const;
    bool option_bool(const std::string& key, bool fallback) const;
    std::string option_string(const std::string& key, const std::string& fallback) const;
    bool has_option(const std::string& key) const { return options.contains(key); }
};

/// Clinic fee per unit, in cents, by code.
class FeeSchedule {
public:
    void set(const std::string& code, std::int64_t cents_per_unit);
    void add_from_json(const nlohmann::json& fees, const std::string& origin);
    std::optional<std::int64_t> per_unit(std::string_view code) const;

private:
    std::map<std::string, std::int64_t, std::less<>> cents_;
};

/// Everything the core kernel needs for one date of service.
struct CoreRules {
    LocalDate date_of_service{};
    UnitTable unit_table;
    CodeCatalog codes;
    std::map<std::string, Payer, std::less<>> payers;
    FeeSchedule fees;

    /// The payer by id; Invalid (field "payer") naming the known payers otherwise.
    const Payer& payer(std::string_view id) const;
};

/// Loads core/data/billing/{unit_table,codes,payers,fees}.json at `dir` for `date_of_service`.
CoreRules load_core_rules(LocalDate date_of_service,
                          const std::filesystem::path& dir = std::filesystem::path{});

/// Parses one payer object from rule data (exposed for tests).
Payer parse_payer(const std::string& id, const nlohmann::json& j);

}  // namespace vertebra::core::billing
