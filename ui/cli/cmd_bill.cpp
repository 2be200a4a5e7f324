// `vertebra-cli bill [--payer ID] FILE|-`: one visit as JSON in, claim lines and warnings out.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "cli.hpp"
#include <chrono>

#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/billing/note_charges.hpp"
#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::ui::cli {

namespace {

struct BillArgs {
    std::string payer;  ///< empty: commercial for a file, the patient's payer for an appointment
    std::string file;
    long long appointment = 0;
};

std::string read_input(const std::string& file) {
    if (file == "-") {
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    }
    std::ifstream in(file);
    if (!in) throw Error(ErrorKind::NotFound, "cannot read visit file " + file, "FILE");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string money(std::int64_t cents) {
    return fmt::format("${}.{:02}", cents / 100, cents % 100);
}

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// The clinic's own fees and payer settings from the database.
struct ClinicBilling {
    core::billing::ClinicFeeTable fees;
    core::billing::PayerSettingTable payer_settings;
};

/// None when there is no usable clinic database (a visit file is then billed at the shipped
/// fees and the modules' own payer rules, as module_registry() has said on stderr).
std::optional<ClinicBilling> clinic_billing(Context& ctx, bool require_database) {
    db::Database* db = nullptr;
    try {
        db = &ctx.database();
    } catch (const Error&) {
        if (require_database) throw;
        return std::nullopt;
    }
    const auto repo = db::fee_repository(*db);
    return ClinicBilling{core::billing::ClinicFeeTable(repo->all()),
                         core::billing::PayerSettingTable(repo->payer_settings())};
}

/// The claim of an appointment from its signed note, as the signed-in user.
core::billing::VisitBill bill_appointment(Context& ctx, const BillArgs& args) {
    auto& who = principal(ctx);
    auto& db = ctx.database();
    auto notes = db.notes();
    auto audit = db.audit();
    core::NoteService service(*notes, db.scheduling(), *audit);
    plugin_host(ctx);
    const auto clinic = clinic_billing(ctx, true);
    return core::billing::charges_for_appointment(who, service, db.scheduling(),
                                                  module_registry(ctx, true),
                                                  ctx.scheduler().zone(), args.appointment,
                                                  args.payer, now(), &clinic->fees,
                                                  &clinic->payer_settings);
}

void run(Context& ctx, const BillArgs& args) {
    core::billing::VisitBill bill;
    if (args.appointment > 0) {
        if (!args.file.empty())
            throw invalid("file", "give a visit file or --appointment, not both");
        bill = bill_appointment(ctx, args);
    } else {
        if (args.file.empty())
            throw invalid("file", "give a visit JSON file (- for stdin) or --appointment ID");
        const nlohmann::json visit = core::billing::parse_visit_json(read_input(args.file));
        plugin_host(ctx);  // loads the plugins (search path: --plugin-dir, env, defaults)
        const auto& modules = module_registry(ctx, false);
        const auto clinic = clinic_billing(ctx, false);
        core::billing::BillOptions options;
        options.payer = args.payer.empty() ? "commercial" : args.payer;
        options.clinic_fees = clinic ? &clinic->fees : nullptr;
        options.payer_settings = clinic ? &clinic->payer_settings : nullptr;
        bill = core::billing::bill_visit(visit, modules, options);
    }
    if (ctx.json) {
        ctx.print_json(core::billing::to_json(bill));
        return;
    }
    std::cout << fmt::format("Visit {} ({}), {} timed minutes\n", format_date(bill.date),
                             bill.payer, bill.result.total_timed_minutes);
    for (const auto& l : bill.result.lines) {
        std::string mods;
        for (const auto& m : l.modifiers) mods += (mods.empty() ? "" : ",") + m;
        std::cout << fmt::format("  {:<7} x{:<3} {:<10} {:>10}\n", l.code, l.units, mods,
                                 money(l.fee_cents));
    }
    std::cout << fmt::format("  {:<22} {:>10}\n", "total", money(bill.result.total_cents));
    for (const auto& w : bill.result.warnings) std::cout << "warning: " << w << "\n";
}

}  // namespace

void register_billing_commands(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<BillArgs>();
    auto* cmd = app.add_subcommand(
        "bill", "Bill one visit (JSON from FILE or - for stdin): claim lines and warnings");
    cmd->add_option("--payer", args->payer,
                    "Payer id from the billing rule data: medicare, commercial (default), "
                    "medicare_advantage, or one the clinic added");
    cmd->add_option("file", args->file, "Visit JSON file, or - for standard input");
    cmd->add_option("--appointment", args->appointment,
                    "Charge an appointment from its signed note (--user; payer default: the "
                    "patient's)");
    cmd->callback([&ctx, args] { run(ctx, *args); });
}

}  // namespace vertebra::ui::cli
