// The clinic's own fees: effective-dated overrides of the shipped fee schedule, per code and
// optionally per payer, set by the owner (fee.manage, audited) and used when a visit is billed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/billing/catalog.hpp"
#include "vertebra/billing/payer_settings.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core {
class ModuleRegistry;
}

namespace vertebra::core::billing {

/// Highest fee per unit the clinic may set: $50,000.00. Anything above is a typo (extra zeros).
inline constexpr std::int64_t kMaxClinicFeeCents = 5'000'000;
/// Effective dates the clinic may give: 2000-01-01 to 2099-12-31.
LocalDate earliest_fee_date();
LocalDate latest_fee_date();
/// Longest reason kept with a fee change.
inline constexpr std::size_t kMaxFeeReasonLength = 500;

/// One stored override. It is in force for its (code, payer) from `effective_from` until the
/// next override of the same key; overrides are never changed or removed (history).
struct ClinicFee {
    Id id = 0;
    std::string code;
    std::string payer;  ///< "" = every payer without an override of its own
    std::int64_t cents_per_unit = 0;
    LocalDate effective_from{};
    std::string set_by;  ///< the owner who set it (the audit log records the login as well)
    Instant set_at{};
    std::string reason;
};

/// What an owner asks to set.
struct FeeChange {
    std::string code;
    std::string payer;  ///< "" = every payer
    std::int64_t cents_per_unit = 0;
    LocalDate effective_from{};
    std::string reason;
};

/// Every override (history included), resolved by date of service. Pure; no I/O.
class ClinicFeeTable {
public:
    ClinicFeeTable() = default;
    explicit ClinicFeeTable(std::vector<ClinicFee> overrides);

    /// The override of exactly (code, payer) in force on `date`: the latest effective_from on or
    /// before `date`; of two with the same date, the one set last (a correction).
    const ClinicFee* exact(std::string_view code, std::string_view payer, LocalDate date) const;
    /// What billing uses for `payer`: its own override in force, else the all-payer one.
    const ClinicFee* in_force(std::string_view code, std::string_view payer, LocalDate date) const;
    /// Replaces the fees in `fees` of every code with an override in force for `payer` on `date`.
    void apply(FeeSchedule& fees, std::string_view payer, LocalDate date) const;
    /// Every distinct (code, payer) key, sorted.
    std::vector<std::pair<std::string, std::string>> keys() const;
    const std::vector<ClinicFee>& all() const { return all_; }
    bool empty() const { return all_.empty(); }

private:
    std::vector<ClinicFee> all_;  ///< sorted by code, payer, effective_from, id
};

/// Storage of the overrides. Implemented by db/ (SOCI) and InMemoryFeeRepository.
class FeeRepository {
public:
    virtual ~FeeRepository() = default;
    /// Every override, oldest first (by id).
    virtual std::vector<ClinicFee> all() = 0;
    /// Stores `fee` (its id is ignored) and appends `event` to the audit log, atomically.
    /// Returns the new id.
    virtual Id add(const ClinicFee& fee, const AuditEvent& event) = 0;
    /// Every payer setting, oldest first (by id).
    virtual std::vector<ClinicPayerSetting> payer_settings() = 0;
    /// Stores `setting` (its id is ignored) and appends `event`, atomically. Returns the new id.
    virtual Id add_payer_setting(const ClinicPayerSetting& setting, const AuditEvent& event) = 0;
};

/// A process-local implementation (tests, runs without a database). Audits into `audit`.
class InMemoryFeeRepository final : public FeeRepository {
public:
    explicit InMemoryFeeRepository(AuditRepository* audit = nullptr) : audit_(audit) {}
    std::vector<ClinicFee> all() override { return rows_; }
    Id add(const ClinicFee& fee, const AuditEvent& event) override;
    std::vector<ClinicPayerSetting> payer_settings() override { return settings_; }
    Id add_payer_setting(const ClinicPayerSetting& setting, const AuditEvent& event) override;

private:
    AuditRepository* audit_;
    std::vector<ClinicFee> rows_;
    std::vector<ClinicPayerSetting> settings_;
};

/// One line of the fee list for a date.
struct FeeRow {
    std::string code;
    std::string description;
    std::string owner;    ///< "core" or the module that brings the code
    std::string payer;    ///< "" = every payer (or the payer the list was asked for)
    std::optional<std::int64_t> default_cents;  ///< the shipped fee in force, if any
    std::optional<ClinicFee> clinic;            ///< the clinic's override in force, if any
    /// What a visit on that date is billed per unit: the clinic's fee, else the default.
    std::optional<std::int64_t> fee_cents() const;
};

/// A payer from the rule data in force, with every module's options for it.
struct PayerSettings {
    std::string id;
    std::string name;
    TimedMethod method = TimedMethod::PerCode;
    std::map<std::string, std::vector<std::string>> discipline_modifiers;
    nlohmann::json options = nlohmann::json::object();  ///< core options (payers.json)
    /// module id -> that module's payer_options for this payer as a visit on the date is billed:
    /// "default", "medicare" for a Medicare-method payer, the payer's own entry, then the
    /// clinic's settings in force.
    std::map<std::string, nlohmann::json> module_options;
    int clinic_fee_overrides = 0;  ///< payer-specific clinic fees in force on the date
    /// The options enabled modules let the clinic set for this payer, with the shipped value
    /// and the clinic's setting in force on the date.
    std::vector<PayerOptionRow> settable;
};

/// The clinic's fee schedule service: list, set (owner only, audited), and the table billing uses.
class FeeService {
public:
    /// `modules` (may be null) adds the codes and fees of running, enabled modules.
    FeeService(FeeRepository& repo, const ModuleRegistry* modules,
               std::filesystem::path data_dir = {});

