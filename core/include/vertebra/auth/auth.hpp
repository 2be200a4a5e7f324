// Users, roles and permissions: who may do what, argon2id passwords, lockout and break-glass.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vertebra/audit/audit.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core {

/// A clinic role. On PostgreSQL each is a group role: vertebra_front_desk, vertebra_therapist,
/// vertebra_owner.
enum class Role { FrontDesk, Therapist, Owner };
const char* to_string(Role r);
/// "front_desk", "therapist", "owner"; throws Invalid (field "role") otherwise.
Role role_from_string(const std::string& s);
/// The PostgreSQL group role of `r`, e.g. "vertebra_front_desk".
std::string group_role(Role r);

/// One permission; the matrix in docs/security.md is permissions_of() below.
enum class Permission {
    PatientRead,      ///< demographics
    PatientWrite,
    ScheduleRead,
    ScheduleWrite,
    PaymentWrite,
    NoteStatus,       ///< whether a visit has a (signed) note, never its text
    NoteRead,         ///< clinical notes of patients on the user's care team
    NoteWrite,        ///< create and edit own drafts
    NoteSign,         ///< sign own notes
    NoteAddend,       ///< add addenda to signed notes of the care team
    AssessmentRead,
    AssessmentWrite,
    ModuleManage,
    UserManage,
    FeeManage,
    ReportRead,
    AuditRead,
    SettingsManage,
};
/// "note.read", "user.manage", ...
const char* to_string(Permission p);
/// Every permission, in matrix order.
const std::vector<Permission>& all_permissions();
/// The role's permissions (data, not branches): see kRolePermissions in auth.cpp.
const std::set<Permission>& permissions_of(Role r);

/// Names are PostgreSQL login-role names too: 1-63 of [a-z0-9_], starting with a letter, and
/// not starting with "pg_" or "vertebra_". Throws Invalid (field "name").
void check_user_name(const std::string& name);

struct User {
    std::string name;
    std::set<Role> roles;
    std::optional<Id> practitioner_id;  ///< the practitioner this user works as (therapists)
    bool break_glass_allowed = false;   ///< may invoke emergency access
    int failed_attempts = 0;
    bool locked = false;
    bool active = true;
};

/// The signed-in user as services see it. Built only by AuthService::login (or bootstrap).
struct Principal {
    std::string name;
    std::set<Role> roles;
    std::optional<Id> practitioner_id;
    std::string workstation;
    /// Set while emergency access is active: the reason given, when it ends, and the patient it
    /// was granted for (none: every patient).
    std::optional<std::string> break_glass_reason;
    std::optional<Instant> break_glass_until;
    std::optional<Id> break_glass_patient;
    /// Not a clinic user: the login that opened the database itself (vertebra-cli without
    /// --user, db::database_operator()). Its roles come from that login; no care team narrows
    /// it (the file's owner, or a superuser or owner of the database, reads every row anyway).
    /// Never set by AuthService::login.
    bool database_operator = false;

    bool has(Permission p) const;
    bool in_break_glass(Instant now) const {
        return break_glass_until && now < *break_glass_until;
    }
    /// Emergency access running at `now` that reaches `patient` (a grant for one patient
    /// reaches only that patient, as vertebra_may_read_patient() does on PostgreSQL).
    bool break_glass_covers(Instant now, Id patient) const {
        return in_break_glass(now) && (!break_glass_patient || *break_glass_patient == patient);
    }
};

/// Throws Error(PermissionDenied) "permission denied: NAME (front_desk) lacks note.read".
void require(const Principal& who, Permission p);

/// argon2id through libsodium's crypto_pwhash_str (interactive limits); the string embeds salt
/// and parameters. Throws Invalid (field "password") for an empty or over-long password.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);

/// Clinic-wide security settings (owner-managed, stored in the database).
struct SecuritySettings {
    int lockout_threshold = 5;        ///< failed logins in a row before the account locks
    int idle_logoff_minutes = 15;     ///< desktop app logs off after this much inactivity
    int break_glass_minutes = 60;     ///< how long emergency access lasts
};

