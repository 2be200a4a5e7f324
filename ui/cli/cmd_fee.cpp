// `vertebra-cli fee list|set|history` (the clinic's own fees) and `payer list|set|history` (the
// payers in force and the clinic's own payer settings).
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli.hpp"
#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::ui::cli {

namespace {

using core::billing::FeeService;

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

struct FeeState {
    std::unique_ptr<core::billing::FeeRepository> repo;
};

FeeState& fee_state() {
    static FeeState s;
    return s;
}

core::billing::FeeRepository& repository(Context& ctx) {
    auto& s = fee_state();
    if (!s.repo) s.repo = db::fee_repository(ctx.database());
    return *s.repo;
}

/// The fee service over the clinic database and its running, enabled modules.
FeeService service(Context& ctx) {
    auto& repo = repository(ctx);
    plugin_host(ctx);
    return FeeService(repo, &module_registry(ctx, true));
}

/// --on DATE, else today in the clinic's zone.
LocalDate date_or_today(Context& ctx, const std::string& text, const char* field) {
    if (!text.empty()) return parse_local_date(text, field);
    return ctx.scheduler().zone().local_date(now());
}

/// Whole cents: digits with an optional minus (a negative fee is refused by the service).
std::int64_t parse_cents(const std::string& text) {
    std::size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
    if (text.size() == i || text.size() - i > 12)
        throw invalid("cents", "'" + text + "' is not a whole number of cents (e.g. 4800 for $48.00)");
    for (std::size_t k = i; k < text.size(); ++k)
        if (text[k] < '0' || text[k] > '9')
            throw invalid("cents",
                          "'" + text + "' is not a whole number of cents (e.g. 4800 for $48.00)");
    return std::stoll(text);
}

std::string money(const std::optional<std::int64_t>& c) {
    return c ? core::billing::format_cents(*c) : std::string("-");
}

struct ListArgs {
    std::string on;
    std::string payer;
    bool changed_only = false;
};

void run_list(Context& ctx, const ListArgs& a) {
    const LocalDate on = date_or_today(ctx, a.on, "on");
    auto svc = service(ctx);
    const auto rows = svc.list(on, a.payer);
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : rows)
            if (!a.changed_only || r.clinic) arr.push_back(core::billing::to_json(r));
        ctx.print_json({{"date", format_date(on)},
                        {"payer", a.payer.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.payer)},
                        {"fees", arr}});
        return;
    }
    std::cout << fmt::format("Fees per unit in force on {}{}\n", format_date(on),
                             a.payer.empty() ? "" : " for payer " + a.payer);
    std::cout << fmt::format("  {:<7} {:<18} {:<16} {:>10} {:>10}  {}\n", "code", "module",
                             "payer", "default", "clinic", "clinic fee set");
    for (const auto& r : rows) {
        if (a.changed_only && !r.clinic) continue;
        std::string set;
        if (r.clinic)
            set = fmt::format("from {} by {}: {}", format_date(r.clinic->effective_from),
                              r.clinic->set_by, r.clinic->reason);
        std::cout << fmt::format("  {:<7} {:<18} {:<16} {:>10} {:>10}  {}\n", r.code, r.owner,
                                 r.payer.empty() ? "all" : r.payer, money(r.default_cents),
                                 r.clinic ? money(r.clinic->cents_per_unit) : "-", set);
    }
}

struct SetArgs {
    std::string code;
    std::string cents;
    std::string from;
    std::string payer;
    std::string reason;
};

void run_set(Context& ctx, const SetArgs& a) {
    core::billing::FeeChange c;
    c.code = a.code;
    c.payer = a.payer;
    c.cents_per_unit = parse_cents(a.cents);
    c.effective_from = parse_local_date(a.from, "from");
    c.reason = a.reason;
    auto& who = principal(ctx);
    auto svc = service(ctx);
    const auto fee = svc.set(who, c, now());
    if (ctx.json) {
        ctx.print_json(core::billing::to_json(fee));
        return;
    }
    std::cout << fmt::format("{}{}: {} per unit from {} (fee #{}, set by {})\n", fee.code,
                             fee.payer.empty() ? "" : " for " + fee.payer,
                             core::billing::format_cents(fee.cents_per_unit),
                             format_date(fee.effective_from), fee.id, fee.set_by);
}

