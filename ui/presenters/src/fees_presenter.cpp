// The owner's "Fees and payers" screen without wx: the fee list for a date, setting a fee, payers.
#include "vertebra/ui/fees_presenter.hpp"

#include <algorithm>
#include <cctype>

#include "vertebra/common/error.hpp"
#include "vertebra/ui/record_services.hpp"

namespace vertebra::ui {

namespace {

/// Core's message as a sentence: capital first letter, full stop.
std::string sentence(std::string m) {
    if (!m.empty()) m[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(m[0])));
    return m + (m.empty() || m.back() == '.' ? "" : ".");
}

std::string module_label(const std::string& owner) {
    if (owner.empty() || owner == "core") return "Core";
    return human_key(owner);
}

std::string option_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>().empty() ? "(none)" : v.get<std::string>();
    return v.dump();
}

}  // namespace

FeesPresenter::FeesPresenter(core::billing::FeeRepository& repo,
                             const core::ModuleRegistry& modules, const core::Principal& who,
                             LocalDate today)
    : service_(repo, &modules), who_(who), date_(today) {}

bool FeesPresenter::can_edit() const { return who_.has(core::Permission::FeeManage); }

std::string FeesPresenter::edit_hint() const {
    if (can_edit())
        return "A new fee applies to visits from its date until the next change; earlier visits "
               "keep the fee of their day.";
    return "Only the clinic owner can change fees (fee.manage). You can see them here.";
}

std::vector<FeeListRow> FeesPresenter::rows() {
    problem_.clear();
    std::vector<FeeListRow> out;
    try {
        for (const auto& r : service_.list(date_, payer_)) {
            FeeListRow row;
            row.code = r.code;
            row.description = r.description;
            row.module = module_label(r.owner);
            // Whose fee the row shows: a payer's own clinic fee, else everyone's.
            row.payer_id = r.clinic ? r.clinic->payer : std::string();
            row.payer = row.payer_id.empty() ? "All payers" : row.payer_id;
            row.default_fee = r.default_cents ? core::billing::format_cents(*r.default_cents) : "-";
            if (r.clinic) {
                row.clinic = true;
                row.clinic_fee = core::billing::format_cents(r.clinic->cents_per_unit);
                row.since = format_date(r.clinic->effective_from);
                row.set_by = r.clinic->set_by + ": " + r.clinic->reason;
            }
            out.push_back(std::move(row));
        }
    } catch (const Error& e) {
        problem_ = e.what();
        out.clear();
    }
    return out;
}

std::vector<PayerRow> FeesPresenter::payers() {
    problem_.clear();
    std::vector<PayerRow> out;
    try {
        for (const auto& p : payers_in_force()) {
            PayerRow row;
            row.id = p.id;
            row.name = p.name;
            row.timed_method = p.method == core::billing::TimedMethod::TotalTime
                                   ? "Total time (Medicare)"
                                   : "Per code (mid-point)";
            for (const auto& [discipline, mods] : p.discipline_modifiers) {
                std::string m;
                for (const auto& x : mods) m += (m.empty() ? "" : ",") + x;
                if (m.empty()) continue;
                row.modifiers += (row.modifiers.empty() ? "" : "; ") + discipline + ": " + m;
            }
            if (p.clinic_fee_overrides > 0)
                row.clinic_fees = std::to_string(p.clinic_fee_overrides) + " of its own";
            for (auto it = p.options.begin(); it != p.options.end(); ++it)
                row.options += (row.options.empty() ? "" : "; ") + it.key() + "=" +
                               option_text(it.value());
            for (const auto& [module, opts] : p.module_options)
                for (auto it = opts.begin(); it != opts.end(); ++it)
                    row.options += (row.options.empty() ? "" : "; ") + module + "." + it.key() +
                                   "=" + option_text(it.value());
            auto group = [](const nlohmann::json& o) {
                std::string g;
                for (auto it = o.begin(); it != o.end(); ++it)
                    g += (g.empty() ? "" : ", ") + it.key() + " = " + option_text(it.value());
                return g;
            };
            row.detail_lines.push_back(p.name + " (" + p.id + ")");
            row.detail_lines.push_back("Timed codes: " + row.timed_method);
            row.detail_lines.push_back("Modifiers: " +
                                       (row.modifiers.empty() ? std::string("none") : row.modifiers));
            row.detail_lines.push_back(
                "Clinic fees of its own: " +
                (p.clinic_fee_overrides > 0 ? std::to_string(p.clinic_fee_overrides)
                                            : std::string("none (the all-payer fees apply)")));
            if (!p.options.empty()) row.detail_lines.push_back("Core: " + group(p.options));
            for (const auto& [module, opts] : p.module_options)
                row.detail_lines.push_back(human_key(module) + ": " + group(opts));
            for (const auto& r : p.settable)
                if (r.clinic)
                    row.detail_lines.push_back(
                        "Clinic setting: " + r.option.key + " = " +
                        core::billing::show_option_value(r.clinic->value) + " from " +
                        format_date(r.clinic->effective_from) + " (module's own: " +
                        core::billing::show_option_value(r.shipped) + ")");
            out.push_back(std::move(row));
        }
    } catch (const Error& e) {
        problem_ = e.what();
        out.clear();
    }
    return out;
}

