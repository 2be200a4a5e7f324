// Opening SQLite and PostgreSQL databases through SOCI, migrations, and error mapping.
#include "vertebra/db/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "database_impl.hpp"
#include "migrations.hpp"
#include "scheduling_repository.hpp"

namespace vertebra::db {

namespace {

std::string first_line(const std::string& s) {
    auto nl = s.find('\n');
    std::string l = nl == std::string::npos ? s : s.substr(0, nl);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\r')) l.pop_back();
    return l;
}

/// Every non-empty line of a driver message, joined: SOCI puts libpq's reason ("FATAL: role
/// ... does not exist", "password authentication failed") on the line after its own.
std::string all_lines(const std::string& s) {
    std::string out, line;
    std::istringstream in(s);
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        if (line.empty()) continue;
        if (!out.empty()) out += out.back() == '.' ? " " : ": ";
        out += line;
    }
    return out;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string conninfo_value(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

/// SOCI 4.0's PostgreSQL factory parses the connect string again before libpq sees it: a value
/// ends at the first whitespace unless it starts with a double quote (then at the next one), and
/// the pairs are re-joined without those double quotes. A libpq-quoted value holding whitespace
/// (a password 'my secret pw', an application_name) would arrive cut up, so it is wrapped in
/// double quotes, which SOCI takes off again. A value holding both whitespace and a double quote
/// cannot pass through SOCI 4.0 at all: refused by name (never with the value).
std::string soci_connect_string(const std::string& conninfo) {
    std::string out;
    std::size_t i = 0;
    const std::size_t n = conninfo.size();
    while (i < n) {
        while (i < n && conninfo[i] == ' ') ++i;
        if (i >= n) break;
        const std::size_t eq = conninfo.find('=', i);
        if (eq == std::string::npos) {
            out += (out.empty() ? "" : " ") + conninfo.substr(i);
            break;
        }
        const std::string key = conninfo.substr(i, eq - i);
        std::size_t j = eq + 1;
        std::string value;
        if (j < n && conninfo[j] == '\'') {
            std::size_t k = j + 1;
            while (k < n && conninfo[k] != '\'') k += conninfo[k] == '\\' ? 2 : 1;
            value = conninfo.substr(j, std::min(k + 1, n) - j);
            j = k + 1;
        } else {
            std::size_t k = conninfo.find(' ', j);
            if (k == std::string::npos) k = n;
            value = conninfo.substr(j, k - j);
            j = k;
        }
        if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c); })) {
            if (value.find('"') != std::string::npos)
                throw invalid("db", "the connection setting '" + key +
                                        "' holds both whitespace and a double quote, which "
                                        "cannot be passed to PostgreSQL through SOCI 4.0");
            value = "\"" + value + "\"";
        }
        out += (out.empty() ? "" : " ") + key + "=" + value;
        i = j;
    }
    return out;
}

int effective_schema_version(const std::set<int>& applied, const char* backend) {
    if (applied.empty()) return 0;
    // The highest version applied, unless one this binary has below it is missing: then the
    // version just below the first hole ("run db init" fills it).
    for (const auto& m : embedded_migrations())
        if (std::string(m.backend) == backend && m.version < *applied.rbegin() &&
            !applied.count(m.version))
            return m.version - 1;
    return *applied.rbegin();
}

}  // namespace

