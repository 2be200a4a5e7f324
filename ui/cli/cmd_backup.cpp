// `backup FILE`, `restore FILE --db URL` and `migrate-to --db postgresql://...`: thin commands
// over db/maintenance.hpp (which documents the manifest and the checks).
#include <iostream>
#include <numeric>

#include "cli.hpp"
#include "vertebra/db/maintenance.hpp"

namespace vertebra::ui::cli {

namespace {

std::int64_t total(const std::map<std::string, std::int64_t>& t) {
    return std::accumulate(t.begin(), t.end(), std::int64_t{0},
                           [](std::int64_t a, const auto& kv) { return a + kv.second; });
}

std::string resolved(const Context& ctx) {
    return ctx.db_url.empty() ? db::default_database_url() : ctx.db_url;
}

}  // namespace

void register_backup_commands(CLI::App& app, Context& ctx) {
    auto file = std::make_shared<std::string>();
    auto* backup = app.add_subcommand(
        "backup", "Back up the clinic database into FILE (SQLite online backup or pg_dump custom "
                  "format) with FILE.manifest.json (row counts, audit chain head, checksum)");
    backup->add_option("file", *file, "New backup file")->required();
    backup->callback([&ctx, file] {
        auto m = db::backup(resolved(ctx), *file);
        if (ctx.json) {
            ctx.print_json(nlohmann::json::parse(m.to_json()));
            return;
        }
        std::cout << "backed up " << m.source << " to " << *file << ": " << m.tables.size()
                  << " tables, " << total(m.tables) << " rows, " << m.audit_entries
                  << " audit entries (schema version " << m.schema_version << ")\nmanifest: "
                  << db::manifest_path(*file) << "\n";
    });

    auto rfile = std::make_shared<std::string>();
    auto* restore = app.add_subcommand(
        "restore", "Restore FILE into a fresh database (--db) and verify row counts and the audit "
                   "chain against the backup's manifest");
    restore->add_option("file", *rfile, "Backup file (its .manifest.json beside it)")->required();
    restore->callback([&ctx, rfile] {
        auto rep = db::restore(*rfile, resolved(ctx));
        if (ctx.json) {
            ctx.print_json({{"target", rep.target},
                            {"created", rep.created},
                            {"tables", rep.tables},
                            {"rows", total(rep.tables)},
                            {"audit", {{"intact", rep.audit.intact}, {"entries", rep.audit.entries}}},
                            {"schema_version", rep.manifest.schema_version},
                            {"verified", true}});
            return;
        }
        std::cout << "restored " << *rfile << " into " << rep.target << ": " << rep.tables.size()
                  << " tables, " << total(rep.tables) << " rows, as the manifest records; audit log "
                  << (rep.audit.intact ? "intact" : "NOT intact (as in the backup)") << ": "
                  << rep.audit.entries << " entries\n";
    });

    auto from = std::make_shared<std::string>();
    auto* mig = app.add_subcommand(
        "migrate-to", "Move the embedded SQLite clinic onto a freshly provisioned PostgreSQL "
                      "database (--db postgresql://...), verifying every row and the audit chain");
    mig->add_option("--from", *from,
                    "The SQLite clinic (default: $VERTEBRA_DB if it is sqlite:, else the XDG file)");
    mig->callback([&ctx, from] {
        if (ctx.db_url.empty())
            throw invalid("db", "migrate-to needs --db postgresql://USER@HOST:PORT/CLINIC_DB "
                                "(provisioned with 'server init')");
        std::string source = *from;
        if (source.empty()) {
            const char* env = std::getenv("VERTEBRA_DB");
            source = env && *env && db::DatabaseUrl::parse(env).backend == db::Backend::SQLite
                         ? std::string(env)
                         : "sqlite:" + db::default_sqlite_path();
        }
        auto rep = db::migrate_to(source, ctx.db_url);
        if (ctx.json) {
            ctx.print_json({{"source", rep.source},
                            {"target", rep.target},
                            {"tables", rep.tables},
                            {"rows", total(rep.tables)},
                            {"audit", {{"intact", rep.audit.intact}, {"entries", rep.audit.entries}}},
                            {"users_needing_password", rep.users_needing_password},
                            {"verified", true}});
            return;
        }
        std::cout << "moved " << rep.source << " to " << rep.target << ": " << rep.tables.size()
                  << " tables, " << total(rep.tables) << " rows, every row verified; audit log "
                  << (rep.audit.intact ? "intact" : "NOT intact (as in the source)") << ": "
                  << rep.audit.entries << " entries\n";
        for (const auto& u : rep.users_needing_password)
            std::cout << "user " << u << " needs a PostgreSQL password before signing in: "
                      << "psql ... -c '\\password " << u << "'\n";
    });
}

}  // namespace vertebra::ui::cli
