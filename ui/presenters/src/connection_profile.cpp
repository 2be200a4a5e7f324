// Where the clinic's data lives: this computer's SQLite file or a PostgreSQL server profile.
#include "vertebra/ui/connection_profile.hpp"

#include <algorithm>
#include <cctype>

#include "vertebra/common/error.hpp"
#include "vertebra/db/database.hpp"

namespace vertebra::ui {

namespace {

// Characters a host, user or database name may hold in the URL without escaping.
bool plain(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == '_';
    });
}

}  // namespace

const char* to_sslmode(TlsMode m) {
    switch (m) {
    case TlsMode::Disable: return "disable";
    case TlsMode::Prefer: return "prefer";
    case TlsMode::Require: return "require";
    case TlsMode::VerifyFull: return "verify-full";
    }
    return "prefer";
}

std::string connection_url(const ConnectionProfile& p) {
    if (p.local) {
        if (p.sqlite_path.empty()) throw invalid("file", "choose the clinic's database file");
        return "sqlite:" + p.sqlite_path;
    }
    if (p.host.empty()) throw invalid("host", "type the server's name or address");
    if (!plain(p.host)) throw invalid("host", "'" + p.host + "' is not a server name or address");
    if (p.port < 1 || p.port > 65535) throw invalid("port", "must be between 1 and 65535");
    if (p.database.empty() || !plain(p.database))
        throw invalid("database", "type the database name (letters, digits, . - _)");
    if (p.user.empty() || !plain(p.user))
        throw invalid("user", "type your user name on the server (letters, digits, . - _)");
    return "postgresql://" + p.user + "@" + p.host + ":" + std::to_string(p.port) + "/" +
           p.database + "?sslmode=" + to_sslmode(p.tls);
}

ConnectionProfile profile_from_url(std::string_view url) {
    const db::DatabaseUrl u = db::DatabaseUrl::parse(url);
    ConnectionProfile p;
    if (u.backend == db::Backend::SQLite) {
        p.local = true;
        p.sqlite_path = u.sqlite_path;
        return p;
    }
    p.local = false;
    // Read the libpq key=value form the parser produced.
    auto value = [&](const std::string& key) -> std::string {
        const std::string k = key + "=";
        std::size_t pos = 0;
        while ((pos = u.conninfo.find(k, pos)) != std::string::npos) {
            if (pos == 0 || u.conninfo[pos - 1] == ' ') {
                std::size_t b = pos + k.size();
                std::size_t e = u.conninfo.find(' ', b);
                std::string v = u.conninfo.substr(b, e == std::string::npos ? e : e - b);
                if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
                return v;
            }
            ++pos;
        }
        return {};
    };
    if (auto h = value("host"); !h.empty()) p.host = h;
    if (auto port = value("port"); !port.empty()) p.port = std::stoi(port);
    if (auto d = value("dbname"); !d.empty()) p.database = d;
    p.user = value("user");
    const std::string ssl = value("sslmode");
    if (ssl == "disable") p.tls = TlsMode::Disable;
    else if (ssl == "require") p.tls = TlsMode::Require;
    else if (ssl == "verify-full") p.tls = TlsMode::VerifyFull;
    return p;
}

}  // namespace vertebra::ui
