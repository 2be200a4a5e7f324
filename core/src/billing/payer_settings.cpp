// The clinic's payer settings: what modules declare settable, resolution by date, the owner's
// changes (validated against the declaration, permission-checked, audited) and the payer list.
#include "vertebra/billing/payer_settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"
#include "vertebra/common/text.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::core::billing {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool key_less(const ClinicPayerSetting& a, const ClinicPayerSetting& b) {
    return std::tie(a.payer, a.option, a.effective_from, a.id) <
           std::tie(b.payer, b.option, b.effective_from, b.id);
}

}  // namespace

// ---- SettableOption ----------------------------------------------------------------------------

std::string SettableOption::accepts() const {
    if (type == "integer") return fmt::format("a whole number from {} to {}", min, max);
    if (type == "boolean") return "yes or no";
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return "one of " + list;
}

nlohmann::json SettableOption::parse(const std::string& typed) const {
    const std::string text = trim(typed);
    const auto refuse = [&] {
        return invalid("value", key + " takes " + accepts() +
                                    (text.empty() ? "" : " (got \"" + text + "\")"));
    };
    if (type == "integer") {
        std::int64_t v = 0;
        const auto* end = text.data() + text.size();
        const auto r = std::from_chars(text.data(), end, v);
        if (text.empty() || r.ec != std::errc{} || r.ptr != end || v < min || v > max)
            throw refuse();
        return v;
    }
    if (type == "boolean") {
        const std::string t = lower(text);
        if (t == "yes" || t == "true" || t == "on") return true;
        if (t == "no" || t == "false" || t == "off") return false;
        throw refuse();
    }
    if (std::find(choices.begin(), choices.end(), text) == choices.end()) throw refuse();
    return text;
}