/// One emergency-access grant: why, until when, and for which patient (none: every patient).
struct BreakGlassGrant {
    std::string reason;
    Instant until;
    std::optional<Id> patient_id;
};

/// Storage of users, settings and break-glass grants. Every mutating call appends its audit
/// event in the same transaction. On PostgreSQL the implementation also creates the login role
/// and grants the group roles; lockout makes the role NOLOGIN until an owner unlocks it.
class UserRepository {
public:
    virtual ~UserRepository() = default;
    virtual bool any_users() = 0;
    virtual std::optional<User> find(const std::string& name) = 0;
    virtual std::vector<User> list() = 0;
    /// The stored argon2id hash of `name` (empty if none).
    virtual std::string password_hash(const std::string& name) = 0;
    /// Creates the user; `password` is also given so that PostgreSQL can derive its own login
    /// verifier (SCRAM, computed client-side; the plain text never reaches the server).
    /// Throws Conflict when the name exists.
    virtual void add(const User& u, const std::string& argon2_hash, const std::string& password,
                     const AuditEvent& event) = 0;
    /// Counts one failed login; returns true when the account is now locked.
    virtual bool record_failure(const std::string& name, int threshold,
                                const AuditEvent& event) = 0;
    virtual void record_success(const std::string& name, const AuditEvent& event) = 0;
    virtual void unlock(const std::string& name, const AuditEvent& event) = 0;
    /// Replaces the user's roles (on PostgreSQL: grants and revokes the group roles).
    virtual void set_roles(const std::string& name, const std::set<Role>& roles,
                           const AuditEvent& event) = 0;
    virtual SecuritySettings settings() = 0;
    virtual void save_settings(const SecuritySettings& s, const AuditEvent& event) = 0;
    /// Starts emergency access for `user` until `until`; returns the grant id.
    virtual Id start_break_glass(const std::string& user, const std::string& reason,
                                 std::optional<Id> patient_id, Instant until,
                                 const AuditEvent& event) = 0;
    /// The break-glass grant of `user` still running at `now` that ends last.
    virtual std::optional<BreakGlassGrant> active_break_glass(const std::string& user,
                                                              Instant now) = 0;
};

/// Sign-in, user administration and emergency access, enforcing the matrix and auditing.
class AuthService {
public:
    AuthService(UserRepository& users, AuditRepository& audit) : users_(users), audit_(audit) {}

    /// Checks the password. Wrong password: counts the failure (locking at the threshold) and
    /// throws PermissionDenied "login failed"; locked or inactive account: PermissionDenied
    /// naming it. Audits login, failed login and lockout.
    Principal login(const std::string& name, const std::string& password,
                    const std::string& workstation, Instant now);
    /// The first account of an empty database; must include the owner role. Throws
    /// PermissionDenied once any user exists.
    Principal bootstrap_owner(const User& u, const std::string& password,
                              const std::string& workstation);
    /// Needs user.manage. Throws Invalid for a bad name, password or role; Conflict if taken.
    void add_user(const Principal& actor, const User& u, const std::string& password);
    /// Needs user.manage.
    void unlock(const Principal& actor, const std::string& name);
    /// Needs user.manage; audited as a role change. Refuses to leave the clinic without an
    /// owner when an owner removes their own owner role (Conflict, field "role").
    void set_roles(const Principal& actor, const std::string& name, const std::set<Role>& roles);
    std::vector<User> list(const Principal& actor);
    /// Anyone signed in may read the settings (the desktop app needs the idle time-out).
    SecuritySettings settings() { return users_.settings(); }
    /// Needs settings.manage; audited. Throws Invalid naming a field out of range.
    void save_settings(const Principal& actor, const SecuritySettings& s);
    /// Emergency access: the user must be allowed it; the reason is mandatory (Invalid, field
    /// "reason"). Updates `who` and audits the grant.
    void break_glass(Principal& who, const std::string& reason, std::optional<Id> patient_id,
                     Instant now);

private:
    UserRepository& users_;
    AuditRepository& audit_;
};

}  // namespace vertebra::core
