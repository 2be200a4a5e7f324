// Who is acting when nobody signed in as a clinic user: the login that opened the database.
#pragma once

#include <string>

#include "vertebra/auth/auth.hpp"
#include "vertebra/db/database.hpp"

namespace vertebra::db {

/// The principal of whoever opened `db` without signing in as a clinic user (vertebra-cli
/// without --user), so that their clinical reads and changes are checked and audited:
///  - SQLite: "local:<os user>" with every role and database_operator set (whoever can open
///    the file can read all of it; the audit log names them).
///  - PostgreSQL: the login role itself (session_user, which the database records in the audit
///    log anyway). A superuser or the database's owner has every role and database_operator
///    set (row-level security does not narrow them either); any other login has the roles of
///    its memberships in vertebra_front_desk / vertebra_therapist / vertebra_owner and, as a
///    clinic user, its care team.
core::Principal database_operator(Database& db, const std::string& workstation);

}  // namespace vertebra::db
