// The permission matrix, argon2id password hashing, sign-in with lockout, user administration and
// break-glass emergency access.
#include "vertebra/auth/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <map>

namespace vertebra::core {

namespace {

using P = Permission;

/// The matrix of docs/security.md. Therapist note permissions are further narrowed to the care
/// team (and own notes for writing and signing) by NoteService and, on PostgreSQL, by RLS.
const std::map<Role, std::set<Permission>>& role_permissions() {
    static const std::map<Role, std::set<Permission>> m{
        {Role::FrontDesk,
         {P::PatientRead, P::PatientWrite, P::ScheduleRead, P::ScheduleWrite, P::PaymentWrite,
          P::NoteStatus}},
        {Role::Therapist,
         {P::PatientRead, P::ScheduleRead, P::ScheduleWrite, P::NoteStatus, P::NoteRead,
          P::NoteWrite, P::NoteSign, P::NoteAddend, P::AssessmentRead, P::AssessmentWrite}},
        {Role::Owner,
         {P::PatientRead, P::ScheduleRead, P::NoteStatus, P::ModuleManage, P::UserManage,
          P::FeeManage, P::ReportRead, P::AuditRead, P::SettingsManage}},
    };
    return m;
}

std::string roles_text(const std::set<Role>& roles) {
    std::string s;
    for (Role r : roles) s += (s.empty() ? "" : ",") + std::string(to_string(r));
    return s.empty() ? "no role" : s;
}

void ensure_sodium() {
    static const int rc = sodium_init();
    if (rc < 0) throw Error(ErrorKind::Internal, "libsodium could not be initialised");
}

AuditEvent security_event(const std::string& user, const std::string& workstation,
                          std::string action, std::string object, std::string detail = {}) {
    AuditEvent e;
    e.user = user;
    e.workstation = workstation;
    e.action = std::move(action);
    e.object = std::move(object);
    e.detail = std::move(detail);
    return e;
}

}  // namespace

const char* to_string(Role r) {
    switch (r) {
        case Role::FrontDesk: return "front_desk";
        case Role::Therapist: return "therapist";
        case Role::Owner: return "owner";
    }
    return "?";
}

Role role_from_string(const std::string& s) {
    if (s == "front_desk") return Role::FrontDesk;
    if (s == "therapist") return Role::Therapist;
    if (s == "owner") return Role::Owner;
    throw invalid("role", "'" + s + "' is not a role (front_desk, therapist or owner)");
}

std::string group_role(Role r) { return std::string("vertebra_") + to_string(r); }

const char* to_string(Permission p) {
    switch (p) {
        case P::PatientRead: return "patient.read";
        case P::PatientWrite: return "patient.write";
        case P::ScheduleRead: return "schedule.read";
        case P::ScheduleWrite: return "schedule.write";
        case P::PaymentWrite: return "payment.write";
        case P::NoteStatus: return "note.status";
        case P::NoteRead: return "note.read";
        case P::NoteWrite: return "note.write";
        case P::NoteSign: return "note.sign";
        case P::NoteAddend: return "note.addend";
        case P::AssessmentRead: return "assessment.read";
        case P::AssessmentWrite: return "assessment.write";
        case P::ModuleManage: return "module.manage";
        case P::UserManage: return "user.manage";
        case P::FeeManage: return "fee.manage";
        case P::ReportRead: return "report.read";
        case P::AuditRead: return "audit.read";
        case P::SettingsManage: return "settings.manage";
    }
    return "?";
}

const std::vector<Permission>& all_permissions() {
    static const std::vector<Permission> all{
        P::PatientRead,    P::PatientWrite,    P::ScheduleRead, P::ScheduleWrite, P::PaymentWrite,
        P::NoteStatus,     P::NoteRead,        P::NoteWrite,    P::NoteSign,      P::NoteAddend,
        P::AssessmentRead, P::AssessmentWrite, P::ModuleManage, P::UserManage,    P::FeeManage,
        P::ReportRead,     P::AuditRead,       P::SettingsManage};
    return all;
}

const std::set<Permission>& permissions_of(Role r) { return role_permissions().at(r); }

void check_user_name(const std::string& name) {
    if (name.empty() || name.size() > 63)
        throw invalid("name", "must be 1 to 63 characters");
    if (!(name[0] >= 'a' && name[0] <= 'z'))
        throw invalid("name", "'" + name + "' must start with a lower-case letter");
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            throw invalid("name", "'" + name +
                                      "' may contain only lower-case letters, digits and _");
    if (name.rfind("pg_", 0) == 0 || name.rfind("vertebra_", 0) == 0 || name == "public" ||
        name == "postgres")
        throw invalid("name", "'" + name + "' is reserved");
}

bool Principal::has(Permission p) const {
    return std::any_of(roles.begin(), roles.end(),
                       [&](Role r) { return permissions_of(r).count(p) > 0; });
}

void require(const Principal& who, Permission p) {
    if (who.has(p)) return;
    throw Error(ErrorKind::PermissionDenied, "permission denied: " + who.name + " (" +
                                                 roles_text(who.roles) + ") lacks " +
                                                 to_string(p));
}

std::string hash_password(const std::string& password) {
    ensure_sodium();
    if (password.empty()) throw invalid("password", "is empty");
    if (password.size() > 1024) throw invalid("password", "is longer than 1024 characters");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(ErrorKind::Internal, "password hashing ran out of memory");
    return out;
}

bool verify_password(const std::string& hash, const std::string& password) {
    ensure_sodium();
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// ---- AuthService ------------------------------------------------------------------------------

Principal AuthService::login(const std::string& name, const std::string& password,
                             const std::string& workstation, Instant now) {
    auto user = users_.find(name);
    if (!user) {
        audit_.append(security_event(name, workstation, "login.failed", "user:" + name,
                                     "unknown user"));
        throw Error(ErrorKind::PermissionDenied, "login failed: wrong user name or password");
    }
    if (user->locked) {
        audit_.append(security_event(name, workstation, "login.refused", "user:" + name,
                                     "account locked"));
        throw Error(ErrorKind::PermissionDenied,
                    "login refused: account " + name + " is locked after repeated failed "
                    "logins; an owner must unlock it (vertebra-cli user unlock " + name + ")");
    }
    if (!user->active) {
        audit_.append(security_event(name, workstation, "login.refused", "user:" + name,
                                     "account inactive"));
        throw Error(ErrorKind::PermissionDenied, "login refused: account " + name + " is inactive");
    }
    if (!verify_password(users_.password_hash(name), password)) {
        const int threshold = users_.settings().lockout_threshold;
        bool locked = users_.record_failure(
            name, threshold,
            security_event(name, workstation, "login.failed", "user:" + name, "wrong password"));
        if (locked)
            throw Error(ErrorKind::PermissionDenied,
                        "login failed: account " + name + " is now locked after " +
                            std::to_string(threshold) + " failed logins");
        throw Error(ErrorKind::PermissionDenied, "login failed: wrong user name or password");
    }
    users_.record_success(name, security_event(name, workstation, "login", "user:" + name));
    Principal p;
    p.name = name;
    p.roles = user->roles;
    p.practitioner_id = user->practitioner_id;
    p.workstation = workstation;
    if (auto bg = users_.active_break_glass(name, now)) {
        p.break_glass_reason = bg->reason;
        p.break_glass_until = bg->until;
        p.break_glass_patient = bg->patient_id;
    }
    return p;
}

Principal AuthService::bootstrap_owner(const User& u, const std::string& password,
                                       const std::string& workstation) {
    if (users_.any_users())
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: users exist; sign in as an owner (--user) to add users "
                    "(lacks user.manage)");
    if (!u.roles.count(Role::Owner))
        throw invalid("role", "the first user must be an owner (--role owner)");
    check_user_name(u.name);
    users_.add(u, hash_password(password), password,
               security_event(u.name, workstation, "user.add", "user:" + u.name,
                              "first owner; roles " + roles_text(u.roles)));
    Principal p;
    p.name = u.name;
    p.roles = u.roles;
    p.practitioner_id = u.practitioner_id;
    p.workstation = workstation;
    return p;
}

void AuthService::add_user(const Principal& actor, const User& u, const std::string& password) {
    require(actor, P::UserManage);
    check_user_name(u.name);
    if (u.roles.empty()) throw invalid("role", "at least one role is needed");
    if (users_.find(u.name)) throw Error(ErrorKind::Conflict, "user " + u.name + " already exists",
                                         "name");
    users_.add(u, hash_password(password), password,
               security_event(actor.name, actor.workstation, "user.add", "user:" + u.name,
                              "roles " + roles_text(u.roles) +
                                  (u.break_glass_allowed ? "; break-glass allowed" : "")));
}

void AuthService::unlock(const Principal& actor, const std::string& name) {
    require(actor, P::UserManage);
    if (!users_.find(name)) throw not_found("user " + name);
    users_.unlock(name, security_event(actor.name, actor.workstation, "user.unlock",
                                       "user:" + name));
}

void AuthService::set_roles(const Principal& actor, const std::string& name,
                            const std::set<Role>& roles) {
    require(actor, P::UserManage);
    if (roles.empty()) throw invalid("role", "at least one role is needed");
    auto user = users_.find(name);
    if (!user) throw not_found("user " + name);
    if (name == actor.name && !roles.count(Role::Owner))
        throw Error(ErrorKind::Conflict,
                    "an owner cannot remove their own owner role; another owner must", "role");
    users_.set_roles(name, roles,
                     security_event(actor.name, actor.workstation, "user.roles", "user:" + name,
                                    roles_text(user->roles) + " -> " + roles_text(roles)));
}

std::vector<User> AuthService::list(const Principal& actor) {
    require(actor, P::UserManage);
    return users_.list();
}

void AuthService::save_settings(const Principal& actor, const SecuritySettings& s) {
    require(actor, P::SettingsManage);
    if (s.lockout_threshold < 1 || s.lockout_threshold > 100)
        throw invalid("lockout_threshold", "must be between 1 and 100 failed logins");
    if (s.idle_logoff_minutes < 1 || s.idle_logoff_minutes > 480)
        throw invalid("idle_logoff_minutes", "must be between 1 and 480 minutes");
    if (s.break_glass_minutes < 5 || s.break_glass_minutes > 1440)
        throw invalid("break_glass_minutes", "must be between 5 and 1440 minutes");
    users_.save_settings(
        s, security_event(actor.name, actor.workstation, "settings.change", "security_settings",
                          "lockout_threshold=" + std::to_string(s.lockout_threshold) +
                              " idle_logoff_minutes=" + std::to_string(s.idle_logoff_minutes) +
                              " break_glass_minutes=" + std::to_string(s.break_glass_minutes)));
}

void AuthService::break_glass(Principal& who, const std::string& reason,
                              std::optional<Id> patient_id, Instant now) {
    auto trimmed = reason;
    trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
    if (trimmed.find_first_not_of(" \t\r\n") == std::string::npos)
        throw invalid("reason", "break-glass access needs a reason");
    auto user = users_.find(who.name);
    if (!user || !user->break_glass_allowed)
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: " + who.name + " is not allowed break-glass access "
                    "(lacks break_glass)");
    const Instant until = now + std::chrono::minutes(users_.settings().break_glass_minutes);
    AuditEvent e = security_event(who.name, who.workstation, "break_glass",
                                  "user:" + who.name, reason);
    e.patient_id = patient_id;
    users_.start_break_glass(who.name, reason, patient_id, until, e);
    who.break_glass_reason = reason;
    who.break_glass_until = until;
    who.break_glass_patient = patient_id;
}

}  // namespace vertebra::core
