// `vertebra-cli audit verify` (hash chain) and `audit report --from --to [--user] [--patient]`.
#include <iostream>
#include <memory>
#include <optional>

#include "cli.hpp"
#include "vertebra/audit/audit.hpp"

namespace vertebra::ui::cli {

namespace {

/// YYYY-MM-DD (start of that day, UTC) or YYYY-MM-DDTHH:MM[:SS] (UTC).
Instant parse_utc(const std::string& text, const std::string& field, bool end_of_day) {
    if (text.size() == 10) {
        auto d = parse_local_date(text, field);
        auto t = Instant{d.time_since_epoch()};
        return end_of_day ? t + std::chrono::hours(24) : t;
    }
    auto lt = parse_local_datetime(text, field);
    return Instant{lt.time_since_epoch()};
}

nlohmann::json entry_json(const core::AuditEntry& e) {
    return {{"seq", e.seq},
            {"at", format_utc(e.at)},
            {"user", e.user},
            {"patient_id", e.patient_id ? nlohmann::json(*e.patient_id) : nullptr},
            {"action", e.action},
            {"object", e.object},
            {"workstation", e.workstation},
            {"detail", e.detail},
            {"hash", e.hash}};
}

}  // namespace

void register_audit_commands(CLI::App& app, Context& ctx) {
    auto* audit = app.add_subcommand("audit", "The tamper-evident audit log (owner)");
    audit->require_subcommand(1);

    audit->add_subcommand("verify", "Check the hash chain; non-zero naming the first broken entry")
        ->callback([&ctx] {
            core::require(principal(ctx), core::Permission::AuditRead);
            auto repo = ctx.database().audit();
            auto v = core::verify_audit_chain(repo->all());
            if (ctx.json)
                ctx.print_json({{"intact", v.intact},
                                {"entries", v.entries},
                                {"first_broken", v.intact ? nlohmann::json(nullptr)
                                                          : nlohmann::json(v.first_broken_seq)},
                                {"problem", v.problem}});
            if (!v.intact)
                throw Error(ErrorKind::Conflict, "audit log broken at entry " +
                                                     std::to_string(v.first_broken_seq) + ": " +
                                                     v.problem);
            if (!ctx.json) std::cout << "audit log intact: " << v.entries << " entries\n";
        });

    struct ReportArgs {
        std::string from, to, user;
        std::optional<long long> patient;
        bool csv = false;
    };
    auto a = std::make_shared<ReportArgs>();
    auto* report = audit->add_subcommand("report", "Audit entries in a period");
    report->add_option("--from", a->from, "Start (UTC): YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        ->required();
    report->add_option("--to", a->to, "End (UTC, a date includes its whole day)")->required();
    report->add_option("--user", a->user, "Only this user's entries");
    report->add_option("--patient", a->patient, "Only entries about this patient");
    report->add_flag("--csv", a->csv, "CSV instead of text");
    report->callback([&ctx, a] {
        core::require(principal(ctx), core::Permission::AuditRead);
        core::AuditQuery q;
        q.from = parse_utc(a->from, "from", false);
        q.to = parse_utc(a->to, "to", true);
        if (*q.to <= *q.from) throw invalid("to", "must be after --from");
        q.user = a->user;
        if (a->patient) q.patient_id = *a->patient;
        auto rows = ctx.database().audit()->query(q);
        if (a->csv) {
            std::cout << core::audit_csv(rows);
        } else if (ctx.json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& e : rows) arr.push_back(entry_json(e));
            ctx.print_json(arr);
        } else {
            for (const auto& e : rows)
                std::cout << e.seq << "  " << format_utc(e.at) << "  " << e.user << "  "
                          << e.action << "  " << e.object
                          << (e.patient_id ? "  patient " + std::to_string(*e.patient_id) : "")
                          << (e.detail.empty() ? "" : "  (" + e.detail + ")") << "\n";
        }
    });
}

}  // namespace vertebra::ui::cli