std::vector<PayerOptionLine> FeesPresenter::payer_options(const std::string& payer) {
    problem_.clear();
    std::vector<PayerOptionLine> out;
    try {
        for (const auto& p : payers_in_force()) {
            if (p.id != payer) continue;
            for (const auto& r : p.settable) {
                PayerOptionLine line;
                line.option = r.option.key;
                line.label = r.option.label;
                line.value = core::billing::show_option_value(r.value());
                line.accepts = r.option.accepts();
                line.clinic = r.clinic.has_value();
                line.source = r.clinic ? "clinic, from " + format_date(r.clinic->effective_from) +
                                             " (" + r.clinic->set_by + ": " + r.clinic->reason + ")"
                                       : std::string("module's own");
                if (r.option.type == "boolean") line.choices = {"yes", "no"};
                if (r.option.type == "choice") line.choices = r.option.choices;
                out.push_back(std::move(line));
            }
        }
    } catch (const Error& e) {
        problem_ = e.what();
        out.clear();
    }
    return out;
}

ActionResult FeesPresenter::set_payer_option(const std::string& payer, const std::string& option,
                                             const std::string& value, LocalDate from,
                                             const std::string& reason, Instant now) {
    core::billing::PayerSettingChange c;
    c.payer = payer;
    c.option = option;
    c.value = value;
    c.effective_from = from;
    c.reason = reason;
    try {
        const auto s = service_.set_payer_option(who_, c, now);
        return {true, s.payer + ": " + s.option + " = " +
                          core::billing::show_option_value(s.value) + " from " +
                          format_date(s.effective_from) + "."};
    } catch (const Error& e) {
        return ActionResult::failure(sentence(e.what()));
    }
}

const std::vector<core::billing::PayerSettings>& FeesPresenter::payers_in_force() {
    if (payers_date_ != date_) {
        payers_cache_ = service_.payers(date_);
        payers_date_ = date_;
    }
    return payers_cache_;
}

std::vector<std::string> FeesPresenter::payer_ids() {
    std::vector<std::string> out;
    try {
        for (const auto& p : payers_in_force()) out.push_back(p.id);
    } catch (const Error&) {
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::int64_t> FeesPresenter::parse_amount(const std::string& text) {
    std::string s;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    if (!s.empty() && s[0] == '$') s.erase(0, 1);
    if (s.empty()) return std::nullopt;
    std::int64_t dollars = 0, cents = 0;
    std::size_t i = 0;
    int digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
        if (++digits > 9) return std::nullopt;
        dollars = dollars * 10 + (s[i] - '0');
    }
    if (i < s.size()) {
        if (s[i] != '.' && s[i] != ',') return std::nullopt;
        ++i;
        const std::size_t frac = s.size() - i;
        if (frac == 0 || frac > 2) return std::nullopt;
        for (std::size_t k = i; k < s.size(); ++k) {
            if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
            cents = cents * 10 + (s[k] - '0');
        }
        if (frac == 1) cents *= 10;
    } else if (digits == 0) {
        return std::nullopt;
    }
    return dollars * 100 + cents;
}

ActionResult FeesPresenter::set_fee(const std::string& code, const std::string& amount,
                                    LocalDate from, const std::string& payer,
                                    const std::string& reason, Instant now) {
    const auto cents = parse_amount(amount);
    if (!cents)
        return ActionResult::failure("Fee: type an amount in dollars, like 48.00 (got \"" +
                                     amount + "\").");
    core::billing::FeeChange c;
    c.code = code;
    c.cents_per_unit = *cents;
    c.effective_from = from;
    c.payer = payer;
    c.reason = reason;
    try {
        const auto fee = service_.set(who_, c, now);
        return {true, fee.code + (fee.payer.empty() ? "" : " for " + fee.payer) + ": " +
                          core::billing::format_cents(fee.cents_per_unit) + " per unit from " +
                          format_date(fee.effective_from) + "."};
    } catch (const Error& e) {
        return ActionResult::failure(sentence(e.what()));
    }
}

}  // namespace vertebra::ui
