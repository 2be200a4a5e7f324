// `--user NAME` sign-in and `vertebra-cli user add|list|unlock|settings|break-glass`.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "cli.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/db/database_operator.hpp"

namespace vertebra::ui::cli {

namespace {

struct SignIn {
    std::string password;  ///< of the acting user; in memory only
    std::unique_ptr<core::UserRepository> users;
    std::unique_ptr<core::AuditRepository> audit;
    std::optional<core::Principal> principal;
};

SignIn& sign_in() {
    static SignIn s;
    return s;
}

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// One line of stdin without its line end; empty at end of input.
std::string read_line() {
    std::string line;
    if (!std::getline(std::cin, line)) return {};
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string percent_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// On PostgreSQL the clinic user is the login role: connect as NAME with its password (from
/// stdin or VERTEBRA_PASSWORD, never from a file; libpq's passfile/service apply when empty).
std::string url_as_user(const std::string& url, const std::string& user,
                        const std::string& password) {
    std::string scheme;
    for (const char* s : {"postgresql://", "postgres://"})
        if (url.rfind(s, 0) == 0) scheme = s;
    if (scheme.empty()) return url;
    std::string rest = url.substr(scheme.size());
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q);
        rest = rest.substr(0, q);
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
    return scheme + percent_encode(user) + (password.empty() ? "" : ":" + percent_encode(password)) +
           "@" + rest + query;
}

void apply_user_option(Context& ctx, const std::string& name) {
    // Only a name a clinic user can have goes to the server as a login role (a 10 kB name
    // would make PostgreSQL drop the connection, which reads as "server down").
    try {
        core::check_user_name(name);
    } catch (const Error&) {
        const std::string shown = name.size() > 40 ? name.substr(0, 40) + "..." : name;
        throw invalid("user", "'" + shown + "' is not a clinic user name (1 to 63 lower-case "
                                            "letters, digits and _, not reserved)");
    }
    ctx.user = name;
    auto& s = sign_in();
    if (const char* p = std::getenv("VERTEBRA_PASSWORD"); p && *p)
        s.password = p;
    else
        s.password = read_line();
    if (ctx.db_url.empty()) ctx.db_url = db::default_database_url();
    ctx.db_url = url_as_user(ctx.db_url, name, s.password);
}

/// The database, opened as --user when given (Context::database names a refused login).
db::Database& open_database(Context& ctx) { return ctx.database(); }

void ensure_repositories(Context& ctx) {
    auto& s = sign_in();
    if (!s.users) {
        auto& db = open_database(ctx);
        s.users = db.users();
        s.audit = db.audit();
    }
}

core::AuthService auth(Context& ctx) {
    ensure_repositories(ctx);
    return core::AuthService(*sign_in().users, *sign_in().audit);
}

nlohmann::json user_json(const core::User& u) {
    nlohmann::json roles = nlohmann::json::array();
    for (auto r : u.roles) roles.push_back(core::to_string(r));
    return {{"name", u.name},
            {"roles", roles},
            {"practitioner_id", u.practitioner_id ? nlohmann::json(*u.practitioner_id) : nullptr},
            {"break_glass_allowed", u.break_glass_allowed},
            {"failed_attempts", u.failed_attempts},
            {"locked", u.locked},
            {"active", u.active}};
}

}  // namespace

std::string workstation_name() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || !*host) return "unknown";
    return host;
}

core::Principal& principal(Context& ctx) {
    auto& s = sign_in();
    if (s.principal) return *s.principal;
    if (ctx.user.empty())
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: sign in with --user NAME (password on stdin or in "
                    "VERTEBRA_PASSWORD)");
    s.principal = auth(ctx).login(ctx.user, s.password, workstation_name(), now());
    return *s.principal;
}

core::Principal& actor(Context& ctx) {
    if (!ctx.user.empty()) return principal(ctx);
    static std::optional<core::Principal> who;
    if (!who) who = db::database_operator(open_database(ctx), workstation_name());
    return *who;
}

