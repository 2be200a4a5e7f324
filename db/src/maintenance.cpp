// Administration of clinic databases: provisioning and upgrades on a PostgreSQL server, backups
// (SQLite online backup API, pg_dump) with a manifest, verified restores, and the generic
// SQLite -> PostgreSQL copy. Tables and columns come from the catalogs; identifiers from the
// catalog or validated names are double-quoted; every value is a bound parameter or COPY data.
#include "vertebra/db/maintenance.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "database_impl.hpp"

#include "vertebra/common/json_number.hpp"

#ifndef VERTEBRA_VERSION
#define VERTEBRA_VERSION "0"
#endif

namespace vertebra::db {

namespace fs = std::filesystem;
namespace sq = sqlite_api;

namespace {

using Row = std::vector<std::optional<std::string>>;

// ---- small helpers ---------------------------------------------------------------------------

std::string first_line(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string now_utc_iso() {
    return format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now()));
}

std::string shortest_double(double d) {
    std::array<char, 64> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
    if (ec != std::errc()) return std::to_string(d);
    return std::string(buf.data(), end);
}

/// "1700000000.000000" -> "1700000000"; "12.500" -> "12.5".
std::string trim_decimal(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::string canonical_json(const std::string& text) {
    try {
        return nlohmann::json::parse(text).dump();
    } catch (const std::exception&) {
        return text;  // not JSON after all: compare as stored
    }
}

std::string file_sha256(const std::string& path) {
    if (sodium_init() < 0) throw Error(ErrorKind::Internal, "libsodium failed to initialise");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::NotFound, "cannot read " + path, "file");
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0)
            crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                                      static_cast<unsigned long long>(in.gcount()));
    }
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    static const char* hex = "0123456789abcdef";
    std::string h;
    for (unsigned char c : out) {
        h += hex[c >> 4];
        h += hex[c & 15];
    }
    return h;
}

// ---- raw connections -------------------------------------------------------------------------

/// The native handle behind a Database, or a backup file opened directly.
struct Conn {
    PGconn* pg = nullptr;
    sq::sqlite3* lite = nullptr;
    std::string display;
};

Conn conn_of(Database& db) {
    db.impl().ensure_connected();
    Conn c;
    c.display = db.url().display;
    if (db.backend() == Backend::PostgreSQL)
        c.pg = static_cast<soci::postgresql_session_backend*>(db.impl().sql.get_backend())->conn_;
    else
        c.lite = static_cast<soci::sqlite3_session_backend*>(db.impl().sql.get_backend())->conn_;
    return c;
}

/// Owns a directly opened SQLite file (backup files).
struct LiteFile {
    sq::sqlite3* db = nullptr;
    LiteFile(const std::string& path, int flags) {
        if (sq::sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
            std::string m = db ? sq::sqlite3_errmsg(db) : "out of memory";
            sq::sqlite3_close(db);
            db = nullptr;
            throw Error(ErrorKind::Unavailable, "cannot open " + path + " (" + m + ")");
        }
        sq::sqlite3_busy_timeout(db, 10000);
    }
    ~LiteFile() { sq::sqlite3_close(db); }
    LiteFile(const LiteFile&) = delete;
    LiteFile& operator=(const LiteFile&) = delete;
};

[[noreturn]] void pg_fail(PGconn* c, PGresult* r, const std::string& what) {
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
    const char* st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string state = st ? st : "";
    if (r) PQclear(r);
    msg = first_line(msg);
    if (state == "42501")
        throw Error(ErrorKind::PermissionDenied, "permission denied by the database: " + msg);
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 || PQstatus(c) != CONNECTION_OK)
        throw Error(ErrorKind::Unavailable, "database unavailable: " + msg);
    throw Error(ErrorKind::Internal, what + ": " + msg);
}

/// Runs one statement with text parameters; returns its rows as text (NULL = nullopt).
std::vector<Row> pg_query(PGconn* c, const std::string& sql,
                          const std::vector<std::optional<std::string>>& params = {},
                          const std::string& what = "database error") {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) pg_fail(c, r, what);
    std::vector<Row> rows;
    const int n = PQntuples(r), m = PQnfields(r);
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Row row;
        row.reserve(static_cast<std::size_t>(m));
        for (int j = 0; j < m; ++j)
            row.push_back(PQgetisnull(r, i, j) ? std::nullopt
                                               : std::optional<std::string>(PQgetvalue(r, i, j)));
        rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
}

void pg_exec(PGconn* c, const std::string& sql, const std::string& what = "database error") {
    pg_query(c, sql, {}, what);
}

[[noreturn]] void lite_fail(sq::sqlite3* db, const std::string& what) {
    const int rc = sq::sqlite3_errcode(db) & 0xff;
    std::string m = sq::sqlite3_errmsg(db);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_FULL || rc == SQLITE_IOERR ||
        rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY)
        throw Error(ErrorKind::Unavailable, what + ": " + m);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        throw Error(ErrorKind::Invalid, what + ": not a readable database (" + m + ")", "file");
    throw Error(ErrorKind::Internal, what + ": " + m);
}

