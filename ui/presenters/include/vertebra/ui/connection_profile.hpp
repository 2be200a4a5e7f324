// Where the clinic's data lives: this computer's SQLite file or a PostgreSQL server profile.
#pragma once

#include <string>
#include <string_view>

namespace vertebra::ui {

enum class TlsMode { Disable, Prefer, Require, VerifyFull };
/// libpq's sslmode name ("disable", "prefer", "require", "verify-full").
const char* to_sslmode(TlsMode m);

struct ConnectionProfile {
    bool local = true;          ///< SQLite file on this computer, else a PostgreSQL server
    std::string sqlite_path;    ///< local only
    std::string host = "localhost";
    int port = 5432;
    std::string database = "vertebra";
    std::string user;
    TlsMode tls = TlsMode::Prefer;
};

/// The --db URL for a profile ("sqlite:PATH" or "postgresql://user@host:port/db?sslmode=...").
/// Throws Error(Invalid) naming the field ("file", "host", "port", "database", "user"). The
/// password is never stored here: libpq takes it from ~/.pgpass or PGPASSWORD.
std::string connection_url(const ConnectionProfile& p);
/// The profile a URL describes (for showing the current connection). Throws Error(Invalid).
ConnectionProfile profile_from_url(std::string_view url);

}  // namespace vertebra::ui