void run_history(Context& ctx, const std::string& code) {
    auto all = repository(ctx).all();
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& f : all)
            if (code.empty() || f.code == code) arr.push_back(core::billing::to_json(f));
        ctx.print_json(arr);
        return;
    }
    bool any = false;
    for (const auto& f : all) {
        if (!code.empty() && f.code != code) continue;
        any = true;
        std::cout << fmt::format("#{:<4} {:<7} {:<16} {:>10} from {}  set {} by {}: {}\n", f.id,
                                 f.code, f.payer.empty() ? "all" : f.payer,
                                 core::billing::format_cents(f.cents_per_unit),
                                 format_date(f.effective_from), format_utc(f.set_at), f.set_by,
                                 f.reason);
    }
    if (!any) std::cout << "no clinic fees set: every code is billed at its shipped fee\n";
}

void run_payers(Context& ctx, const std::string& on_text) {
    const LocalDate on = date_or_today(ctx, on_text, "on");
    auto svc = service(ctx);
    const auto payers = svc.payers(on);
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& p : payers) arr.push_back(core::billing::to_json(p));
        ctx.print_json({{"date", format_date(on)}, {"payers", arr}});
        return;
    }
    std::cout << "Payers in force on " << format_date(on)
              << " (clinic fees per payer: fee set --payer; settings: payer set)\n";
    for (const auto& p : payers) {
        std::cout << fmt::format("{} ({}): timed codes by {}", p.id, p.name,
                                 core::billing::to_string(p.method));
        if (p.clinic_fee_overrides > 0)
            std::cout << fmt::format(", {} clinic fee(s) of its own", p.clinic_fee_overrides);
        std::cout << "\n";
        for (const auto& [discipline, mods] : p.discipline_modifiers) {
            std::string m;
            for (const auto& x : mods) m += (m.empty() ? "" : ",") + x;
            std::cout << fmt::format("  modifiers for {}: {}\n", discipline, m);
        }
        for (auto it = p.options.begin(); it != p.options.end(); ++it)
            std::cout << fmt::format("  {}: {}\n", it.key(), it.value().dump());
        for (const auto& [module, opts] : p.module_options)
            for (auto it = opts.begin(); it != opts.end(); ++it)
                std::cout << fmt::format("  {}.{}: {}\n", module, it.key(), it.value().dump());
        for (const auto& r : p.settable) {
            if (!r.clinic) continue;
            std::cout << fmt::format("  clinic setting {} = {} from {} by {}: {} (module's own: {})\n",
                                     r.option.key, core::billing::show_option_value(r.clinic->value),
                                     format_date(r.clinic->effective_from), r.clinic->set_by,
                                     r.clinic->reason, core::billing::show_option_value(r.shipped));
        }
    }
}

struct PayerSetArgs {
    std::string payer, option, value, from, reason;
};

void run_payer_set(Context& ctx, const PayerSetArgs& a) {
    core::billing::PayerSettingChange c;
    c.payer = a.payer;
    c.option = a.option;
    c.value = a.value;
    c.effective_from = parse_local_date(a.from, "from");
    c.reason = a.reason;
    auto& who = principal(ctx);
    auto svc = service(ctx);
    const auto s = svc.set_payer_option(who, c, now());
    if (ctx.json) {
        ctx.print_json(core::billing::to_json(s));
        return;
    }
    std::cout << fmt::format("{} {} = {} from {} (setting #{}, set by {})\n", s.payer, s.option,
                             core::billing::show_option_value(s.value),
                             format_date(s.effective_from), s.id, s.set_by);
}

void run_payer_options(Context& ctx, const std::string& on_text, const std::string& payer) {
    const LocalDate on = date_or_today(ctx, on_text, "on");
    auto svc = service(ctx);
    auto payers = svc.payers(on);
    if (!payer.empty()) {
        std::erase_if(payers, [&](const auto& p) { return p.id != payer; });
        if (payers.empty()) throw invalid("payer", "no payer '" + payer + "' on " + format_date(on));
    }
    if (ctx.json) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& p : payers) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& r : p.settable) rows.push_back(core::billing::to_json(r));
            out[p.id] = rows;
        }
        ctx.print_json({{"date", format_date(on)}, {"options", out}});
        return;
    }
    for (const auto& p : payers) {
        std::cout << fmt::format("{} ({}) on {}\n", p.id, p.name, format_date(on));
        if (p.settable.empty()) std::cout << "  no enabled module lets the clinic set an option\n";
        for (const auto& r : p.settable)
            std::cout << fmt::format("  {:<42} {:<12} {}{} — {}; takes {}\n", r.option.key,
                                     core::billing::show_option_value(r.value()),
                                     r.clinic ? "clinic, from " + format_date(r.clinic->effective_from)
                                              : std::string("module's own"),
                                     r.clinic ? " by " + r.clinic->set_by : std::string(),
                                     r.option.label, r.option.accepts());
    }
}