    /// Every billable code on `on` with its shipped default and the clinic's fee in force. With
    /// `payer` empty: one row per code for all payers, then one row per payer-specific override
    /// in force. With `payer`: one row per code as a visit of that payer is billed (Invalid,
    /// field "payer", for an unknown payer).
    std::vector<FeeRow> list(LocalDate on, const std::string& payer = {});
    /// Stores an override. PermissionDenied without fee.manage; Invalid naming the field:
    /// "code" (unknown on that date), "cents" (negative or above kMaxClinicFeeCents), "from"
    /// (outside 2000-2099 or no rule data then), "payer" (unknown), "reason" (missing, too long).
    /// Audited as "fee.set" with the old and new fee.
    ClinicFee set(const Principal& who, const FeeChange& change, Instant now);
    /// Every override, for billing (ClinicFeeTable::in_force by date of service).
    ClinicFeeTable table();
    /// The payers in force on `on` with their settings: the shipped rule data, with the options
    /// modules let the clinic set and the clinic's values in force.
    std::vector<PayerSettings> payers(LocalDate on);
    /// Stores the clinic's value of a payer option from a date. PermissionDenied without
    /// fee.manage (owners: fees and payer settings are one job); Invalid naming the field:
    /// "payer" (unknown on that date), "option" (not one an enabled module lets the clinic set on
    /// that date — the message lists those it does), "value" (type, range, choices), "from",
    /// "reason" (missing, too long). Audited as "payer.set" with the old and new value.
    ClinicPayerSetting set_payer_option(const Principal& who, const PayerSettingChange& change,
                                        Instant now);
    /// Every payer setting, for booking checks and billing (PayerSettingTable::module_options).
    PayerSettingTable payer_setting_table();

private:
    /// Core rules on `on` plus the codes and fees of active modules.
    CoreRules rules_on_date(LocalDate on) const;
    /// The options active modules let the clinic set on `on`.
    std::vector<SettableOption> settable_on(LocalDate on) const;
    /// What every change (a fee, a payer setting) is checked for first: `from` within
    /// 2000-2099, a `reason` of at most kMaxFeeReasonLength (Invalid naming "from" / "reason";
    /// `what` says what changes: "the fee"); then the rules in force on `from` to check the
    /// rest against (Invalid "from" when there are none).
    CoreRules rules_for_change(LocalDate from, const std::string& reason, const char* what) const;

    FeeRepository& repo_;
    const ModuleRegistry* modules_;
    std::filesystem::path data_dir_;
};

/// "$42.00".
std::string format_cents(std::int64_t cents);

/// {"code", "description", "owner", "payer" (null = all), "default_cents", "clinic_cents",
///  "clinic_from", "clinic_set_by", "clinic_reason", "fee_cents"} (absent values null).
nlohmann::json to_json(const FeeRow& row);
/// {"id", "code", "payer", "cents_per_unit", "effective_from", "set_by", "set_at", "reason"}.
nlohmann::json to_json(const ClinicFee& fee);
/// {"id", "name", "timed_method", "discipline_modifiers", "options", "module_options",
///  "clinic_fee_overrides", "settable"}.
nlohmann::json to_json(const PayerSettings& p);

}  // namespace vertebra::core::billing
