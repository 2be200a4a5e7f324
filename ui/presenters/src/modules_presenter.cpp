// The owner's module manager: every therapy module with its state and reason; enable/disable.
#include "vertebra/ui/modules_presenter.hpp"

#include <algorithm>
#include <chrono>

namespace vertebra::ui {

namespace {
// "2026-11-30 00:55 UTC" from "2026-11-30T00:55:16Z".
std::string readable_utc(Instant t) {
    std::string iso = format_utc(t);
    if (iso.size() < 16) return iso;
    iso[10] = ' ';
    return iso.substr(0, 16) + " UTC";
}
}  // namespace

ModulesPresenter::ModulesPresenter(core::ModuleRegistry& registry, const core::Principal* who)
    : registry_(registry), who_(who) {}

bool ModulesPresenter::may_manage() const {
    return who_ && who_->has(core::Permission::ModuleManage);
}

std::string ModulesPresenter::notice() const {
    if (!who_) return "Sign in as an owner to enable or disable modules.";
    if (!may_manage())
        return "Only an owner can enable or disable modules (" + who_->name +
               " lacks module.manage).";
    return {};
}

std::vector<ModuleRow> ModulesPresenter::rows() const {
    std::vector<ModuleRow> out;
    for (const auto& s : registry_.list()) {
        ModuleRow r;
        r.id = s.id;
        r.name = s.name.empty() ? s.id : s.name;
        r.version = s.version;
        r.state = s.state;
        r.enabled = s.enabled;
        if (s.state == core::ModuleState::Failed) {
            r.details = s.error;
        } else if (s.state == core::ModuleState::NotInstalled) {
            r.details = "No plugin found; its records are kept.";
        } else if (!s.changed_by.empty()) {
            r.details = std::string(s.enabled ? "Enabled" : "Disabled") + " by " + s.changed_by +
                        (s.changed_at ? " on " + readable_utc(*s.changed_at) : std::string());
        }
        r.can_disable = may_manage() && s.enabled;
        r.can_enable = may_manage() && !s.enabled;
        out.push_back(std::move(r));
    }
    std::stable_sort(out.begin(), out.end(), [](const ModuleRow& a, const ModuleRow& b) {
        const bool fa = a.state == core::ModuleState::Failed;
        const bool fb = b.state == core::ModuleState::Failed;
        if (fa != fb) return fa;
        return a.id < b.id;
    });
    return out;
}

ActionResult ModulesPresenter::set_enabled(const std::string& id, bool enabled) {
    try {
        const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
            std::chrono::system_clock::now());
        if (!who_) return ActionResult::failure(notice());
        registry_.set_enabled(*who_, id, enabled, now);  // core checks module.manage
        return ActionResult::success();
    } catch (...) {
        return ActionResult::failure(error_sentence(std::current_exception()));
    }
}

}  // namespace vertebra::ui
