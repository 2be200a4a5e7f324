// The clinic's effective-dated fee overrides: resolution by date of service, the owner's fee
// changes (validated, permission-checked, audited), the fee list and the payers' settings.
#include "vertebra/billing/clinic_fees.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "vertebra/billing/rule_data.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/common/text.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::core::billing {

namespace {

using namespace date::literals;

bool key_less(const ClinicFee& a, const ClinicFee& b) {
    return std::tie(a.code, a.payer, a.effective_from, a.id) <
           std::tie(b.code, b.payer, b.effective_from, b.id);
}

std::string key_name(const std::string& code, const std::string& payer) {
    return payer.empty() ? code : code + " for " + payer;
}

}  // namespace

LocalDate earliest_fee_date() { return LocalDate{2000_y / 1 / 1}; }
LocalDate latest_fee_date() { return LocalDate{2099_y / 12 / 31}; }

std::string format_cents(std::int64_t cents) {
    const bool neg = cents < 0;
    const std::int64_t a = neg ? -cents : cents;
    return fmt::format("{}${}.{:02}", neg ? "-" : "", a / 100, a % 100);
}

// ---- ClinicFeeTable ----------------------------------------------------------------------------

ClinicFeeTable::ClinicFeeTable(std::vector<ClinicFee> overrides) : all_(std::move(overrides)) {
    std::sort(all_.begin(), all_.end(), key_less);
}

const ClinicFee* ClinicFeeTable::exact(std::string_view code, std::string_view payer,
                                       LocalDate date) const {
    const ClinicFee* best = nullptr;
    // Sorted by (code, payer, effective_from, id): the last match on or before `date` wins.
    for (const auto& f : all_) {
        if (f.code != code || f.payer != payer) continue;
        if (f.effective_from > date) break;
        best = &f;
    }
    return best;
}

const ClinicFee* ClinicFeeTable::in_force(std::string_view code, std::string_view payer,
                                          LocalDate date) const {
    if (!payer.empty())
        if (const ClinicFee* f = exact(code, payer, date)) return f;
    return exact(code, "", date);
}

void ClinicFeeTable::apply(FeeSchedule& fees, std::string_view payer, LocalDate date) const {
    for (const auto& [code, p] : keys()) {
        if (!p.empty() && p != payer) continue;
        if (const ClinicFee* f = in_force(code, payer, date)) fees.set(code, f->cents_per_unit);
    }
}

std::vector<std::pair<std::string, std::string>> ClinicFeeTable::keys() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : all_)
        if (out.empty() || out.back().first != f.code || out.back().second != f.payer)
            out.emplace_back(f.code, f.payer);
    return out;
}

// ---- InMemoryFeeRepository ---------------------------------------------------------------------

Id InMemoryFeeRepository::add(const ClinicFee& fee, const AuditEvent& event) {
    ClinicFee row = fee;
    row.id = static_cast<Id>(rows_.size()) + 1;
    rows_.push_back(row);
    if (audit_) audit_->append(event);
    return row.id;
}

// ---- FeeRow ------------------------------------------------------------------------------------

std::optional<std::int64_t> FeeRow::fee_cents() const {
    if (clinic) return clinic->cents_per_unit;
    return default_cents;
}

// ---- FeeService --------------------------------------------------------------------------------

FeeService::FeeService(FeeRepository& repo, const ModuleRegistry* modules,
                       std::filesystem::path data_dir)
    : repo_(repo), modules_(modules), data_dir_(std::move(data_dir)) {}

CoreRules FeeService::rules_on_date(LocalDate on) const {
    CoreRules rules = load_core_rules(on, data_dir_);
    if (modules_) {
        for (const ModuleHandle* m : modules_->active_modules()) {
            if (const auto* codes = m->rules().find("codes", on); codes && codes->contains("codes"))
                rules.codes.add_from_json((*codes)["codes"], m->id());
            if (const auto* fees = m->rules().find("fees", on); fees && fees->contains("fees"))
                rules.fees.add_from_json((*fees)["fees"], m->id() + "/fees.json");
        }
    }
    return rules;
}

