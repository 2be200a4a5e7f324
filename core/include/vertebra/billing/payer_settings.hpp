// The clinic's own payer settings: effective-dated values of the payer options a therapy module
// lets the clinic set (its rule data's "clinic_settable" in payer_options.json), per payer — a
// commercial plan's yearly chiropractic visit cap, whether it covers a third facet level... Set by
// the owner (FeeService::set_payer_option, fee.manage, audited); used when booking and billing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core::billing {

/// How one payer option may be set, as the module's rule data declares it:
/// "clinic_settable": {"visits_per_year": {"label": "...", "type": "integer", "min": 0,
/// "max": 366}, "year_basis": {"type": "choice", "choices": ["calendar", ...]},
/// "frequency_limits": {"type": "boolean"}}.
struct SettableOption {
    std::string key;     ///< "chiropractic.visits_per_year"
    std::string module;  ///< "chiropractic"
    std::string name;    ///< "visits_per_year"
    std::string label;   ///< "Chiropractic visits a plan year (0 = no cap)"
    std::string type;    ///< "integer", "boolean" or "choice"
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::vector<std::string> choices;

    /// What an owner typed ("20", "yes", "relative") as the option's JSON value. Invalid, field
    /// "value", naming the range, the two words or the choices.
    nlohmann::json parse(const std::string& text) const;
    /// "integer 0 to 366", "yes or no", "one of calendar, rolling_12_months".
    std::string accepts() const;
};

/// The options `module_id` declares settable in its payer_options data (`data` = the rule set's
/// data in force, may be null). Invalid, naming the module and option, for a malformed
/// declaration (rule data shipped with a module is checked like every other input).
std::vector<SettableOption> settable_options(const std::string& module_id,
                                             const nlohmann::json* data);

/// A value as people read it: 20, yes/no, relative.
std::string show_option_value(const nlohmann::json& v);

/// One stored setting. In force for its (payer, option) from `effective_from` until the next
/// setting of the same key; never changed or removed (history).
struct ClinicPayerSetting {
    Id id = 0;
    std::string payer;   ///< a payer id in force ("commercial")
    std::string option;  ///< "chiropractic.visits_per_year"
    nlohmann::json value;
    LocalDate effective_from{};
    std::string set_by;
    Instant set_at{};
    std::string reason;
};

/// What an owner asks to set.
struct PayerSettingChange {
    std::string payer;
    std::string option;  ///< "chiropractic.visits_per_year"
    std::string value;   ///< as typed
    LocalDate effective_from{};
    std::string reason;
};

/// Every setting (history included), resolved by date. Pure; no I/O.
class PayerSettingTable {
public:
    PayerSettingTable() = default;
    explicit PayerSettingTable(std::vector<ClinicPayerSetting> settings);

    /// The setting of (payer, option) in force on `date`: the latest effective_from on or before
    /// it; of two with the same date, the one set last (a correction).
    const ClinicPayerSetting* in_force(std::string_view payer, std::string_view option,
                                       LocalDate date) const;
    /// {"visits_per_year": 20, ...}: every option of `module` set for `payer`, in force on `date`
    /// (an empty object when none) — what the host passes a module as PayerRef::clinic_options.
    nlohmann::json module_options(std::string_view payer, std::string_view module,
                                  LocalDate date) const;
    const std::vector<ClinicPayerSetting>& all() const { return all_; }
    bool empty() const { return all_.empty(); }

private:
    std::vector<ClinicPayerSetting> all_;  ///< sorted by payer, option, effective_from, id
};

/// One settable option of one payer on a date (Payers page, `vertebra-cli payer list`).
struct PayerOptionRow {
    SettableOption option;
    nlohmann::json shipped;                    ///< the module's own value for this payer
    std::optional<ClinicPayerSetting> clinic;  ///< the clinic's setting in force, if any
    const nlohmann::json& value() const { return clinic ? clinic->value : shipped; }
};

/// {"id", "payer", "option", "value", "effective_from", "set_by", "set_at", "reason"}.
nlohmann::json to_json(const ClinicPayerSetting& s);
/// {"option", "label", "accepts", "shipped", "value", "clinic_from", "clinic_set_by",
///  "clinic_reason"} (absent values null).
nlohmann::json to_json(const PayerOptionRow& r);

}  // namespace vertebra::core::billing