void run_payer_history(Context& ctx, const std::string& payer) {
    const auto all = repository(ctx).payer_settings();
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& s : all)
            if (payer.empty() || s.payer == payer) arr.push_back(core::billing::to_json(s));
        ctx.print_json(arr);
        return;
    }
    bool any = false;
    for (const auto& s : all) {
        if (!payer.empty() && s.payer != payer) continue;
        any = true;
        std::cout << fmt::format("#{:<4} {:<18} {:<42} {:>8} from {}  set {} by {}: {}\n", s.id,
                                 s.payer, s.option, core::billing::show_option_value(s.value),
                                 format_date(s.effective_from), format_utc(s.set_at), s.set_by,
                                 s.reason);
    }
    if (!any) std::cout << "no payer settings: every payer follows the modules' own rules\n";
}

}  // namespace

void register_fee_commands(CLI::App& app, Context& ctx) {
    auto* fee = app.add_subcommand(
        "fee", "The clinic's own fees: effective-dated overrides of the shipped fee schedule");
    fee->require_subcommand(1);

    auto la = std::make_shared<ListArgs>();
    auto* list = fee->add_subcommand(
        "list", "Every billable code with its shipped fee and the clinic's fee in force");
    list->add_option("--on", la->on, "Date of service YYYY-MM-DD (default: today)");
    list->add_option("--payer", la->payer,
                     "Show the fees as a visit of this payer is billed (default: all payers)");
    list->add_flag("--changed", la->changed_only, "Only codes with a clinic fee in force");
    list->callback([&ctx, la] { run_list(ctx, *la); });

    auto sa = std::make_shared<SetArgs>();
    auto* set = fee->add_subcommand(
        "set", "Set the clinic's fee of a code from a date (owner: fee.manage; audited)");
    set->add_option("--code", sa->code, "Billing code, e.g. 97110")->required();
    set->add_option("--cents", sa->cents, "Fee per unit in cents, e.g. 4800 for $48.00")
        ->required()
        ->allow_extra_args(false);
    set->add_option("--from", sa->from,
                    "First date of service it applies to, YYYY-MM-DD (until the next change)")
        ->required();
    set->add_option("--payer", sa->payer, "Only for this payer (default: every payer)");
    set->add_option("--reason", sa->reason, "Why (kept in the fee history and the audit log)")
        ->required();
    set->callback([&ctx, sa] { run_set(ctx, *sa); });

    auto code = std::make_shared<std::string>();
    auto* history = fee->add_subcommand("history", "Every clinic fee ever set, oldest first");
    history->add_option("--code", *code, "Only this code");
    history->callback([&ctx, code] { run_history(ctx, *code); });

    auto* payer = app.add_subcommand(
        "payer", "Payers in force and the clinic's own payer settings (effective-dated)");
    payer->require_subcommand(1);
    auto on = std::make_shared<std::string>();
    auto* plist = payer->add_subcommand(
        "list", "Payers in force with timed-code method, modifiers and every module's options");
    plist->add_option("--on", *on, "Date YYYY-MM-DD (default: today)");
    plist->callback([&ctx, on] { run_payers(ctx, *on); });

    auto oa = std::make_shared<std::pair<std::string, std::string>>();
    auto* options = payer->add_subcommand(
        "options", "The options the clinic may set per payer, with the value in force");
    options->add_option("--on", oa->first, "Date YYYY-MM-DD (default: today)");
    options->add_option("--payer", oa->second, "Only this payer");
    options->callback([&ctx, oa] { run_payer_options(ctx, oa->first, oa->second); });

    auto pa = std::make_shared<PayerSetArgs>();
    auto* pset = payer->add_subcommand(
        "set", "Set the clinic's value of a payer option from a date (owner: fee.manage; audited)");
    pset->add_option("--payer", pa->payer, "Payer id, e.g. commercial")->required();
    pset->add_option("--option", pa->option,
                     "MODULE.OPTION as `payer options` lists it, e.g. chiropractic.visits_per_year")
        ->required();
    pset->add_option("--value", pa->value, "The value: a whole number, yes/no, or one of the choices")
        ->required()
        ->allow_extra_args(false);
    pset->add_option("--from", pa->from,
                     "First date it applies to, YYYY-MM-DD (until the next change)")
        ->required();
    pset->add_option("--reason", pa->reason, "Why (kept in the history and the audit log)")
        ->required();
    pset->callback([&ctx, pa] { run_payer_set(ctx, *pa); });

    auto hp = std::make_shared<std::string>();
    auto* phist = payer->add_subcommand("history", "Every payer setting ever made, oldest first");
    phist->add_option("--payer", *hp, "Only this payer");
    phist->callback([&ctx, hp] { run_payer_history(ctx, *hp); });
}

}  // namespace vertebra::ui::cli
