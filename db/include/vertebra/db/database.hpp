// Opens a clinic database (SQLite file or PostgreSQL server) and hands out its repositories.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plans/collaboration.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/plugins/module_settings.hpp"
#include "vertebra/scheduling/change_feed.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::db {

enum class Backend { SQLite, PostgreSQL };

/// A parsed --db URL: `sqlite:PATH` (or a bare path ending in .db) or
/// `postgresql://user[:password]@host[:port]/dbname[?sslmode=...]`.
struct DatabaseUrl {
    Backend backend = Backend::SQLite;
    std::string sqlite_path;  ///< SQLite only
    std::string conninfo;     ///< PostgreSQL only: libpq key=value form
    std::string display;      ///< for messages; never contains a password

    /// Throws Error(Invalid, field "db") for anything else.
    static DatabaseUrl parse(std::string_view url);
};

/// `$XDG_DATA_HOME/vertebra/clinic.db` (default `~/.local/share/vertebra/clinic.db`).
std::string default_sqlite_path();
/// `$VERTEBRA_DB`, else `sqlite:` + default_sqlite_path().
std::string default_database_url();

/// One connection to a clinic database. Not thread-safe: one per thread or process.
class Database {
public:
    /// Connects (creating the SQLite file and its folder if needed). Does not migrate.
    /// Throws Error(Unavailable) naming the server or file when it cannot connect.
    static std::unique_ptr<Database> open(std::string_view url);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Backend backend() const;
    const DatabaseUrl& url() const;

    /// Schema version of the database (0 = empty).
    int schema_version();
    /// Version this binary knows.
    static int binary_schema_version(Backend b);
    /// Applies missing migrations; idempotent. Refuses (Error Invalid) a database newer than
    /// the binary. Returns the number of migrations applied.
    int migrate();
    /// Throws Error(Invalid) unless the schema is exactly the binary's ("run db init").
    void require_current_schema();

    core::SchedulingRepository& scheduling();
    /// Therapy-module choices and their audit, on this connection (module_settings_repository.cpp).
    std::unique_ptr<core::ModuleSettingsRepository> module_settings();
    /// Assessments, outcome observations and treatment plans on this connection
    /// (plans_repository.cpp).
    std::unique_ptr<core::plans::AssessmentRepository> assessments();
    std::unique_ptr<core::plans::OutcomeRepository> outcomes();
    std::unique_ptr<core::plans::PlanRepository> plans();
    /// Care-team tasks on plans (collaboration_repository.cpp).
    std::unique_ptr<core::plans::TaskRepository> tasks();
    /// The clinical record on this connection (record_repository.cpp): session notes and
    /// addenda, users and security settings, and the hash-chained audit log.
    std::unique_ptr<core::NoteRepository> notes();
    std::unique_ptr<core::UserRepository> users();
    std::unique_ptr<core::AuditRepository> audit();
    /// Changes to the appointment book by any connection, on a connection of its own
    /// (change_feed.cpp): PostgreSQL LISTEN/NOTIFY (migration 0008's trigger), SQLite
    /// PRAGMA data_version. Throws Error(Unavailable) when it cannot connect.
    std::unique_ptr<core::ChangeFeed> change_feed();

    struct Impl;
    /// For db/ internals only (other repositories share the connection).
    Impl& impl() { return *impl_; }

private:
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vertebra::db
