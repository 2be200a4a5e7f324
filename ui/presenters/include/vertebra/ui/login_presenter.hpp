// Signing in to the desktop app, automatic log-off after inactivity, and the owner's user list.
// wx-free: the views only show what these say.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/auth/auth.hpp"
#include "vertebra/ui/record_services.hpp"

namespace vertebra::ui {

enum class SignIn {
    Automatic,    ///< the demo clinic: signed in as kDemoUser without a prompt
    Password,     ///< a real clinic with users: name and password
    CreateOwner,  ///< a real clinic without users yet: the first (owner) account
};

/// How this session signs in.
SignIn sign_in_kind(RecordServices& r, bool demo);

/// The result of one attempt: the user, or a plain sentence saying why not.
struct SignInResult {
    std::optional<core::Principal> who;
    std::string message;
};

/// Signs in the demo user (demo clinic only; its password is public).
SignInResult sign_in_demo(RecordServices& r, const std::string& workstation);
/// Name and password through AuthService::login (argon2id, lockout after the threshold).
SignInResult sign_in(RecordServices& r, const std::string& name, const std::string& password,
                     const std::string& workstation);
/// The first account of an empty clinic: owner (and therapist when `therapist`).
SignInResult create_owner(RecordServices& r, const std::string& name, const std::string& password,
                          const std::string& repeat, bool therapist,
                          const std::string& workstation);
/// Unlocking after automatic log-off: only the same user may continue (their password again).
SignInResult unlock_session(RecordServices& r, const core::Principal& who,
                            const std::string& password, const std::string& workstation);

/// Inactivity: the app tells it about every input event; expired() after `timeout` without.
class IdleClock {
public:
    using Clock = std::chrono::steady_clock;
    explicit IdleClock(std::chrono::milliseconds timeout) : timeout_(timeout) {}
    void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
    std::chrono::milliseconds timeout() const { return timeout_; }
    void activity(Clock::time_point now) { last_ = now; }
    bool expired(Clock::time_point now) const {
        return timeout_.count() > 0 && now - last_ >= timeout_;
    }
    std::chrono::milliseconds idle(Clock::time_point now) const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now - last_);
    }

private:
    std::chrono::milliseconds timeout_;
    Clock::time_point last_ = Clock::now();
};

/// The idle time-out of the clinic's security settings.
std::chrono::milliseconds idle_timeout(RecordServices& r);

/// The owner's user screen.
struct UserRow {
    std::string name;
    std::string roles;  ///< "Owner, Therapist"
    std::string state;  ///< "active", "locked", "inactive"
    bool locked = false;
};

class UsersPresenter {
public:
    UsersPresenter(RecordServices& r, const core::Principal& who) : r_(r), who_(who) {}
    /// Needs user.manage (PermissionDenied otherwise, as a sentence from core).
    std::vector<UserRow> rows();
    /// Adds a user with one role ("front_desk", "therapist", "owner"); returns "" or a sentence.
    std::string add(const std::string& name, const std::string& role, const std::string& password,
                    const std::string& repeat);
    std::string unlock(const std::string& name);

private:
    RecordServices& r_;
    core::Principal who_;
};

}  // namespace vertebra::ui
