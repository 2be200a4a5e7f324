// vertebra-cli's shared state and the registration hooks of each command group.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "vertebra/db/database.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/plugins/booking_checks.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::ui::cli {

/// Global options and lazily opened services, shared by every command.
class Context {
public:
    std::string db_url;                    ///< --db (resolved: never empty after parsing)
    bool json = false;                     ///< --json
    std::vector<std::string> plugin_dirs;  ///< --plugin-dir (repeatable)
    std::string user;                      ///< --user: the clinic user acting (cmd_user.cpp)

    /// Opens the database on first use. `migrated` = refuse a database whose schema is not the
    /// binary's (every command but `db init` wants this).
    db::Database& database(bool migrated = true);
    core::Scheduler& scheduler();

    /// Prints one id: bare, or {"id": N} with --json.
    void print_id(core::Id id) const;
    void print_json(const nlohmann::json& j) const;

private:
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<core::Scheduler> scheduler_;
    std::unique_ptr<core::AuditRepository> actor_audit_;
    std::unique_ptr<core::plans::AssessmentRepository> booking_assessments_;
    std::unique_ptr<core::NoteRepository> booking_care_team_;
    std::unique_ptr<core::BookingChecks> booking_checks_;
};

// Each command group registers its subcommands; the callbacks run after parsing.
void register_db_commands(CLI::App& app, Context& ctx);
void register_schedule_commands(CLI::App& app, Context& ctx);
void register_demo_commands(CLI::App& app, Context& ctx);
void register_score_commands(CLI::App& app, Context& ctx);
void register_plan_commands(CLI::App& app, Context& ctx);  // cmd_plan.cpp: plan, assess, outcome
void register_module_commands(CLI::App& app, Context& ctx);
/// Clinical record: `--user` (global), `user ...`, `note ...`, `audit ...`.
void register_user_commands(CLI::App& app, Context& ctx);
void register_note_commands(CLI::App& app, Context& ctx);
void register_audit_commands(CLI::App& app, Context& ctx);
void register_billing_commands(CLI::App& app, Context& ctx);
/// `fee list|set|history` and `payer list` (cmd_fee.cpp).
void register_fee_commands(CLI::App& app, Context& ctx);
/// `task ...` and `timeline` (cmd_collab.cpp).
void register_collaboration_commands(CLI::App& app, Context& ctx);
/// Deployment: `server init|upgrade|clients`, `info` (cmd_server.cpp); `backup`, `restore`,
/// `migrate-to` (cmd_backup.cpp).
void register_server_commands(CLI::App& app, Context& ctx);
void register_backup_commands(CLI::App& app, Context& ctx);

/// The plugin host, loaded on first use from --plugin-dir, $VERTEBRA_PLUGIN_PATH and the default
/// dirs; lives until exit (cmd_modules.cpp).
core::PluginHost& plugin_host(Context& ctx);
/// Modules with the clinic's choices. Without `require_database`, a missing or uninitialised
/// database gives a registry where every loaded module counts as enabled.
core::ModuleRegistry& module_registry(Context& ctx, bool require_database = true);

/// The user signed in with --user (login on first use, audited); throws PermissionDenied when
/// no --user was given or the login fails (cmd_user.cpp).
core::Principal& principal(Context& ctx);
/// Who acts in the clinical commands (assess, outcome, plan), the book (book, cancel, no-show,
/// status, reschedule, appointments) and patient find: the user signed in with --user, else the
/// login that opened the database (db::database_operator: "local:<os user>" on SQLite, the
/// login role on PostgreSQL), so that they are checked and audited either way (patient add
/// without --user is not yet: cmd_schedule.cpp).
core::Principal& actor(Context& ctx);
/// This workstation's host name, recorded in the audit log.
std::string workstation_name();

}  // namespace vertebra::ui::cli