/// Runs one SQLite statement with text parameters; rows as canonical text (INTEGER as decimal,
/// REAL in shortest form, TEXT and BLOB as bytes).
void lite_each(sq::sqlite3* db, const std::string& sql,
               const std::vector<std::optional<std::string>>& params,
               const std::function<void(Row&)>& on_row) {
    sq::sqlite3_stmt* st = nullptr;
    if (sq::sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
        lite_fail(db, "database error");
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i])
            sq::sqlite3_bind_text(st, static_cast<int>(i + 1), params[i]->c_str(),
                                  static_cast<int>(params[i]->size()),
                                  reinterpret_cast<sq::sqlite3_destructor_type>(static_cast<std::intptr_t>(-1)));
        else
            sq::sqlite3_bind_null(st, static_cast<int>(i + 1));
    }
    const int m = sq::sqlite3_column_count(st);
    Row row(static_cast<std::size_t>(m));
    int rc;
    while ((rc = sq::sqlite3_step(st)) == SQLITE_ROW) {
        for (int j = 0; j < m; ++j) {
            auto& v = row[static_cast<std::size_t>(j)];
            switch (sq::sqlite3_column_type(st, j)) {
                case SQLITE_NULL: v.reset(); break;
                case SQLITE_INTEGER: v = std::to_string(sq::sqlite3_column_int64(st, j)); break;
                case SQLITE_FLOAT: v = shortest_double(sq::sqlite3_column_double(st, j)); break;
                default: {
                    const auto* p = static_cast<const char*>(sq::sqlite3_column_blob(st, j));
                    v = std::string(p ? p : "", static_cast<std::size_t>(sq::sqlite3_column_bytes(st, j)));
                }
            }
        }
        on_row(row);
    }
    sq::sqlite3_finalize(st);
    if (rc != SQLITE_DONE) lite_fail(db, "database error");
}

std::vector<Row> lite_query(sq::sqlite3* db, const std::string& sql,
                            const std::vector<std::optional<std::string>>& params = {}) {
    std::vector<Row> rows;
    lite_each(db, sql, params, [&](Row& r) { rows.push_back(r); });
    return rows;
}

std::vector<Row> query(const Conn& c, const std::string& pg_sql, const std::string& lite_sql,
                       const std::vector<std::optional<std::string>>& params = {}) {
    return c.pg ? pg_query(c.pg, pg_sql, params) : lite_query(c.lite, lite_sql, params);
}

// ---- catalog ---------------------------------------------------------------------------------

std::vector<std::string> list_tables(const Conn& c) {
    std::vector<std::string> out;
    for (auto& r : query(c,
                         "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                         "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                         "('r', 'p') ORDER BY 1",
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' ORDER BY 1"))
        out.push_back(*r[0]);
    return out;
}

/// (column, PostgreSQL type name or SQLite declared type), in table order.
std::vector<std::pair<std::string, std::string>> list_columns(const Conn& c, const std::string& t) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& r : query(c,
                         "SELECT a.attname, ty.typname FROM pg_attribute a JOIN pg_type ty ON "
                         "ty.oid = a.atttypid WHERE a.attrelid = (SELECT c.oid FROM pg_class c "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                         "current_schema() AND c.relname = $1) AND a.attnum > 0 AND NOT "
                         "a.attisdropped ORDER BY a.attnum",
                         "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", {t}))
        out.emplace_back(*r[0], r[1].value_or(""));
    return out;
}

/// (table, referenced table) for every foreign key.
std::vector<std::pair<std::string, std::string>> list_foreign_keys(const Conn& c) {
    std::vector<std::pair<std::string, std::string>> out;
    if (c.pg) {
        for (auto& r : pg_query(c.pg,
                                "SELECT c1.relname, c2.relname FROM pg_constraint k JOIN pg_class "
                                "c1 ON c1.oid = k.conrelid JOIN pg_class c2 ON c2.oid = k.confrelid "
                                "JOIN pg_namespace n ON n.oid = c1.relnamespace WHERE k.contype = "
                                "'f' AND n.nspname = current_schema()"))
            out.emplace_back(*r[0], *r[1]);
    } else {
        for (const auto& t : list_tables(c))
            for (auto& r : lite_query(c.lite, "SELECT \"table\" FROM pragma_foreign_key_list(?)", {t}))
                out.emplace_back(t, *r[0]);
    }
    return out;
}

std::vector<std::string> dependency_order(const Conn& c) {
    const auto tables = list_tables(c);
    std::map<std::string, std::set<std::string>> needs;
    for (const auto& t : tables) needs[t];
    for (const auto& [t, ref] : list_foreign_keys(c))
        if (t != ref && needs.count(ref)) needs[t].insert(ref);
    std::vector<std::string> out;
    std::set<std::string> done;
    while (out.size() < tables.size()) {
        bool progress = false;
        for (const auto& t : tables) {  // alphabetical: ties by name
            if (done.count(t)) continue;
            if (std::all_of(needs[t].begin(), needs[t].end(),
                            [&](const std::string& r) { return done.count(r) > 0; })) {
                out.push_back(t);
                done.insert(t);
                progress = true;
                break;
            }
        }
        if (!progress) {  // a cycle: append the rest by name (cannot happen with our schema)
            for (const auto& t : tables)
                if (!done.count(t)) out.push_back(t);
            break;
        }
    }
    return out;
}

std::string kind_of_pg_type(const std::string& typname) {
    if (typname == "timestamptz" || typname == "timestamp") return "timestamptz";
    if (typname == "bool") return "bool";
    if (typname == "date") return "date";
    if (typname == "json" || typname == "jsonb") return "json";
    if (typname == "float4" || typname == "float8" || typname == "numeric") return "float";
    return "other";
}

std::map<std::string, std::int64_t> counts(const Conn& c) {
    std::map<std::string, std::int64_t> out;
    for (const auto& t : list_tables(c)) {
        const std::string sql = "SELECT count(*) FROM " + quote_ident(t);
        out[t] = std::stoll(*query(c, sql, sql)[0][0]);
    }
    return out;
}

