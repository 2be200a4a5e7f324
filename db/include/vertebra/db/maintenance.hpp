// Administration of clinic databases: PostgreSQL server provisioning and upgrades, backups and
// verified restores on both backends, and moving a clinic from SQLite onto PostgreSQL.
// Everything here is generic over the schema: tables, columns and their order come from the
// database catalog, so new migrations need no change here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vertebra/audit/audit.hpp"
#include "vertebra/db/database.hpp"

namespace vertebra::db {

/// What every PostgreSQL connection of this binary announces as libpq `application_name`:
/// "vertebra/schema-N" with N = the schema version it was built for. `server upgrade` reads it
/// back from pg_stat_activity to find workstations running an older Vertebra.
std::string client_application_name();
/// The schema version in an application_name of that form, or nullopt for anything else.
std::optional<int> schema_of_application_name(std::string_view name);

/// A clinic database name for `server init --clinic-db`: ^[a-z][a-z0-9_]{0,62}$, not a template
/// or the maintenance database. Throws Error(Invalid, field "clinic-db") otherwise.
void validate_clinic_db_name(const std::string& name);

/// Double-quotes an SQL identifier (for catalog names and validated database names only).
std::string quote_ident(std::string_view name);

struct ServerInitReport {
    std::string database;
    bool created = false;  ///< false: it existed (and was brought up to date)
    int schema_version = 0;
    int applied = 0;  ///< migrations applied now
    std::string url;  ///< the clinic database's URL (admin credentials, no password)
};

/// Provisions a clinic database on the server `admin_url` points at (any database there, usually
/// `postgres`; the role must be a superuser or have CREATEDB and CREATEROLE): CREATE DATABASE
/// (name validated and quoted), the btree_gist extension, then the migrations, which create the
/// group roles (vertebra_front_desk, vertebra_therapist, vertebra_owner) and the grants.
/// Idempotent: an existing database is brought up to date (created=false).
ServerInitReport server_init(std::string_view admin_url, const std::string& clinic_db);

/// A connection to the clinic database, as seen in pg_stat_activity.
struct ClientConnection {
    int pid = 0;
    std::string user, application_name, client;  ///< client: address or "local"
    std::optional<int> schema;                   ///< from application_name; nullopt = unknown
};

/// Other sessions connected to the database behind `db` (not this one).
std::vector<ClientConnection> connected_clients(Database& db);

struct ServerUpgradeReport {
    int from = 0, to = 0, applied = 0;
};

/// Migrates the clinic database at `url` to this binary's schema. Refuses with
/// Error(Conflict) naming them while other Vertebra clients announcing an older schema are
/// connected (they would break on the new schema); clients of unknown kind are ignored.
ServerUpgradeReport server_upgrade(std::string_view url);

/// What a backup holds, written next to it as FILE.manifest.json.
struct BackupManifest {
    std::string format = "vertebra-backup/1";
    Backend backend = Backend::SQLite;
    int schema_version = 0;
    std::string vertebra_version;
    std::string created_at;                      ///< UTC ISO-8601
    std::string source;                          ///< the database's display URL
    std::map<std::string, std::int64_t> tables;  ///< row count of every table
    std::int64_t audit_entries = 0;
    std::string audit_last_hash;  ///< hash of the last audit entry ("" when none)
    bool audit_intact = true;     ///< the chain verified when the backup was taken
    std::string sha256;           ///< of the backup file

    std::string to_json() const;
    static BackupManifest from_json(const std::string& text, const std::string& file);
};

/// `FILE.manifest.json`.
std::string manifest_path(const std::string& backup_file);

/// Backs up the clinic database at `url` into `file` (which must not exist): the SQLite online
/// backup API, or `pg_dump -Fc` (a child process, no shell; a password in the URL is passed in
/// PGPASSWORD, libpq's passfile and SSL settings apply) from an exported snapshot whose row
/// counts the manifest records. Writes the manifest and returns it.
BackupManifest backup(std::string_view url, const std::string& file);

struct RestoreReport {
    BackupManifest manifest;
    std::string target;  ///< display URL
    bool created = false;  ///< PostgreSQL: the target database was created
    std::map<std::string, std::int64_t> tables;
    core::AuditVerification audit;
};

/// Restores `file` (with its manifest, whose checksum must match) into a fresh database at
/// `target_url`: a SQLite file that does not exist or is empty, or a PostgreSQL database that
/// does not exist (created) or has no tables. A non-empty target is refused (Error Conflict).
/// Then verifies: every table's row count equals the manifest's and the audit chain is intact
/// with the recorded number of entries and last hash; a mismatch is Error(Conflict).
RestoreReport restore(const std::string& file, std::string_view target_url);

struct MigrateReport {
    std::string source, target;
    std::map<std::string, std::int64_t> tables;  ///< rows copied per table
    core::AuditVerification audit;
    /// Clinic users whose PostgreSQL login role was created without a password (the SQLite
    /// file holds only argon2 hashes): an administrator sets one before they can sign in.
    std::vector<std::string> users_needing_password;
};

/// Copies every table of the SQLite clinic at `sqlite_url` into the freshly provisioned
/// PostgreSQL database at `pg_url` (same schema version; no rows beyond those migrations seed),
/// in one transaction, preserving ids, then resets the sequences, creates login roles for the
/// clinic users, and verifies that every row of every table arrived unchanged and that the audit
/// chain is intact. A target with data is refused (Error Conflict).
MigrateReport migrate_to(std::string_view sqlite_url, std::string_view pg_url);

/// One table's rows as canonical text (NULL = nullopt), sorted: instants as epoch seconds,
/// booleans as 0/1, dates as YYYY-MM-DD, JSON re-serialised, reals in shortest form, so that
/// the same clinic compares equal on SQLite and PostgreSQL.
struct TableContents {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    bool operator==(const TableContents&) const = default;
};

/// Column kinds that canonicalisation needs (from a PostgreSQL catalog): table -> column ->
/// "timestamptz" | "bool" | "date" | "json" | "float" | "other".
using ColumnKinds = std::map<std::string, std::map<std::string, std::string>>;
ColumnKinds column_kinds(Database& pg);

/// Every row of every table (schema_version included), canonical. `kinds` tells a SQLite
/// database which TEXT columns hold JSON (from column_kinds of a PostgreSQL twin).
std::map<std::string, TableContents> dump_contents(Database& db, const ColumnKinds* kinds = nullptr);

/// Row count of every table.
std::map<std::string, std::int64_t> table_counts(Database& db);

/// Tables in foreign-key dependency order (referenced tables first; ties by name).
std::vector<std::string> tables_in_dependency_order(Database& db);

}  // namespace vertebra::db