std::vector<SettableOption> settable_options(const std::string& module_id,
                                             const nlohmann::json* data) {
    std::vector<SettableOption> out;
    if (!data || !data->is_object()) return out;
    const auto it = data->find("clinic_settable");
    if (it == data->end()) return out;
    const std::string where = module_id + "/payer_options.json clinic_settable";
    if (!it->is_object()) throw invalid("clinic_settable", where + " must be an object");
    for (auto o = it->begin(); o != it->end(); ++o) {
        const std::string at = where + "." + o.key();
        const auto& d = o.value();
        if (!d.is_object()) throw invalid("clinic_settable", at + " must be an object");
        SettableOption s;
        s.module = module_id;
        s.name = o.key();
        s.key = module_id + "." + o.key();
        s.label = d.value("label", o.key());
        s.type = d.value("type", "");
        if (s.type == "integer") {
            try {
                s.min = json_integer_member<std::int64_t>(d, "min", 0);
                s.max = json_integer_member<std::int64_t>(d, "max", 0);
            } catch (const Error& e) {
                throw invalid("clinic_settable", at + ": " + e.what());
            }
            if (s.min > s.max) throw invalid("clinic_settable", at + ": min is above max");
        } else if (s.type == "choice") {
            for (const auto& c : d.value("choices", nlohmann::json::array()))
                if (c.is_string()) s.choices.push_back(c.get<std::string>());
            if (s.choices.empty()) throw invalid("clinic_settable", at + ": a choice needs choices");
        } else if (s.type != "boolean") {
            throw invalid("clinic_settable", at + ": type must be integer, boolean or choice");
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string show_option_value(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    return v.dump();
}

// ---- PayerSettingTable -------------------------------------------------------------------------

PayerSettingTable::PayerSettingTable(std::vector<ClinicPayerSetting> settings)
    : all_(std::move(settings)) {
    std::sort(all_.begin(), all_.end(), key_less);
}

const ClinicPayerSetting* PayerSettingTable::in_force(std::string_view payer,
                                                      std::string_view option,
                                                      LocalDate date) const {
    const ClinicPayerSetting* best = nullptr;
    // Sorted by (payer, option, effective_from, id): the last match on or before `date` wins.
    for (const auto& s : all_) {
        if (s.payer != payer || s.option != option) continue;
        if (s.effective_from > date) break;
        best = &s;
    }
    return best;
}

nlohmann::json PayerSettingTable::module_options(std::string_view payer, std::string_view module,
                                                 LocalDate date) const {
    nlohmann::json out = nlohmann::json::object();
    const std::string prefix = std::string(module) + ".";
    for (const auto& s : all_) {
        if (s.payer != payer || s.option.rfind(prefix, 0) != 0) continue;
        if (out.contains(s.option.substr(prefix.size()))) continue;  // resolved below already
        if (const ClinicPayerSetting* f = in_force(payer, s.option, date))
            out[s.option.substr(prefix.size())] = f->value;
    }
    return out;
}

// ---- Storage without a database ----------------------------------------------------------------

Id InMemoryFeeRepository::add_payer_setting(const ClinicPayerSetting& setting,
                                            const AuditEvent& event) {
    ClinicPayerSetting row = setting;
    row.id = static_cast<Id>(settings_.size()) + 1;
    settings_.push_back(row);
    if (audit_) audit_->append(event);
    return row.id;
}

// ---- FeeService: payer settings ----------------------------------------------------------------

std::vector<SettableOption> FeeService::settable_on(LocalDate on) const {
    std::vector<SettableOption> out;
    if (!modules_) return out;
    for (const ModuleHandle* m : modules_->active_modules())
        for (auto& s : settable_options(m->id(), m->rules().find("payer_options", on)))
            out.push_back(std::move(s));
    return out;
}

PayerSettingTable FeeService::payer_setting_table() {
    return PayerSettingTable(repo_.payer_settings());
}

ClinicPayerSetting FeeService::set_payer_option(const Principal& who,
                                                const PayerSettingChange& change, Instant now) {
    require(who, Permission::FeeManage);
    ClinicPayerSetting s;
    s.payer = trim(change.payer);
    s.option = trim(change.option);
    s.effective_from = change.effective_from;
    s.reason = trim(change.reason);
    s.set_by = who.name;
    s.set_at = now;

    if (s.payer.empty()) throw invalid("payer", "give the payer whose setting changes, e.g. commercial");
    if (s.option.empty())
        throw invalid("option", "give the option, e.g. chiropractic.visits_per_year");
    const CoreRules rules = rules_for_change(s.effective_from, s.reason, "the setting");
    (void)rules.payer(s.payer);  // Invalid, field "payer", naming the known payers
    const auto settable = settable_on(s.effective_from);
    const auto spec = std::find_if(settable.begin(), settable.end(),
                                   [&](const SettableOption& o) { return o.key == s.option; });
    if (spec == settable.end()) {
        std::string list;
        for (const auto& o : settable) list += (list.empty() ? "" : ", ") + o.key;
        throw invalid("option", "'" + s.option + "' is not a payer option the clinic may set on " +
                                    format_date(s.effective_from) +
                                    (list.empty() ? " (no enabled module offers any)"
                                                  : "; these are: " + list));
    }
    s.value = spec->parse(change.value);

    const PayerSettingTable t = payer_setting_table();
    std::string was;
    if (const ClinicPayerSetting* old = t.in_force(s.payer, s.option, s.effective_from))
        was = show_option_value(old->value) + " set by the clinic from " +
              format_date(old->effective_from);
    else
        was = "the module's own rules";

    AuditEvent event;
    event.user = who.name;
    event.action = "payer.set";
    event.object = "payer:" + s.payer + "/" + s.option;
    event.workstation = who.workstation;
    event.detail = fmt::format("{} {} = {} from {} (was {}); reason: {}", s.payer, s.option,
                               show_option_value(s.value), format_date(s.effective_from), was,
                               s.reason);
    s.id = repo_.add_payer_setting(s, event);
    return s;
}

// ---- JSON --------------------------------------------------------------------------------------

nlohmann::json to_json(const ClinicPayerSetting& s) {
    return {{"id", s.id},
            {"payer", s.payer},
            {"option", s.option},
            {"value", s.value},
            {"effective_from", format_date(s.effective_from)},
            {"set_by", s.set_by},
            {"set_at", format_utc(s.set_at)},
            {"reason", s.reason}};
}

nlohmann::json to_json(const PayerOptionRow& r) {
    nlohmann::json j = {{"option", r.option.key},
                        {"label", r.option.label},
                        {"accepts", r.option.accepts()},
                        {"shipped", r.shipped},
                        {"value", r.value()},
                        {"clinic_from", nullptr},
                        {"clinic_set_by", nullptr},
                        {"clinic_reason", nullptr}};
    if (r.clinic) {
        j["clinic_from"] = format_date(r.clinic->effective_from);
        j["clinic_set_by"] = r.clinic->set_by;
        j["clinic_reason"] = r.clinic->reason;
    }
    return j;
}

}  // namespace vertebra::core::billing
