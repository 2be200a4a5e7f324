// Signing in, automatic log-off and the owner's user list, over core's AuthService.
#include "vertebra/ui/login_presenter.hpp"

#include <chrono>

#include "vertebra/common/error.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

namespace {

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

SignInResult failed() {
    SignInResult r;
    r.message = error_sentence(std::current_exception());
    return r;
}

}  // namespace

SignIn sign_in_kind(RecordServices& r, bool demo) {
    if (demo) return SignIn::Automatic;
    return r.users->any_users() ? SignIn::Password : SignIn::CreateOwner;
}

SignInResult sign_in_demo(RecordServices& r, const std::string& workstation) {
    return sign_in(r, kDemoUser, kDemoPassword, workstation);
}

SignInResult sign_in(RecordServices& r, const std::string& name, const std::string& password,
                     const std::string& workstation) {
    if (name.empty()) return {std::nullopt, "Type your user name."};
    if (password.empty()) return {std::nullopt, "Type your password."};
    try {
        return {r.auth->login(name, password, workstation, now()), ""};
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::PermissionDenied) {
            const auto u = r.users->find(name);
            if (u && u->locked)
                return {std::nullopt,
                        "The account " + name +
                            " is locked after too many wrong passwords. Ask the clinic owner to "
                            "unlock it."};
            if (u && !u->active) return {std::nullopt, "The account " + name + " is not active."};
            return {std::nullopt, "Wrong user name or password."};
        }
        return failed();
    } catch (...) {
        return failed();
    }
}

SignInResult create_owner(RecordServices& r, const std::string& name, const std::string& password,
                          const std::string& repeat, bool therapist,
                          const std::string& workstation) {
    if (password != repeat) return {std::nullopt, "The two passwords differ."};
    try {
        core::User u;
        u.name = name;
        u.roles = {core::Role::Owner};
        if (therapist) u.roles.insert(core::Role::Therapist);
        return {r.auth->bootstrap_owner(u, password, workstation), ""};
    } catch (...) {
        return failed();
    }
}

SignInResult unlock_session(RecordServices& r, const core::Principal& who,
                            const std::string& password, const std::string& workstation) {
    auto res = sign_in(r, who.name, password, workstation);
    if (!res.who && res.message == "Wrong user name or password.") res.message = "Wrong password.";
    return res;
}

std::chrono::milliseconds idle_timeout(RecordServices& r) {
    return std::chrono::minutes{r.auth->settings().idle_logoff_minutes};
}

std::vector<UserRow> UsersPresenter::rows() {
    std::vector<UserRow> out;
    for (const auto& u : r_.auth->list(who_)) {
        UserRow row;
        row.name = u.name;
        for (auto role : u.roles)
            row.roles += (row.roles.empty() ? "" : ", ") + human_key(core::to_string(role));
        row.locked = u.locked;
        row.state = !u.active ? "inactive" : (u.locked ? "locked" : "active");
        out.push_back(row);
    }
    return out;
}

std::string UsersPresenter::add(const std::string& name, const std::string& role,
                                const std::string& password, const std::string& repeat) {
    if (password != repeat) return "The two passwords differ.";
    try {
        core::User u;
        u.name = name;
        u.roles = {core::role_from_string(role)};
        r_.auth->add_user(who_, u, password);
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

std::string UsersPresenter::unlock(const std::string& name) {
    try {
        r_.auth->unlock(who_, name);
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

}  // namespace vertebra::ui
