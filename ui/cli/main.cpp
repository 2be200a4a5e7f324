// vertebra-cli entry point: global options, command groups, and the one error-to-exit-code map.
#include <iostream>

#include "cli.hpp"
#include "vertebra/common/text.hpp"

int main(int argc, char** argv) {
    using namespace vertebra::ui::cli;
    CLI::App app{"vertebra-cli: the Vertebra clinic kernel, headless"};
    app.require_subcommand(1);
    app.fallthrough();  // global options (--json, --db) may also follow the command
    app.set_version_flag("--version", std::string("vertebra-cli ") + VERTEBRA_VERSION);
    Context ctx;
    app.add_option("--db", ctx.db_url,
                   "Database URL: sqlite:PATH or postgresql://user@host:port/dbname "
                   "(default: $VERTEBRA_DB, else the XDG SQLite file)");
    app.add_flag("--json", ctx.json, "Machine-readable JSON output");
    app.add_option("--plugin-dir", ctx.plugin_dirs, "Extra directory with therapy plugins")
        ->take_all();

    register_db_commands(app, ctx);
    register_schedule_commands(app, ctx);
    register_demo_commands(app, ctx);
    register_score_commands(app, ctx);
    register_plan_commands(app, ctx);
    register_module_commands(app, ctx);
    register_user_commands(app, ctx);
    register_note_commands(app, ctx);
    register_audit_commands(app, ctx);
    register_billing_commands(app, ctx);
    register_fee_commands(app, ctx);
    register_collaboration_commands(app, ctx);
    register_server_commands(app, ctx);
    register_backup_commands(app, ctx);

    // Text that is not UTF-8 is refused before it can reach a database (PostgreSQL would reject
    // it, SQLite would store it and --json could not print it): docs/testing.md.
    for (int i = 1; i < argc; ++i) {
        if (!vertebra::is_valid_utf8(argv[i])) {
            std::cerr << "error: argument " << i << " is not valid UTF-8 text\n";
            return 2;
        }
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    } catch (const vertebra::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "error: unexpected failure: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
