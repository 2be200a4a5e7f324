// The owner's module manager: every therapy module with its state and reason; enable/disable.
#pragma once

#include <string>
#include <vector>

#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

struct ModuleRow {
    std::string id;
    std::string name;
    std::string version;
    core::ModuleState state = core::ModuleState::NotInstalled;
    bool enabled = true;
    /// Why it failed, or who last switched it and when ("disabled by owner on 2026-11-25 10:00Z").
    std::string details;
    bool can_enable = false;
    bool can_disable = false;
};

class ModulesPresenter {
public:
    /// `who`: the signed-in user (nullptr: nobody signed in; nothing can be switched).
    ModulesPresenter(core::ModuleRegistry& registry, const core::Principal* who);
    /// Failed modules first (they need attention), then by id. Without module.manage no row
    /// can be enabled or disabled.
    std::vector<ModuleRow> rows() const;
    /// Why switching is not offered ("" when the user may): shown above the list.
    std::string notice() const;
    /// Switches a module on or off through the registry (module.manage; audited with the user
    /// and time).
    ActionResult set_enabled(const std::string& id, bool enabled);

private:
    bool may_manage() const;
    core::ModuleRegistry& registry_;
    const core::Principal* who_;
};

}  // namespace vertebra::ui