DatabaseUrl DatabaseUrl::parse(std::string_view url) {
    DatabaseUrl u;
    std::string s(url);
    if (s.empty()) throw invalid("db", "is empty (expected sqlite:PATH or postgresql://...)");
    if (s.rfind("sqlite:", 0) == 0 || s.rfind("sqlite3:", 0) == 0) {
        u.backend = Backend::SQLite;
        u.sqlite_path = s.substr(s.find(':') + 1);
        if (u.sqlite_path.rfind("//", 0) == 0) u.sqlite_path = u.sqlite_path.substr(2);
        if (u.sqlite_path.empty()) throw invalid("db", "sqlite: needs a file path");
        u.display = "sqlite:" + u.sqlite_path;
        return u;
    }
    std::string rest;
    if (s.rfind("postgresql://", 0) == 0)
        rest = s.substr(13);
    else if (s.rfind("postgres://", 0) == 0)
        rest = s.substr(11);
    else if (s.find("://") == std::string::npos &&
             (s.ends_with(".db") || s.ends_with(".sqlite") || s.find('/') != std::string::npos)) {
        u.backend = Backend::SQLite;
        u.sqlite_path = s;
        u.display = "sqlite:" + s;
        return u;
    } else {
        throw invalid("db", "'" + s + "' is not a database URL (expected sqlite:PATH or "
                                      "postgresql://user@host:port/dbname)");
    }
    u.backend = Backend::PostgreSQL;
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string userinfo, hostport, dbname;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
    }
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        hostport = rest.substr(0, slash);
        dbname = percent_decode(rest.substr(slash + 1));
    } else {
        hostport = rest;
    }
    std::string user, password, host, port;
    if (auto c = userinfo.find(':'); c != std::string::npos) {
        user = percent_decode(userinfo.substr(0, c));
        password = percent_decode(userinfo.substr(c + 1));
    } else {
        user = percent_decode(userinfo);
    }
    if (!hostport.empty() && hostport.front() == '[') {  // [::1]:5432
        auto close = hostport.find(']');
        host = hostport.substr(1, close - 1);
        if (close + 1 < hostport.size() && hostport[close + 1] == ':')
            port = hostport.substr(close + 2);
    } else if (auto c = hostport.rfind(':'); c != std::string::npos) {
        host = percent_decode(hostport.substr(0, c));
        port = hostport.substr(c + 1);
    } else {
        host = percent_decode(hostport);
    }
    if (!port.empty() && !std::all_of(port.begin(), port.end(), ::isdigit))
        throw invalid("db", "port '" + port + "' is not a number");
    std::string ci;
    auto add = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) ci += (ci.empty() ? "" : " ") + k + "=" + conninfo_value(v);
    };
    add("host", host);
    add("port", port);
    add("dbname", dbname);
    add("user", user);
    add("password", password);
    std::size_t pos = 0;
    while (pos < query.size()) {
        auto amp = query.find('&', pos);
        std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        pos = amp == std::string::npos ? query.size() : amp + 1;
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw invalid("db", "URL parameter '" + kv + "' has no value");
        add(percent_decode(kv.substr(0, eq)), percent_decode(kv.substr(eq + 1)));
    }
    // "vertebra/schema-N": `server upgrade` finds workstations of an older schema by it
    // (maintenance.cpp). A URL may still name its own application_name.
    if (ci.find("application_name") == std::string::npos)
        add("application_name", "vertebra/schema-" + std::to_string(Database::binary_schema_version(
                                                         Backend::PostgreSQL)));
    u.conninfo = ci;
    u.display = "postgresql://" + (user.empty() ? "" : user + "@") + host +
                (port.empty() ? "" : ":" + port) + "/" + dbname;
    return u;
}

std::string default_sqlite_path() {
    std::filesystem::path base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        base = x;
    else if (const char* h = std::getenv("HOME"); h && *h)
        base = std::filesystem::path(h) / ".local" / "share";
    else
        base = ".";
    return (base / "vertebra" / "clinic.db").string();
}

std::string default_database_url() {
    if (const char* v = std::getenv("VERTEBRA_DB"); v && *v) return v;
    return "sqlite:" + default_sqlite_path();
}

// ---- Impl ------------------------------------------------------------------------------------

void Database::Impl::begin_write() {
    if (pg())
        sql << "BEGIN";
    else
        sql << "BEGIN IMMEDIATE";
}

void Database::Impl::commit() { sql << "COMMIT"; }

void Database::Impl::rollback() noexcept {
    try {
        sql << "ROLLBACK";
    } catch (...) {
    }
}

void Database::Impl::ensure_connected() {
    if (!pg() || sql.is_connected()) return;
    try {
        sql.reconnect();
        sql << "SET TIME ZONE 'UTC'";
    } catch (const soci::soci_error& e) {
        throw Error(ErrorKind::Unavailable, "database unavailable: lost the connection to " +
                                                url.display + " and could not reconnect (" +
                                                first_line(e.what()) + ")");
    }
}

