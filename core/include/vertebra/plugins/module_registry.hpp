// The clinic's therapy modules: plugin host + stored choices -> running/disabled/failed/not_installed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/auth/auth.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"
#include "vertebra/plugins/module_settings.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::core {

/// The shipped modules' ids.
inline const std::vector<std::string>& shipped_module_ids() {
    static const std::vector<std::string> ids{"chiropractic", "acupuncture", "massage",
                                              "injections", "surgery_referral"};
    return ids;
}

enum class ModuleState {
    Running,       ///< installed, loaded and enabled
    Disabled,      ///< installed and loaded, switched off by the clinic owner
    Failed,        ///< installed but could not be loaded: see ModuleStatus::error
    NotInstalled,  ///< known to the database (its data stays) but no plugin found
};
const char* to_string(ModuleState s);

struct ModuleStatus {
    std::string id;
    std::string name;
    std::string version;
    ModuleState state = ModuleState::NotInstalled;
    std::string error;  ///< plain words; empty unless Failed
    bool enabled = true;  ///< the stored choice (also for failed / not installed modules)
    std::string changed_by;
    std::optional<Instant> changed_at;
    std::filesystem::path dir;  ///< plugin directory; empty when not installed
};

/// {"id", "name", "version", "state", "error" (null unless failed), "enabled", "changed_by",
///  "changed_at" (ISO UTC or null)}.
nlohmann::json to_json(const ModuleStatus& s);

/// What the scheduler asks before booking a module's service.
class ModuleAvailability {
public:
    virtual ~ModuleAvailability() = default;
    /// True for "" (a core service) and for a module that is running and enabled.
    virtual bool is_enabled(const std::string& module_id) const = 0;
};

/// Combines the plugin host with the stored choices. Not thread-safe.
class ModuleRegistry final : public ModuleAvailability {
public:
    /// `settings` may be nullptr (no database): every loaded module then counts as enabled and
    /// set_enabled() refuses.
    ModuleRegistry(const PluginHost& host, ModuleSettingsRepository* settings);

    /// Remembers every loaded module (name, version) in the settings, so that a module later
    /// removed from disk is listed as not_installed with its name. Call after host.load().
    void sync();

    /// Every module the host found or the database knows, sorted by id. One entry per id.
    std::vector<ModuleStatus> list() const;
    /// Throws Error(NotFound) for an id neither installed nor known to the database.
    ModuleStatus status(const std::string& module_id) const;

    bool is_enabled(const std::string& module_id) const override;
    /// The module if running and enabled, else nullptr.
    const ModuleHandle* active(const std::string& module_id) const;
    /// As active(), else throws: NotFound (unknown), Conflict (disabled, failed or not
    /// installed) with a message naming the module and why.
    const ModuleHandle& require_active(const std::string& module_id) const;
    /// For Scheduler::set_service_guard: returns for a core service or one whose module is
    /// running and enabled; otherwise throws Error(Conflict) "cannot book <service>: module <id>
    /// is disabled (...)" (or failed / not installed).
    void check_bookable(const Service& service) const;
    /// Running and enabled modules, in load order.
    std::vector<const ModuleHandle*> active_modules() const;

    /// Stores the choice with who and when (audited). Needs module.manage (owners): Error
    /// PermissionDenied naming it otherwise. NotFound for an unknown id; Unavailable without a
    /// database. Returns false when it already was in that state.
    bool set_enabled(const Principal& who, const std::string& module_id, bool enabled,
                     Instant when);

private:
    const PluginHost& host_;
    ModuleSettingsRepository* settings_;
};

}  // namespace vertebra::core