CoreRules FeeService::rules_for_change(LocalDate from, const std::string& reason,
                                       const char* what) const {
    if (from < earliest_fee_date() || from > latest_fee_date())
        throw invalid("from", "the effective date " + format_date(from) + " must lie between " +
                                  format_date(earliest_fee_date()) + " and " +
                                  format_date(latest_fee_date()));
    if (reason.empty())
        throw invalid("reason", std::string("say why ") + what +
                                    " changes (kept in its history and the audit log)");
    if (reason.size() > kMaxFeeReasonLength)
        throw invalid("reason", "at most " + std::to_string(kMaxFeeReasonLength) + " characters");
    try {
        return rules_on_date(from);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Invalid && e.kind() != ErrorKind::NotFound) throw;
        throw invalid("from", "no billing rule data is in force on " + format_date(from) + " (" +
                                  e.what() + ")");
    }
}

ClinicFeeTable FeeService::table() { return ClinicFeeTable(repo_.all()); }

std::vector<FeeRow> FeeService::list(LocalDate on, const std::string& payer) {
    const CoreRules rules = rules_on_date(on);
    if (!payer.empty()) (void)rules.payer(payer);  // Invalid naming the known payers
    const ClinicFeeTable t = table();
    std::vector<FeeRow> out;
    for (const auto& [code, def] : rules.codes.all()) {
        FeeRow r;
        r.code = code;
        r.description = def.description;
        r.owner = def.owner;
        r.payer = payer;
        r.default_cents = rules.fees.per_unit(code);
        if (const ClinicFee* f = t.in_force(code, payer, on)) r.clinic = *f;
        out.push_back(std::move(r));
    }
    if (payer.empty()) {
        // Payer-specific overrides in force: one more row each, after the all-payer rows.
        for (const auto& [code, p] : t.keys()) {
            if (p.empty()) continue;
            const ClinicFee* f = t.exact(code, p, on);
            if (!f) continue;
            FeeRow r;
            r.code = code;
            r.payer = p;
            if (const CodeDef* def = rules.codes.find(code)) {
                r.description = def->description;
                r.owner = def->owner;
            }
            r.default_cents = rules.fees.per_unit(code);
            r.clinic = *f;
            out.push_back(std::move(r));
        }
    }
    return out;
}

ClinicFee FeeService::set(const Principal& who, const FeeChange& change, Instant now) {
    require(who, Permission::FeeManage);
    ClinicFee fee;
    fee.code = trim(change.code);
    fee.payer = trim(change.payer);
    fee.cents_per_unit = change.cents_per_unit;
    fee.effective_from = change.effective_from;
    fee.reason = trim(change.reason);
    fee.set_by = who.name;
    fee.set_at = now;

    if (fee.code.empty()) throw invalid("code", "give the code whose fee changes, e.g. 97110");
    if (fee.cents_per_unit < 0) throw invalid("cents", "a fee cannot be negative");
    if (fee.cents_per_unit > kMaxClinicFeeCents)
        throw invalid("cents", fmt::format("{} cents ({}) per unit is above the largest fee the "
                                           "clinic may set, {} ({} cents)",
                                           fee.cents_per_unit, format_cents(fee.cents_per_unit),
                                           format_cents(kMaxClinicFeeCents), kMaxClinicFeeCents));
    const CoreRules rules = rules_for_change(fee.effective_from, fee.reason, "the fee");
    if (!rules.codes.find(fee.code))
        throw invalid("code", "unknown code '" + fee.code + "' on " +
                                  format_date(fee.effective_from) +
                                  " (not in the core's codes nor an enabled module's)");
    if (!fee.payer.empty()) (void)rules.payer(fee.payer);  // Invalid, field "payer"

    const ClinicFeeTable t = table();
    // What a visit of that key on that date was billed before this change.
    std::string was;
    if (const ClinicFee* old = t.in_force(fee.code, fee.payer, fee.effective_from))
        was = "clinic fee " + format_cents(old->cents_per_unit) +
              (old->payer.empty() && !fee.payer.empty() ? " for all payers" : "") + " from " +
              format_date(old->effective_from);
    else if (auto d = rules.fees.per_unit(fee.code))
        was = "default " + format_cents(*d);
    else
        was = "no fee";

    AuditEvent event;
    event.user = who.name;
    event.action = "fee.set";
    event.object = "fee:" + fee.code + (fee.payer.empty() ? "" : "@" + fee.payer);
    event.workstation = who.workstation;
    event.detail = fmt::format("{} {} per unit from {} (was {}); reason: {}",
                               key_name(fee.code, fee.payer), format_cents(fee.cents_per_unit),
                               format_date(fee.effective_from), was, fee.reason);
    fee.id = repo_.add(fee, event);
    return fee;
}