void register_user_commands(CLI::App& app, Context& ctx) {
    app.add_option_function<std::string>(
           "--user", [&ctx](const std::string& name) { apply_user_option(ctx, name); },
           "Act as this clinic user; password from $VERTEBRA_PASSWORD or the first line of stdin")
        ->type_name("NAME");

    auto* user = app.add_subcommand("user", "Clinic users, roles, lockout and break-glass");
    user->require_subcommand(1);

    struct AddArgs {
        std::string name;
        std::vector<std::string> roles;
        std::optional<long long> practitioner;
        bool break_glass = false;
    };
    auto add_args = std::make_shared<AddArgs>();
    auto* add = user->add_subcommand("add", "Add a user (new password from stdin); on PostgreSQL "
                                            "also its login role in the group roles");
    add->add_option("--name", add_args->name, "User name (also the PostgreSQL login role)")
        ->required();
    add->add_option("--role", add_args->roles, "front_desk, therapist or owner (repeatable)")
        ->required()
        ->delimiter(',');
    add->add_option("--practitioner", add_args->practitioner,
                    "Practitioner id this user works as (therapists)");
    add->add_flag("--break-glass", add_args->break_glass, "Allow emergency access");
    add->callback([&ctx, add_args] {
        core::User u;
        u.name = add_args->name;
        for (const auto& r : add_args->roles) u.roles.insert(core::role_from_string(r));
        if (add_args->practitioner) u.practitioner_id = *add_args->practitioner;
        u.break_glass_allowed = add_args->break_glass;
        const std::string password = read_line();
        if (password.empty()) throw invalid("password", "give the new user's password on stdin");
        auto svc = auth(ctx);
        if (ctx.user.empty() && !sign_in().users->any_users())
            svc.bootstrap_owner(u, password, workstation_name());
        else
            svc.add_user(principal(ctx), u, password);
        if (ctx.json)
            ctx.print_json(user_json(*sign_in().users->find(u.name)));
        else
            std::cout << "user " << u.name << " added\n";
    });

    user->add_subcommand("list", "List users (owner)")->callback([&ctx] {
        auto users = auth(ctx).list(principal(ctx));
        if (ctx.json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& u : users) arr.push_back(user_json(u));
            ctx.print_json(arr);
            return;
        }
        for (const auto& u : users) {
            std::string roles;
            for (auto r : u.roles) roles += (roles.empty() ? "" : ",") + std::string(core::to_string(r));
            std::cout << u.name << "  " << roles << (u.locked ? "  LOCKED" : "") << "\n";
        }
    });

    auto unlock_name = std::make_shared<std::string>();
    auto* unlock = user->add_subcommand("unlock", "Unlock an account locked by failed logins");
    unlock->add_option("NAME", *unlock_name)->required();
    unlock->callback([&ctx, unlock_name] {
        auth(ctx).unlock(principal(ctx), *unlock_name);
        std::cout << "user " << *unlock_name << " unlocked\n";
    });

    struct RolesArgs {
        std::string name;
        std::vector<std::string> roles;
    };
    auto rargs = std::make_shared<RolesArgs>();
    auto* roles = user->add_subcommand("roles", "Replace a user's roles (owner; audited)");
    roles->add_option("NAME", rargs->name)->required();
    roles->add_option("--role", rargs->roles, "front_desk, therapist or owner (repeatable)")
        ->required()
        ->delimiter(',');
    roles->callback([&ctx, rargs] {
        std::set<core::Role> set;
        for (const auto& r : rargs->roles) set.insert(core::role_from_string(r));
        auth(ctx).set_roles(principal(ctx), rargs->name, set);
        std::cout << "user " << rargs->name << " roles changed\n";
    });

    struct SettingsArgs {
        std::optional<int> lockout, idle, break_glass;
    };
    auto sargs = std::make_shared<SettingsArgs>();
    auto* settings = user->add_subcommand("settings", "Show or change the security settings");
    settings->add_option("--lockout-threshold", sargs->lockout, "Failed logins before lockout");
    settings->add_option("--idle-logoff-minutes", sargs->idle,
                         "Desktop app logs off after this much inactivity");
    settings->add_option("--break-glass-minutes", sargs->break_glass,
                         "How long emergency access lasts");
    settings->callback([&ctx, sargs] {
        auto& who = principal(ctx);
        auto svc = auth(ctx);
        auto s = svc.settings();
        if (sargs->lockout || sargs->idle || sargs->break_glass) {
            if (sargs->lockout) s.lockout_threshold = *sargs->lockout;
            if (sargs->idle) s.idle_logoff_minutes = *sargs->idle;
            if (sargs->break_glass) s.break_glass_minutes = *sargs->break_glass;
            svc.save_settings(who, s);
        }
        nlohmann::json j{{"lockout_threshold", s.lockout_threshold},
                         {"idle_logoff_minutes", s.idle_logoff_minutes},
                         {"break_glass_minutes", s.break_glass_minutes}};
        if (ctx.json)
            ctx.print_json(j);
        else
            for (auto it = j.begin(); it != j.end(); ++it)
                std::cout << it.key() << " = " << it.value() << "\n";
    });

    struct BreakGlassArgs {
        std::string reason;
        std::optional<long long> patient;
    };
    auto bargs = std::make_shared<BreakGlassArgs>();
    auto* bg = user->add_subcommand("break-glass", "Start emergency access (reason required)");
    bg->add_option("--reason", bargs->reason, "Why emergency access is needed")->required();
    bg->add_option("--patient", bargs->patient, "Limit to one patient");
    bg->callback([&ctx, bargs] {
        auto& who = principal(ctx);
        std::optional<core::Id> patient;
        if (bargs->patient) patient = *bargs->patient;
        auth(ctx).break_glass(who, bargs->reason, patient, now());
        std::cout << "break-glass access for " << who.name
                  << (patient ? " to patient #" + std::to_string(*patient) : std::string())
                  << " until " << format_utc(*who.break_glass_until) << "\n";
    });
}

}  // namespace vertebra::ui::cli
