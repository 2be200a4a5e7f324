// `server init|upgrade|clients` (PostgreSQL provisioning and upgrades) and `info` (where this
// installation finds its plugins and data). The work is in db/maintenance.hpp.
#include <iostream>

#include "cli.hpp"
#include "vertebra/billing/rule_data.hpp"
#include "vertebra/common/install_layout.hpp"
#include "vertebra/db/maintenance.hpp"
#include "vertebra/plans/icd10.hpp"
#include "vertebra/plans/templates.hpp"

namespace vertebra::ui::cli {

namespace {

/// --db (or $VERTEBRA_DB) must name a PostgreSQL server for the server commands.
std::string server_url(const Context& ctx, const char* what) {
    const std::string url = ctx.db_url.empty() ? db::default_database_url() : ctx.db_url;
    if (db::DatabaseUrl::parse(url).backend != db::Backend::PostgreSQL)
        throw invalid("db", std::string(what) + " needs --db postgresql://ADMIN@HOST:PORT/DBNAME");
    return url;
}

}  // namespace

void register_server_commands(CLI::App& app, Context& ctx) {
    auto* server = app.add_subcommand("server", "PostgreSQL clinic server: provision, upgrade");
    server->require_subcommand(1);

    auto clinic_db = std::make_shared<std::string>();
    auto* init = server->add_subcommand(
        "init", "Create a clinic database on the server --db points at (admin role), with its "
                "extension, group roles, grants and schema; idempotent");
    init->add_option("--clinic-db", *clinic_db, "Name of the clinic database to create")->required();
    init->callback([&ctx, clinic_db] {
        auto rep = db::server_init(server_url(ctx, "server init"), *clinic_db);
        if (ctx.json) {
            ctx.print_json({{"database", rep.database}, {"created", rep.created},
                            {"schema_version", rep.schema_version}, {"applied", rep.applied},
                            {"url", rep.url}});
            return;
        }
        std::cout << (rep.created ? "created clinic database " : "clinic database ") << rep.database
                  << (rep.created ? "" : " already exists") << ": schema version "
                  << rep.schema_version
                  << (rep.applied ? " (" + std::to_string(rep.applied) + " migration(s) applied)"
                                  : " (up to date)")
                  << "\nworkstations connect with --db " << rep.url
                  << " (as a clinic user: see 'user add')\n";
    });

    server->add_subcommand("upgrade", "Migrate a clinic database to this Vertebra's schema; "
                                      "refused while older workstations are connected")
        ->callback([&ctx] {
            auto rep = db::server_upgrade(server_url(ctx, "server upgrade"));
            if (ctx.json) {
                ctx.print_json({{"from", rep.from}, {"to", rep.to}, {"applied", rep.applied}});
                return;
            }
            if (rep.applied == 0)
                std::cout << "schema version " << rep.to << ": up to date\n";
            else
                std::cout << "upgraded from schema version " << rep.from << " to " << rep.to << " ("
                          << rep.applied << " migration(s))\n";
        });

    server->add_subcommand("clients", "Connections to the clinic database and their schema")
        ->callback([&ctx] {
            auto d = db::Database::open(server_url(ctx, "server clients"));
            auto clients = db::connected_clients(*d);
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& c : clients)
                arr.push_back({{"pid", c.pid}, {"user", c.user}, {"client", c.client},
                               {"application_name", c.application_name},
                               {"schema", c.schema ? nlohmann::json(*c.schema) : nullptr}});
            if (ctx.json) {
                ctx.print_json(arr);
                return;
            }
            for (const auto& c : clients)
                std::cout << c.pid << "  " << c.user << "@" << c.client << "  "
                          << (c.schema ? "schema " + std::to_string(*c.schema)
                                       : "(" + c.application_name + ")")
                          << "\n";
        });

    auto check = std::make_shared<bool>(false);
    auto* info = app.add_subcommand("info", "Version, and where plugins and rule data are found");
    info->add_flag("--check-data", *check, "Also load the rule data (billing, ICD-10, templates)");
    info->callback([&ctx, check] {
        auto& host = plugin_host(ctx);
        nlohmann::json dirs = nlohmann::json::array(), plugins = nlohmann::json::array();
        for (const auto& d : host.search_dirs()) dirs.push_back(d.string());
        for (const auto& p : host.plugins())
            plugins.push_back({{"id", p.id}, {"dir", p.dir.string()},
                               {"state", core::to_string(p.state)}});
        const auto data = core::shipped_data_dir();
        if (*check) {
            core::billing::load_billing_data();
            core::plans::validate_icd10("M54.50", LocalDate{date::year{2024} / 1 / 2});
            if (core::plans::shipped_plan_templates().empty())
                throw Error(ErrorKind::NotFound, "no plan templates in " + data.string());
        }
        nlohmann::json j{{"version", VERTEBRA_VERSION},
                         {"program_dir", core::program_dir().string()},
                         {"data_dir", data.string()},
                         {"plugin_dirs", dirs},
                         {"plugins", plugins},
                         {"default_db", db::default_database_url()},
                         {"schema_version", {{"sqlite", db::Database::binary_schema_version(db::Backend::SQLite)},
                                             {"postgresql", db::Database::binary_schema_version(db::Backend::PostgreSQL)}}},
                         {"application_name", db::client_application_name()}};
        if (ctx.json) {
            ctx.print_json(j);
            return;
        }
        std::cout << "vertebra-cli " << VERTEBRA_VERSION << "\nprogram: " << j["program_dir"].get<std::string>()
                  << "\nrule data: " << data.string() << "\nplugins:";
        for (const auto& d : dirs) std::cout << " " << d.get<std::string>();
        std::cout << "\n";
        for (const auto& p : plugins)
            std::cout << "  " << p["id"].get<std::string>() << " (" << p["state"].get<std::string>()
                      << ") " << p["dir"].get<std::string>() << "\n";
        std::cout << "default database: " << j["default_db"].get<std::string>() << "\n";
    });
}

}  // namespace vertebra::ui::cli