std::map<std::string, TableContents> contents(const Conn& c, const ColumnKinds* kinds_in) {
    std::map<std::string, TableContents> out;
    for (const auto& t : list_tables(c)) {
        TableContents tc;
        std::vector<std::string> kinds;
        std::string select;
        for (const auto& [col, type] : list_columns(c, t)) {
            std::string kind = "other";
            if (c.pg) {
                kind = kind_of_pg_type(type);
            } else if (kinds_in) {
                if (auto ti = kinds_in->find(t); ti != kinds_in->end())
                    if (auto ci = ti->second.find(col); ci != ti->second.end()) kind = ci->second;
            }
            const std::string q = quote_ident(col);
            std::string expr = q;
            if (c.pg) {
                if (kind == "timestamptz") expr = "extract(epoch from " + q + ")::text";
                else if (kind == "bool") expr = q + "::int::text";
                else if (kind == "date") expr = "to_char(" + q + ", 'YYYY-MM-DD')";
                else expr = q + "::text";
            }
            select += (select.empty() ? "" : ", ") + expr;
            tc.columns.push_back(col);
            kinds.push_back(kind);
        }
        const std::string sql = "SELECT " + select + " FROM " + quote_ident(t);
        auto canon = [&](Row& r) {
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (!r[i]) continue;
                const auto& k = kinds[i];
                if (k == "timestamptz") *r[i] = trim_decimal(*r[i]);
                else if (k == "json") *r[i] = canonical_json(*r[i]);
                else if (k == "float") *r[i] = shortest_double(std::strtod(r[i]->c_str(), nullptr));
            }
            tc.rows.push_back(r);
        };
        if (c.pg) {
            for (auto& r : pg_query(c.pg, sql)) canon(r);
        } else {
            lite_each(c.lite, sql, {}, canon);
        }
        std::sort(tc.rows.begin(), tc.rows.end());
        out[t] = std::move(tc);
    }
    return out;
}

std::vector<core::AuditEntry> read_audit(const Conn& c) {
    std::vector<core::AuditEntry> out;
    const auto tables = list_tables(c);
    if (std::find(tables.begin(), tables.end(), "audit_log") == tables.end()) return out;
    for (auto& r : query(c,
                         "SELECT seq, extract(epoch from at)::bigint, user_name, patient_id, "
                         "action, object, workstation, detail, prev_hash, hash FROM audit_log "
                         "ORDER BY seq",
                         "SELECT seq, at, user_name, patient_id, action, object, workstation, "
                         "detail, prev_hash, hash FROM audit_log ORDER BY seq")) {
        core::AuditEntry e;
        e.seq = std::stoll(*r[0]);
        e.at = Instant{std::chrono::seconds(std::stoll(*r[1]))};
        e.user = r[2].value_or("");
        if (r[3]) e.patient_id = std::stoll(*r[3]);
        e.action = r[4].value_or("");
        e.object = r[5].value_or("");
        e.workstation = r[6].value_or("");
        e.detail = r[7].value_or("");
        e.prev_hash = r[8].value_or("");
        e.hash = r[9].value_or("");
        out.push_back(std::move(e));
    }
    return out;
}

int schema_version_of(const Conn& c) {
    const auto tables = list_tables(c);
    if (std::find(tables.begin(), tables.end(), "schema_version") == tables.end()) return 0;
    auto r = query(c, "SELECT max(version) FROM schema_version",
                   "SELECT max(version) FROM schema_version");
    return r[0][0] ? std::stoi(*r[0][0]) : 0;
}

// ---- PostgreSQL URLs and connection strings --------------------------------------------------

struct PgTarget {
    std::string url;       ///< as given
    std::string dbname;    ///< from the conninfo
    std::string conninfo;  ///< full libpq conninfo (may hold a password)
};

/// libpq's own parse of a conninfo: keyword -> value.
std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        std::string m = err ? err : "cannot parse";
        PQfreemem(err);
        throw invalid("db", "bad connection settings: " + first_line(m));
    }
    std::map<std::string, std::string> out;
    for (auto* o = opts; o->keyword; ++o)
        if (o->val && *o->val) out[o->keyword] = o->val;
    PQconninfoFree(opts);
    return out;
}

std::string conninfo_quote(const std::string& v) {
    std::string out = "'";
    for (char ch : v) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "'";
}

std::string build_conninfo(const std::map<std::string, std::string>& kv) {
    std::string out;
    for (const auto& [k, v] : kv) out += (out.empty() ? "" : " ") + k + "=" + conninfo_quote(v);
    return out;
}

/// The same URL with another database name (path component), query kept.
std::string url_with_dbname(const std::string& url, const std::string& dbname) {
    std::string scheme;
    for (const char* s : {"postgresql://", "postgres://"})
        if (url.rfind(s, 0) == 0) scheme = s;
    if (scheme.empty()) throw invalid("db", "'" + url + "' is not a postgresql:// URL");
    std::string rest = url.substr(scheme.size()), query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q);
        rest = rest.substr(0, q);
    }
    const auto at = rest.rfind('@');
    const auto slash = rest.find('/', at == std::string::npos ? 0 : at);
    if (slash != std::string::npos) rest = rest.substr(0, slash);
    return scheme + rest + "/" + dbname + query;
}

/// A child process (no shell): program and arguments; extra environment; stderr captured.
struct ChildResult {
    int code = -1;
    std::string err;
};

ChildResult run_child(const std::vector<std::string>& argv,
                      const std::vector<std::pair<std::string, std::string>>& env) {
    int pipefd[2];
    if (pipe(pipefd) != 0) throw Error(ErrorKind::Internal, "cannot create a pipe");
    pid_t pid = fork();
    if (pid < 0) throw Error(ErrorKind::Internal, "cannot start " + argv[0]);
    if (pid == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        const std::string m = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
        (void)!write(2, m.data(), m.size());
        _exit(127);
    }
    close(pipefd[1]);
    ChildResult r;
    char buf[4096];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof buf)) > 0) r.err.append(buf, static_cast<std::size_t>(n));
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