void Database::Impl::exec_script(const std::string& script) {
    if (pg()) {
        auto* be = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
        PGresult* r = PQexec(be->conn_, script.c_str());
        auto status = PQresultStatus(r);
        std::string err = PQresultErrorMessage(r);
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        std::string sqlstate = state ? state : "";
        PQclear(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            throw soci::postgresql_soci_error(err, sqlstate.size() == 5 ? sqlstate.c_str() : "XX000");
    } else {
        auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
        char* msg = nullptr;
        int rc = sqlite3_exec(be->conn_, script.c_str(), nullptr, nullptr, &msg);
        if (rc != SQLITE_OK) {
            std::string m = msg ? msg : "sqlite error";
            sqlite_api::sqlite3_free(msg);
            throw soci::sqlite3_soci_error(m, rc);
        }
    }
}

bool is_booking_conflict(const soci::soci_error& e) {
    if (auto* pe = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        auto st = pe->sqlstate();
        return st == "23P01" || st == "40P01";
    }
    return std::string(e.what()).find("vertebra_conflict") != std::string::npos;
}

void rethrow_db_error(Database::Impl& db, const soci::soci_error& e) {
    std::string what = first_line(e.what());
    if (is_booking_conflict(e))
        throw core::BookingConflict(0, "", "conflict: the database refused an overlapping booking");
    if (auto* pe = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        auto st = pe->sqlstate();
        if (st == "42501")
            throw Error(ErrorKind::PermissionDenied, "permission denied by the database: " + what);
        if (st == "53100")
            throw Error(ErrorKind::Unavailable, "database unavailable: disk full on the server of " +
                                                    db.url.display + " (" + what + ")");
        if (st.rfind("08", 0) == 0 || st.rfind("57P", 0) == 0 || st == "53300")
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: " + db.url.display + " (" + what + ")");
    }
    if (auto* se = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
        int rc = se->result() & 0xff;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: " + db.url.display +
                            " is locked by another program for too long; try again");
        // A write refused for lack of space is SQLITE_FULL (ENOSPC) or, when a file-size limit
        // or quota stops it, SQLITE_IOERR with errno EFBIG/EDQUOT: name it either way.
        const int sys = db.pg() ? 0 : sqlite_api::sqlite3_system_errno(
            static_cast<soci::sqlite3_session_backend*>(db.sql.get_backend())->conn_);
        if (rc == SQLITE_FULL || (rc == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)))
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: disk full: no space left to write " +
                            db.url.display + " (" + what + "); nothing of this change was saved");
        // Other I/O errors: the errno is often gone by now (the transaction was rolled back), and
        // a write stopped by a file-size limit arrives here as a plain "disk I/O error".
        if (rc == SQLITE_IOERR)
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: disk I/O error on " + db.url.display +
                            " (is the disk full or failing?); nothing of this change was saved (" +
                            what + ")");
        if (rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_READONLY)
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: " + db.url.display + " (" + what + ")");
        if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: " + db.url.display + " is not a readable Vertebra "
                        "database (" + what + ")");
    }
    if (db.pg() && !db.sql.is_connected())
        throw Error(ErrorKind::Unavailable, "database unavailable: lost the connection to " +
                                                db.url.display + " (" + what + ")");
    if (e.get_error_category() == soci::soci_error::connection_error)
        throw Error(ErrorKind::Unavailable,
                    "database unavailable: " + db.url.display + " (" + what + ")");
    throw Error(ErrorKind::Internal, "database error: " + what);
}