std::vector<PayerSettings> FeeService::payers(LocalDate on) {
    const CoreRules rules = rules_on_date(on);
    const ClinicFeeTable t = table();
    std::vector<PayerSettings> out;
    for (const auto& [id, p] : rules.payers) {
        PayerSettings s;
        s.id = id;
        s.name = p.name;
        s.method = p.method;
        s.discipline_modifiers = p.discipline_modifiers;
        s.options = p.options;
        for (const auto& [code, payer] : t.keys())
            if (payer == id && t.exact(code, payer, on)) ++s.clinic_fee_overrides;
        out.push_back(std::move(s));
    }
    if (modules_) {
        const PayerSettingTable clinic = payer_setting_table();
        for (const ModuleHandle* m : modules_->active_modules()) {
            const auto* po = m->rules().find("payer_options", on);
            if (!po || !po->contains("payers") || !(*po)["payers"].is_object()) continue;
            const auto& all = (*po)["payers"];
            const auto settable = settable_options(m->id(), po);
            for (auto& s : out) {
                // The merge order of the modules' own reading (plugins/shared/module_support.hpp).
                nlohmann::json merged = nlohmann::json::object();
                auto merge = [&](const std::string& key) {
                    if (all.contains(key) && all[key].is_object()) merged.update(all[key]);
                };
                merge("default");
                if (s.method == TimedMethod::TotalTime && s.id != "medicare") merge("medicare");
                if (s.id != "default") merge(s.id);
                for (const auto& o : settable) {
                    PayerOptionRow row;
                    row.option = o;
                    row.shipped = merged.value(o.name, nlohmann::json());
                    if (const ClinicPayerSetting* c = clinic.in_force(s.id, o.key, on)) row.clinic = *c;
                    s.settable.push_back(row);
                }
                merged.update(clinic.module_options(s.id, m->id(), on));
                if (!merged.empty()) s.module_options[m->id()] = std::move(merged);
            }
        }
    }
    return out;
}

// ---- JSON --------------------------------------------------------------------------------------

nlohmann::json to_json(const ClinicFee& f) {
    return {{"id", f.id},
            {"code", f.code},
            {"payer", f.payer.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.payer)},
            {"cents_per_unit", f.cents_per_unit},
            {"effective_from", format_date(f.effective_from)},
            {"set_by", f.set_by},
            {"set_at", format_utc(f.set_at)},
            {"reason", f.reason}};
}

nlohmann::json to_json(const FeeRow& r) {
    auto opt = [](const std::optional<std::int64_t>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    nlohmann::json j = {{"code", r.code},
                        {"description", r.description},
                        {"owner", r.owner},
                        {"payer", r.payer.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.payer)},
                        {"default_cents", opt(r.default_cents)},
                        {"clinic_cents", nullptr},
                        {"clinic_from", nullptr},
                        {"clinic_set_by", nullptr},
                        {"clinic_reason", nullptr},
                        {"fee_cents", opt(r.fee_cents())}};
    if (r.clinic) {
        j["clinic_cents"] = r.clinic->cents_per_unit;
        j["clinic_from"] = format_date(r.clinic->effective_from);
        j["clinic_set_by"] = r.clinic->set_by;
        j["clinic_reason"] = r.clinic->reason;
    }
    return j;
}

nlohmann::json to_json(const PayerSettings& p) {
    nlohmann::json mods = nlohmann::json::object();
    for (const auto& [id, o] : p.module_options) mods[id] = o;
    nlohmann::json settable = nlohmann::json::array();
    for (const auto& r : p.settable) settable.push_back(to_json(r));
    return {{"id", p.id},
            {"name", p.name},
            {"timed_method", to_string(p.method)},
            {"discipline_modifiers", p.discipline_modifiers},
            {"options", p.options},
            {"module_options", mods},
            {"clinic_fee_overrides", p.clinic_fee_overrides},
            {"settable", settable}};
}

}  // namespace vertebra::core::billing