/// pg_dump / pg_restore: $VERTEBRA_PG_BINDIR/NAME, else NAME on PATH (Debian's wrappers).
std::string pg_tool(const std::string& name) {
    if (const char* d = std::getenv("VERTEBRA_PG_BINDIR"); d && *d) return (fs::path(d) / name).string();
    return name;
}

/// Runs a PostgreSQL client tool against `conninfo`: the password (if the URL had one) goes in
/// PGPASSWORD, never on the command line.
void run_pg_tool(const std::string& tool, std::vector<std::string> args, const std::string& conninfo) {
    auto kv = parse_conninfo(conninfo);
    std::vector<std::pair<std::string, std::string>> env;
    if (auto p = kv.find("password"); p != kv.end()) {
        env.emplace_back("PGPASSWORD", p->second);
        kv.erase(p);
    }
    kv["application_name"] = "vertebra-" + tool;
    std::vector<std::string> argv{pg_tool(tool)};
    argv.push_back("--dbname=" + build_conninfo(kv));
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_child(argv, env);
    if (r.code == 127)
        throw Error(ErrorKind::Unavailable,
                    tool + " not found: install postgresql-client-15 (or set VERTEBRA_PG_BINDIR)");
    if (r.code != 0)
        throw Error(ErrorKind::Unavailable, tool + " failed (exit " + std::to_string(r.code) +
                                                "): " + first_line(r.err));
}

/// Creates database `name` (validated, quoted) through the server connection `admin`. Returns
/// false when it already existed.
bool create_database(PGconn* admin, const std::string& name) {
    validate_clinic_db_name(name);
    if (!pg_query(admin, "SELECT 1 FROM pg_database WHERE datname = $1", {name}).empty()) return false;
    PGresult* r = PQexec(admin, ("CREATE DATABASE " + quote_ident(name) +
                                 " ENCODING 'UTF8' TEMPLATE template0").c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const char* st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (st && std::string(st) == "42P04") {  // created meanwhile by someone else
            PQclear(r);
            return false;
        }
        if (st && std::string(st) == "42501") {
            std::string m = first_line(PQresultErrorMessage(r));
            PQclear(r);
            throw Error(ErrorKind::PermissionDenied,
                        "permission denied: cannot create database " + name + " (" + m +
                            "); connect as a superuser or a role with CREATEDB and CREATEROLE");
        }
        pg_fail(admin, r, "cannot create database " + name);
    }
    PQclear(r);
    return true;
}

/// The clinic's group roles (cluster-wide): created when missing, as 0004_record.sql does.
void ensure_group_roles(PGconn* c) {
    pg_exec(c, R"(DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['vertebra_front_desk', 'vertebra_therapist', 'vertebra_owner'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END;
$$)", "cannot create the clinic's group roles");
}

std::unique_ptr<Database> open_pg(std::string_view url) {
    auto db = Database::open(url);
    if (db->backend() != Backend::PostgreSQL)
        throw invalid("db", "needs a postgresql://USER@HOST:PORT/DBNAME URL, not " + db->url().display);
    return db;
}

std::string stale_clients_message(const std::vector<ClientConnection>& stale, int want) {
    std::string who;
    for (const auto& s : stale)
        who += (who.empty() ? "" : ", ") + s.user + "@" + s.client + " (pid " +
               std::to_string(s.pid) + ", schema " + std::to_string(*s.schema) + ")";
    return std::to_string(stale.size()) + " workstation(s) running an older Vertebra are connected: " +
           who + "; close Vertebra there (or upgrade them) and run again (this needs schema " +
           std::to_string(want) + ")";
}

void verify_against_manifest(const BackupManifest& m, const std::map<std::string, std::int64_t>& got,
                             const core::AuditVerification& audit,
                             const std::vector<core::AuditEntry>& entries) {
    for (const auto& [t, n] : m.tables) {
        auto it = got.find(t);
        if (it == got.end())
            throw Error(ErrorKind::Conflict, "restore check failed: table " + t + " is missing");
        if (it->second != n)
            throw Error(ErrorKind::Conflict, "restore check failed: table " + t + " has " +
                                                 std::to_string(it->second) + " rows, the backup " +
                                                 std::to_string(n));
    }
    for (const auto& [t, n] : got)
        if (!m.tables.count(t))
            throw Error(ErrorKind::Conflict, "restore check failed: table " + t +
                                                 " is not in the backup's manifest");
    if (audit.entries != m.audit_entries ||
        (entries.empty() ? "" : entries.back().hash) != m.audit_last_hash)
        throw Error(ErrorKind::Conflict, "restore check failed: the audit log has " +
                                             std::to_string(audit.entries) +
                                             " entries or a last hash unlike the backup's");
    if (!audit.intact && m.audit_intact)
        throw Error(ErrorKind::Conflict, "restore check failed: audit log broken at entry " +
                                             std::to_string(audit.first_broken_seq) + ": " +
                                             audit.problem);
}

/// Seconds since the epoch -> "YYYY-MM-DD HH:MM:SS+00" (COPY input for timestamptz).
std::string epoch_to_pg(const std::string& v) {
    const std::time_t t = static_cast<std::time_t>(std::stoll(v));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
    return buf;
}

/// COPY text format escaping.
void copy_escape(std::string& out, const std::string& v) {
    for (char ch : v) {
        switch (ch) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            default: out += ch;
        }
    }
}

}  // namespace

// ---- public: names ---------------------------------------------------------------------------

std::string client_application_name() {
    return "vertebra/schema-" + std::to_string(Database::binary_schema_version(Backend::PostgreSQL));
}

std::optional<int> schema_of_application_name(std::string_view name) {
    static const std::regex re("^vertebra/schema-([0-9]{1,6})$");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(name.begin(), name.end(), m, re)) return std::nullopt;
    return std::stoi(m[1].str());
}