// ---- Database --------------------------------------------------------------------------------

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::open(std::string_view url_text) {
    auto impl = std::make_unique<Impl>();
    impl->url = DatabaseUrl::parse(url_text);
    const auto& u = impl->url;
    try {
        if (u.backend == Backend::SQLite) {
            std::filesystem::path p(u.sqlite_path);
            if (p.has_parent_path()) {
                std::error_code ec;
                std::filesystem::create_directories(p.parent_path(), ec);
            }
            impl->sql.open(*soci::factory_sqlite3(), "db=\"" + u.sqlite_path + "\" timeout=10");
            impl->sql << "PRAGMA busy_timeout = 10000";
            impl->sql << "PRAGMA foreign_keys = ON";
            std::string mode;
            impl->sql << "PRAGMA journal_mode = WAL", soci::into(mode);
            impl->sql << "PRAGMA synchronous = NORMAL";
        } else {
            impl->sql.open(*soci::factory_postgresql(), soci_connect_string(u.conninfo));
            impl->sql << "SET TIME ZONE 'UTC'";
            auto* be = static_cast<soci::postgresql_session_backend*>(impl->sql.get_backend());
            PQsetNoticeProcessor(be->conn_, [](void*, const char*) {}, nullptr);
        }
    } catch (const soci::soci_error& e) {
        throw Error(ErrorKind::Unavailable,
                    "database unavailable: cannot open " + u.display + " (" + all_lines(e.what()) + ")");
    }
    Impl& ref = *impl;
    impl->scheduling = std::make_unique<SchedulingRepositoryImpl>(ref);
    return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Backend Database::backend() const { return impl_->url.backend; }
const DatabaseUrl& Database::url() const { return impl_->url; }
core::SchedulingRepository& Database::scheduling() { return *impl_->scheduling; }

int Database::binary_schema_version(Backend b) {
    int v = 0;
    const char* name = b == Backend::PostgreSQL ? "postgresql" : "sqlite";
    for (const auto& m : embedded_migrations())
        if (std::string(m.backend) == name) v = std::max(v, m.version);
    return v;
}

int Database::schema_version() {
    auto& db = *impl_;
    return guarded_read(db, [&] {
        int exists = 0;
        if (db.pg())
            db.sql << "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                      "current_schema() AND table_name = 'schema_version'",
                soci::into(exists);
        else
            db.sql << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                      "'schema_version'",
                soci::into(exists);
        if (!exists) return 0;
        std::set<int> applied;
        soci::rowset<int> rows = (db.sql.prepare << "SELECT version FROM schema_version");
        for (int v : rows) applied.insert(v);
        return effective_schema_version(applied, db.pg() ? "postgresql" : "sqlite");
    });
}

void Database::require_current_schema() {
    int have = schema_version(), want = binary_schema_version(backend());
    if (have == want) return;
    if (have > want)
        throw Error(ErrorKind::Invalid,
                    "db: " + impl_->url.display + " has schema version " + std::to_string(have) +
                        ", newer than this Vertebra (" + std::to_string(want) +
                        "); install the newer Vertebra", "db");
    throw Error(ErrorKind::Invalid,
                "db: " + impl_->url.display + " has schema version " + std::to_string(have) +
                    " but this Vertebra needs " + std::to_string(want) +
                    "; run 'vertebra-cli db init'", "db");
}

int Database::migrate() {
    auto& db = *impl_;
    const char* name = db.pg() ? "postgresql" : "sqlite";
    int want = binary_schema_version(backend());
    return in_write_transaction(db, [&] {
        if (db.pg()) db.sql << "SELECT pg_advisory_xact_lock(7240531)";
        db.sql << "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                  "name text NOT NULL, applied_at text NOT NULL)";
        std::set<int> done;
        soci::rowset<int> rows = (db.sql.prepare << "SELECT version FROM schema_version");
        for (int v : rows) done.insert(v);
        const int have = done.empty() ? 0 : *done.rbegin();
        if (have > want)
            throw Error(ErrorKind::Invalid,
                        "db: " + db.url.display + " has schema version " + std::to_string(have) +
                            ", newer than this Vertebra (" + std::to_string(want) +
                            "); refusing to touch it — install the newer Vertebra",
                        "db");
        int applied = 0;
        for (const auto& m : embedded_migrations()) {
            // Every version not applied yet, in order: a gap (a number another change took
            // and merged later, e.g. one backend's 0007 after its 0008) is filled, not skipped.
            if (std::string(m.backend) != name || done.count(m.version)) continue;
            db.exec_script(m.sql);
            std::string mname = m.name;
            std::string now = format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
                std::chrono::system_clock::now()));
            int ver = m.version;
            db.sql << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :t)",
                soci::use(ver), soci::use(mname), soci::use(now);
            ++applied;
        }
        return applied;
    });
}

}  // namespace vertebra::db
