// The principal of the login that opened the database, for vertebra-cli without --user.
#include "vertebra/db/database_operator.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "database_impl.hpp"

namespace vertebra::db {

namespace {

std::string os_user() {
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    for (const char* var : {"USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return "uid" + std::to_string(geteuid());
}

}  // namespace

core::Principal database_operator(Database& db, const std::string& workstation) {
    core::Principal p;
    p.workstation = workstation;
    auto& d = db.impl();
    if (!d.pg()) {
        p.name = "local:" + os_user();
        p.roles = {core::Role::FrontDesk, core::Role::Therapist, core::Role::Owner};
        p.database_operator = true;
        return p;
    }
    guarded_read(d, [&] {
        std::string name;
        int admin = 0, front_desk = 0, therapist = 0, owner = 0;
        const std::string g1 = core::group_role(core::Role::FrontDesk),
                          g2 = core::group_role(core::Role::Therapist),
                          g3 = core::group_role(core::Role::Owner);
        // Membership through the group roles; a superuser or the database's owner is the
        // administrator (row-level security does not narrow them).
        d.sql << "SELECT session_user::text, "
                 "COALESCE((SELECT (r.rolsuper OR r.oid = d.datdba)::int FROM pg_roles r, "
                 "pg_database d WHERE r.rolname = session_user AND d.datname = "
                 "current_database()), 0), "
                 "(SELECT COUNT(*) FROM pg_roles g WHERE g.rolname = :g1 AND "
                 "pg_has_role(session_user, g.oid, 'MEMBER'))::int, "
                 "(SELECT COUNT(*) FROM pg_roles g WHERE g.rolname = :g2 AND "
                 "pg_has_role(session_user, g.oid, 'MEMBER'))::int, "
                 "(SELECT COUNT(*) FROM pg_roles g WHERE g.rolname = :g3 AND "
                 "pg_has_role(session_user, g.oid, 'MEMBER'))::int",
            soci::use(g1), soci::use(g2), soci::use(g3), soci::into(name), soci::into(admin),
            soci::into(front_desk), soci::into(therapist), soci::into(owner);
        p.name = name;
        if (admin) {
            p.roles = {core::Role::FrontDesk, core::Role::Therapist, core::Role::Owner};
            p.database_operator = true;
            return 0;
        }
        if (front_desk) p.roles.insert(core::Role::FrontDesk);
        if (therapist) p.roles.insert(core::Role::Therapist);
        if (owner) p.roles.insert(core::Role::Owner);
        return 0;
    });
    return p;
}

}  // namespace vertebra::db
