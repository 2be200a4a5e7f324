// `db init` and `db status`: schema migrations.
#include <iostream>

#include "cli.hpp"

namespace vertebra::ui::cli {

void register_db_commands(CLI::App& app, Context& ctx) {
    auto* db = app.add_subcommand("db", "Database schema");
    db->require_subcommand(1);
    auto* init = db->add_subcommand("init", "Create or upgrade the schema (idempotent)");
    init->callback([&ctx] {
        auto& d = ctx.database(false);
        int applied = d.migrate();
        int v = d.schema_version();
        if (ctx.json)
            ctx.print_json({{"schema_version", v}, {"applied", applied}, {"db", d.url().display}});
        else
            std::cout << d.url().display << ": schema version " << v
                      << (applied ? " (" + std::to_string(applied) + " migration(s) applied)"
                                  : " (up to date)")
                      << "\n";
    });
    auto* status = db->add_subcommand("status", "Show the schema version");
    status->callback([&ctx] {
        auto& d = ctx.database(false);
        int v = d.schema_version(), want = db::Database::binary_schema_version(d.backend());
        if (ctx.json)
            ctx.print_json({{"schema_version", v}, {"binary_schema_version", want},
                            {"db", d.url().display}});
        else
            std::cout << d.url().display << ": schema version " << v << " (this Vertebra: " << want
                      << ")\n";
    });
}

}  // namespace vertebra::ui::cli