void validate_clinic_db_name(const std::string& name) {
    static const std::regex re("^[a-z][a-z0-9_]{0,62}$");
    if (!std::regex_match(name, re))
        throw invalid("clinic-db", "'" + name + "' is not a valid database name (lower-case letters, "
                                                "digits and _, starting with a letter, at most 63)");
    if (name == "postgres" || name == "template0" || name == "template1")
        throw invalid("clinic-db", "'" + name + "' is a PostgreSQL system database; choose another name");
}

std::string quote_ident(std::string_view name) {
    std::string out = "\"";
    for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

std::string manifest_path(const std::string& backup_file) { return backup_file + ".manifest.json"; }

// ---- public: catalog views -------------------------------------------------------------------

ColumnKinds column_kinds(Database& pg) {
    Conn c = conn_of(pg);
    if (!c.pg) throw invalid("db", "column kinds come from a PostgreSQL database");
    ColumnKinds out;
    for (const auto& t : list_tables(c))
        for (const auto& [col, type] : list_columns(c, t)) out[t][col] = kind_of_pg_type(type);
    return out;
}

std::map<std::string, TableContents> dump_contents(Database& db, const ColumnKinds* kinds) {
    return contents(conn_of(db), kinds);
}

std::map<std::string, std::int64_t> table_counts(Database& db) { return counts(conn_of(db)); }

std::vector<std::string> tables_in_dependency_order(Database& db) {
    return dependency_order(conn_of(db));
}

// ---- public: provisioning --------------------------------------------------------------------

ServerInitReport server_init(std::string_view admin_url, const std::string& clinic_db) {
    validate_clinic_db_name(clinic_db);
    ServerInitReport rep;
    rep.database = clinic_db;
    {
        auto admin = open_pg(admin_url);
        rep.created = create_database(conn_of(*admin).pg, clinic_db);
    }
    const std::string url = url_with_dbname(std::string(admin_url), clinic_db);
    auto db = open_pg(url);
    rep.url = db->url().display;
    Conn c = conn_of(*db);
    const int have = db->schema_version(), want = Database::binary_schema_version(Backend::PostgreSQL);
    if (have > 0 && have < want) {  // an existing clinic: the same rule as server upgrade
        std::vector<ClientConnection> stale;
        for (auto& cl : connected_clients(*db))
            if (cl.schema && *cl.schema < want) stale.push_back(cl);
        if (!stale.empty()) throw Error(ErrorKind::Conflict, stale_clients_message(stale, want));
    }
    pg_exec(c.pg, "CREATE EXTENSION IF NOT EXISTS btree_gist",
            "cannot create the btree_gist extension (install postgresql-contrib on the server)");
    ensure_group_roles(c.pg);
    rep.applied = db->migrate();
    rep.schema_version = db->schema_version();
    return rep;
}

std::vector<ClientConnection> connected_clients(Database& db) {
    Conn c = conn_of(db);
    if (!c.pg) return {};
    std::vector<ClientConnection> out;
    for (auto& r : pg_query(c.pg,
                            "SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), "
                            "coalesce(host(client_addr), 'local') FROM pg_stat_activity WHERE "
                            "datname = current_database() AND pid <> pg_backend_pid() AND "
                            "backend_type = 'client backend' ORDER BY pid")) {
        ClientConnection cl;
        cl.pid = std::stoi(*r[0]);
        cl.user = *r[1];
        cl.application_name = *r[2];
        cl.client = *r[3];
        cl.schema = schema_of_application_name(cl.application_name);
        out.push_back(std::move(cl));
    }
    return out;
}

ServerUpgradeReport server_upgrade(std::string_view url) {
    auto db = open_pg(url);
    ServerUpgradeReport rep;
    rep.from = db->schema_version();
    rep.to = Database::binary_schema_version(Backend::PostgreSQL);
    if (rep.from == 0)
        throw Error(ErrorKind::NotFound, db->url().display +
                                             " is not a Vertebra clinic database (no schema); "
                                             "provision it with 'vertebra-cli server init'");
    if (rep.from > rep.to)
        throw invalid("db", db->url().display + " has schema version " + std::to_string(rep.from) +
                                ", newer than this Vertebra (" + std::to_string(rep.to) +
                                "); install the newer Vertebra");
    if (rep.from == rep.to) return rep;
    std::vector<ClientConnection> stale;
    for (auto& cl : connected_clients(*db))
        if (cl.schema && *cl.schema < rep.to) stale.push_back(cl);
    if (!stale.empty()) throw Error(ErrorKind::Conflict, stale_clients_message(stale, rep.to));
    ensure_group_roles(conn_of(*db).pg);
    rep.applied = db->migrate();
    return rep;
}

// ---- public: manifest ------------------------------------------------------------------------

std::string BackupManifest::to_json() const {
    nlohmann::json j{{"format", format},
                     {"backend", backend == Backend::PostgreSQL ? "postgresql" : "sqlite"},
                     {"schema_version", schema_version},
                     {"vertebra_version", vertebra_version},
                     {"created_at", created_at},
                     {"source", source},
                     {"tables", tables},
                     {"audit", {{"entries", audit_entries}, {"last_hash", audit_last_hash},
                                {"intact", audit_intact}}},
                     {"sha256", sha256}};
    return j.dump(2) + "\n";
}

BackupManifest BackupManifest::from_json(const std::string& text, const std::string& file) {
    try {
        auto j = nlohmann::json::parse(text);
        BackupManifest m;
        m.format = j.at("format").get<std::string>();
        if (m.format != "vertebra-backup/1")
            throw invalid("file", file + ": unknown backup format '" + m.format + "'");
        const auto b = j.at("backend").get<std::string>();
        if (b != "sqlite" && b != "postgresql") throw invalid("file", file + ": unknown backend " + b);
        m.backend = b == "postgresql" ? Backend::PostgreSQL : Backend::SQLite;
        m.schema_version = json_integer<int>(j.at("schema_version"), "schema_version");
        m.vertebra_version = j.value("vertebra_version", "");
        m.created_at = j.value("created_at", "");
        m.source = j.value("source", "");
        m.tables = j.at("tables").get<std::map<std::string, std::int64_t>>();
        m.audit_entries = json_integer<std::int64_t>(j.at("audit").at("entries"), "audit.entries");
        m.audit_last_hash = j.at("audit").at("last_hash").get<std::string>();
        m.audit_intact = j.at("audit").value("intact", true);
        m.sha256 = j.at("sha256").get<std::string>();
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw invalid("file", file + " is not a Vertebra backup manifest (" + e.what() + ")");
    }
}

// ---- public: backup --------------------------------------------------------------------------

BackupManifest backup(std::string_view url, const std::string& file) {
    if (file.empty()) throw invalid("file", "needs a file name");
    std::error_code ec;
    if (fs::exists(file, ec) || fs::exists(manifest_path(file), ec))
        throw Error(ErrorKind::Conflict,
                    file + " already exists; back up into a new file (e.g. with the date in its name)",
                    "file");
    const auto parsed = DatabaseUrl::parse(url);
    if (parsed.backend == Backend::SQLite && !fs::exists(parsed.sqlite_path, ec))
        throw Error(ErrorKind::NotFound, "no clinic database at " + parsed.display, "db");
    if (auto parent = fs::path(file).parent_path(); !parent.empty() && !fs::is_directory(parent, ec))
        throw Error(ErrorKind::NotFound, "folder " + parent.string() + " does not exist", "file");

    auto db = Database::open(url);
    BackupManifest m;
    m.backend = db->backend();
    m.vertebra_version = VERTEBRA_VERSION;
    m.created_at = now_utc_iso();
    m.source = db->url().display;
    Conn c = conn_of(*db);
    std::vector<core::AuditEntry> audit;
    try {
        if (c.lite) {
            LiteFile dest(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            sq::sqlite3_backup* b = sq::sqlite3_backup_init(dest.db, "main", c.lite, "main");
            if (!b) lite_fail(dest.db, "backup of " + m.source + " failed");
            int rc;
            // Pages in steps so writers elsewhere are held up only briefly; a change by another
            // connection restarts the copy, so the result is always one consistent state.
            while ((rc = sq::sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
                   rc == SQLITE_LOCKED)
                if (rc != SQLITE_OK) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            sq::sqlite3_backup_finish(b);
            if (rc != SQLITE_DONE) lite_fail(dest.db, "backup of " + m.source + " failed");
            // What the copy holds (not the live file, which may have moved on).
            Conn copy;
            copy.lite = dest.db;
            m.schema_version = schema_version_of(copy);
            m.tables = counts(copy);
            audit = read_audit(copy);
            // A standalone file: back to a rollback journal, no -wal beside it.
            char* err = nullptr;
            sq::sqlite3_exec(dest.db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &err);
            sq::sqlite3_free(err);
        } else {
            // One snapshot for the counts and pg_dump: the manifest describes exactly the dump.
            pg_exec(c.pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            const std::string snapshot = *pg_query(c.pg, "SELECT pg_export_snapshot()")[0][0];
            m.schema_version = schema_version_of(c);
            m.tables = counts(c);
            audit = read_audit(c);
            try {
                run_pg_tool("pg_dump", {"--format=custom", "--file=" + file, "--snapshot=" + snapshot},
                            db->url().conninfo);
            } catch (...) {
                db->impl().rollback();
                throw;
            }
            pg_exec(c.pg, "COMMIT");
        }
    } catch (...) {
        fs::remove(file, ec);
        throw;
    }
    auto v = core::verify_audit_chain(audit);
    m.audit_entries = v.entries;
    m.audit_last_hash = audit.empty() ? "" : audit.back().hash;
    m.audit_intact = v.intact;
    m.sha256 = file_sha256(file);
    std::ofstream(manifest_path(file)) << m.to_json();
    // Patient records: readable by the account that made the backup only.
    for (const auto& f : {file, manifest_path(file)})
        fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    return m;
}

// ---- public: restore -------------------------------------------------------------------------

RestoreReport restore(const std::string& file, std::string_view target_url) {
    std::error_code ec;
    if (!fs::exists(file, ec)) throw Error(ErrorKind::NotFound, "no backup file " + file, "file");
    const std::string mpath = manifest_path(file);
    std::ifstream min(mpath);
    if (!min)
        throw Error(ErrorKind::NotFound,
                    "the backup's manifest " + mpath + " is missing; it is written beside the "
                    "backup and needed to verify the restore", "file");
    std::stringstream ms;
    ms << min.rdbuf();
    RestoreReport rep;
    rep.manifest = BackupManifest::from_json(ms.str(), mpath);
    const auto& m = rep.manifest;
    if (file_sha256(file) != m.sha256)
        throw Error(ErrorKind::Conflict, file + " does not match its manifest's checksum: the "
                                                "backup is damaged or not the one described",
                    "file");
    const auto target = DatabaseUrl::parse(target_url);
    if (target.backend != m.backend)
        throw invalid("db", std::string("this is a ") +
                                (m.backend == Backend::SQLite ? "SQLite" : "PostgreSQL") +
                                " backup; restore it into a " +
                                (m.backend == Backend::SQLite ? "sqlite:PATH" : "postgresql://") +
                                " database (to move a SQLite clinic onto a server, restore it to "
                                "a file and use migrate-to)");
    if (m.schema_version > Database::binary_schema_version(m.backend))
        throw invalid("file", file + " has schema version " + std::to_string(m.schema_version) +
                                  ", newer than this Vertebra; install the newer Vertebra");
    rep.target = target.display;

    if (m.backend == Backend::SQLite) {
        if (fs::exists(target.sqlite_path, ec) && fs::file_size(target.sqlite_path, ec) > 0) {
            LiteFile existing(target.sqlite_path, SQLITE_OPEN_READONLY);
            Conn probe;
            probe.lite = existing.db;
            if (!list_tables(probe).empty())
                throw Error(ErrorKind::Conflict, target.display + " already holds a database; "
                                                                  "restore into a new file", "db");
        }
        if (auto parent = fs::path(target.sqlite_path).parent_path(); !parent.empty())
            fs::create_directories(parent, ec);
        {
            LiteFile src(file, SQLITE_OPEN_READONLY);
            LiteFile dest(target.sqlite_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            sq::sqlite3_backup* b = sq::sqlite3_backup_init(dest.db, "main", src.db, "main");
            if (!b) lite_fail(dest.db, "restore into " + target.display + " failed");
            int rc = sq::sqlite3_backup_step(b, -1);
            sq::sqlite3_backup_finish(b);
            if (rc != SQLITE_DONE) lite_fail(dest.db, "restore into " + target.display + " failed");
        }
    } else {
        // The target database: created when missing (on the same server), else it must be empty.
        auto kv = parse_conninfo(target.conninfo);
        const std::string dbname = kv.count("dbname") ? kv["dbname"] : "";
        if (dbname.empty()) throw invalid("db", "name the database to restore into");
        {
            auto admin = open_pg(url_with_dbname(std::string(target_url), "postgres"));
            Conn a = conn_of(*admin);
            if (pg_query(a.pg, "SELECT 1 FROM pg_database WHERE datname = $1", {dbname}).empty()) {
                rep.created = create_database(a.pg, dbname);
            }
            ensure_group_roles(a.pg);
        }
        {
            auto db = open_pg(target_url);
            Conn c = conn_of(*db);
            auto n = pg_query(c.pg,
                              "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                              "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', "
                              "'p', 'v', 'm', 'S', 'f')");
            if (std::stoll(*n[0][0]) > 0)
                throw Error(ErrorKind::Conflict, target.display + " is not empty; restore into a "
                                                                  "new database", "db");
        }
        run_pg_tool("pg_restore", {"--no-owner", "--single-transaction", "--exit-on-error", file},
                    target.conninfo);
    }

    auto db = Database::open(target_url);
    Conn c = conn_of(*db);
    rep.tables = counts(c);
    auto entries = read_audit(c);
    rep.audit = core::verify_audit_chain(entries);
    verify_against_manifest(m, rep.tables, rep.audit, entries);
    return rep;
}

// ---- public: SQLite -> PostgreSQL ------------------------------------------------------------

MigrateReport migrate_to(std::string_view sqlite_url, std::string_view pg_url) {
    const auto su = DatabaseUrl::parse(sqlite_url);
    if (su.backend != Backend::SQLite)
        throw invalid("from", "the clinic to move must be a SQLite database (sqlite:PATH)");
    std::error_code ec;
    if (!fs::exists(su.sqlite_path, ec))
        throw Error(ErrorKind::NotFound, "no clinic database at " + su.display, "from");
    auto src = Database::open(sqlite_url);
    auto dst = open_pg(pg_url);
    MigrateReport rep;
    rep.source = src->url().display;
    rep.target = dst->url().display;
    const int want = Database::binary_schema_version(Backend::PostgreSQL);
    if (src->schema_version() < Database::binary_schema_version(Backend::SQLite)) src->migrate();
    src->require_current_schema();
    if (dst->schema_version() != want)
        throw invalid("db", rep.target + " has schema version " + std::to_string(dst->schema_version()) +
                                " (this Vertebra: " + std::to_string(want) +
                                "); provision it with 'vertebra-cli server init' first");
    Conn s = conn_of(*src), d = conn_of(*dst);

    // Same tables and columns on both sides (the same schema version, so anything else is a bug).
    const auto order = dependency_order(d);
    const auto src_tables = list_tables(s);
    for (const auto& t : src_tables)
        if (std::find(order.begin(), order.end(), t) == order.end())
            throw Error(ErrorKind::Internal, "table " + t + " of " + rep.source +
                                                 " has no counterpart on the server");
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> cols;
    for (const auto& t : order) {
        if (std::find(src_tables.begin(), src_tables.end(), t) == src_tables.end())
            throw Error(ErrorKind::Internal, "table " + t + " is missing from " + rep.source);
        cols[t] = list_columns(d, t);
        std::set<std::string> sc;
        for (auto& [name, type] : list_columns(s, t)) sc.insert(name);
        std::set<std::string> dc;
        for (auto& [name, type] : cols[t]) dc.insert(name);
        if (sc != dc)
            throw Error(ErrorKind::Internal, "table " + t + " has different columns in " +
                                                 rep.source + " and " + rep.target);
    }

    // A fresh target: nothing but what the migrations seed (schema_version and the one-row
    // settings tables), which the clinic's own rows replace.
    static const std::set<std::string> seeded{"schema_version", "clinic", "security_settings"};
    const auto dcounts = counts(d);
    for (const auto& [t, n] : dcounts)
        if (n > 0 && !seeded.count(t))
            throw Error(ErrorKind::Conflict, rep.target + " already holds data (" + std::to_string(n) +
                                                 " row(s) in " + t + "); move the clinic into a "
                                                 "freshly provisioned database", "db");

    PGconn* pg = d.pg;
    pg_exec(pg, "BEGIN");
    try {
        pg_exec(pg, "SET LOCAL TIME ZONE 'UTC'");
        for (auto it = order.rbegin(); it != order.rend(); ++it)
            if (seeded.count(*it) && *it != "schema_version") pg_exec(pg, "DELETE FROM " + quote_ident(*it));
        for (const auto& t : order) {
            if (t == "schema_version") continue;
            std::string collist, select;
            std::vector<std::string> kinds;
            for (const auto& [name, type] : cols[t]) {
                collist += (collist.empty() ? "" : ", ") + quote_ident(name);
                select += (select.empty() ? "" : ", ") + quote_ident(name);
                kinds.push_back(kind_of_pg_type(type));
            }
            PGresult* r = PQexec(pg, ("COPY " + quote_ident(t) + " (" + collist + ") FROM STDIN").c_str());
            if (PQresultStatus(r) != PGRES_COPY_IN) pg_fail(pg, r, "cannot copy into " + t);
            PQclear(r);
            std::string buf;
            std::int64_t rows = 0;
            auto flush = [&] {
                if (!buf.empty() && PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) != 1)
                    pg_fail(pg, nullptr, "copy into " + t + " failed");
                buf.clear();
            };
            try {
                lite_each(s.lite, "SELECT " + select + " FROM " + quote_ident(t), {}, [&](Row& row) {
                    for (std::size_t i = 0; i < row.size(); ++i) {
                        if (i) buf += '\t';
                        if (!row[i]) {
                            buf += "\\N";
                            continue;
                        }
                        const auto& k = kinds[i];
                        if (k == "timestamptz" && !row[i]->empty() &&
                            std::all_of(row[i]->begin(), row[i]->end(),
                                        [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-'; }))
                            copy_escape(buf, epoch_to_pg(*row[i]));
                        else
                            copy_escape(buf, *row[i]);
                    }
                    buf += '\n';
                    ++rows;
                    if (buf.size() > (1 << 20)) flush();
                });
                flush();
            } catch (...) {
                PQputCopyEnd(pg, "vertebra: copy aborted");
                while (PGresult* x = PQgetResult(pg)) PQclear(x);
                throw;
            }
            if (PQputCopyEnd(pg, nullptr) != 1) pg_fail(pg, nullptr, "copy into " + t + " failed");
            PGresult* res = PQgetResult(pg);
            if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                std::string msg = first_line(PQresultErrorMessage(res));
                PQclear(res);
                while (PGresult* x = PQgetResult(pg)) PQclear(x);
                throw Error(ErrorKind::Conflict, "the server refused the rows of " + t + ": " + msg);
            }
            PQclear(res);
            while (PGresult* x = PQgetResult(pg)) PQclear(x);
            rep.tables[t] = rows;
        }
        // Sequences continue after the copied ids.
        for (const auto& t : order)
            for (const auto& [name, type] : cols[t]) {
                auto seq = pg_query(pg, "SELECT pg_get_serial_sequence($1, $2)", {quote_ident(t), name});
                if (seq.empty() || !seq[0][0]) continue;
                pg_query(pg,
                         "SELECT setval($1, coalesce((SELECT max(" + quote_ident(name) + ") FROM " +
                             quote_ident(t) + "), 0) + 1, false)",
                         {*seq[0][0]});
            }
        // Login roles for the clinic's users (PostgreSQL checks who signs in).
        const auto tables = list_tables(d);
        if (std::find(tables.begin(), tables.end(), "users") != tables.end()) {
            static const std::regex user_re("^[a-z][a-z0-9_]{0,62}$");
            for (auto& u : pg_query(pg, "SELECT name, roles FROM users ORDER BY name")) {
                const std::string name = *u[0];
                if (!std::regex_match(name, user_re) || name.rfind("pg_", 0) == 0 ||
                    name.rfind("vertebra_", 0) == 0)
                    throw Error(ErrorKind::Invalid, "user name " + name + " cannot be a login role");
                if (pg_query(pg, "SELECT 1 FROM pg_roles WHERE rolname = $1", {name}).empty()) {
                    pg_exec(pg, "CREATE ROLE " + quote_ident(name) + " LOGIN");
                    rep.users_needing_password.push_back(name);
                }
                std::string roles = u[1].value_or("");
                std::size_t pos = 0;
                while (pos <= roles.size()) {
                    auto comma = roles.find(',', pos);
                    std::string r = roles.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
                    pos = comma == std::string::npos ? roles.size() + 1 : comma + 1;
                    if (r.empty()) continue;
                    if (r != "front_desk" && r != "therapist" && r != "owner")
                        throw Error(ErrorKind::Invalid, "user " + name + " has an unknown role " + r);
                    pg_exec(pg, "GRANT " + quote_ident("vertebra_" + r) + " TO " + quote_ident(name));
                }
            }
        }
        // Verify before committing: every row of every table, and the audit chain.
        const ColumnKinds kinds = column_kinds(*dst);
        auto before = contents(s, &kinds);
        auto after = contents(d, nullptr);
        for (const auto& t : order) {
            if (t == "schema_version") continue;
            if (before[t] != after[t])
                throw Error(ErrorKind::Internal,
                            "table " + t + " differs on the server after the copy (" +
                                std::to_string(before[t].rows.size()) + " rows here, " +
                                std::to_string(after[t].rows.size()) + " there); nothing was kept");
        }
        auto src_audit = core::verify_audit_chain(read_audit(s));
        rep.audit = core::verify_audit_chain(read_audit(d));
        if (src_audit.intact && !rep.audit.intact)
            throw Error(ErrorKind::Internal, "the audit chain does not verify on the server: " +
                                                 rep.audit.problem + "; nothing was kept");
        pg_exec(pg, "COMMIT");
    } catch (...) {
        PGresult* r = PQexec(pg, "ROLLBACK");
        PQclear(r);
        throw;
    }
    return rep;
}

}  // namespace vertebra::db
