// Module states from the plugin host and the stored choices; the scheduler's availability check.
#include "vertebra/plugins/module_registry.hpp"

#include <map>

#include "vertebra/common/error.hpp"

namespace vertebra::core {

const char* to_string(ModuleState s) {
    switch (s) {
        case ModuleState::Running: return "running";
        case ModuleState::Disabled: return "disabled";
        case ModuleState::Failed: return "failed";
        case ModuleState::NotInstalled: return "not_installed";
    }
    return "unknown";
}

nlohmann::json to_json(const ModuleStatus& s) {
    nlohmann::json j{{"id", s.id},
                     {"name", s.name},
                     {"version", s.version},
                     {"state", to_string(s.state)},
                     {"error", nullptr},
                     {"enabled", s.enabled},
                     {"changed_by", s.changed_by.empty() ? nlohmann::json() : nlohmann::json(s.changed_by)},
                     {"changed_at", nullptr}};
    if (s.state == ModuleState::Failed) j["error"] = s.error;
    if (s.changed_at) j["changed_at"] = format_utc(*s.changed_at);
    return j;
}

ModuleRegistry::ModuleRegistry(const PluginHost& host, ModuleSettingsRepository* settings)
    : host_(host), settings_(settings) {}

void ModuleRegistry::sync() {
    if (!settings_) return;
    for (const ModuleHandle* m : host_.running()) {
        const auto& man = m->manifest();
        auto known = settings_->find(man.id);
        if (!known || known->name != man.name || known->version != man.version) {
            // Only an owner (or the administrator) may write the module list: a therapist's or
            // front desk's login reads it as it is, and the next owner's start records the
            // module (found when a therapist's first `plan create` on PostgreSQL failed).
            try {
                settings_->remember(man.id, man.name, man.version);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::PermissionDenied) throw;
            }
        }
    }
}

std::vector<ModuleStatus> ModuleRegistry::list() const {
    std::map<std::string, ModuleStatus> by_id;
    std::map<std::string, ModuleSetting> stored;
    if (settings_) {
        for (auto& s : settings_->list()) stored.emplace(s.module_id, std::move(s));
    }
    for (const auto& rec : host_.plugins()) {
        if (by_id.count(rec.id)) continue;  // a duplicate copy: the first one is the module
        ModuleStatus st;
        st.id = rec.id;
        st.dir = rec.dir;
        if (rec.manifest) {
            st.name = rec.manifest->name;
            st.version = rec.manifest->version;
        }
        auto it = stored.find(rec.id);
        if (it != stored.end()) {
            if (st.name.empty()) st.name = it->second.name;
            if (st.version.empty()) st.version = it->second.version;
            st.enabled = it->second.enabled;
            st.changed_by = it->second.changed_by;
            st.changed_at = it->second.changed_at;
        }
        if (st.name.empty()) st.name = rec.id;
        if (rec.state == PluginState::Running || rec.state == PluginState::Stopped) {
            st.state = st.enabled ? ModuleState::Running : ModuleState::Disabled;
        } else {
            st.state = ModuleState::Failed;
            st.error = rec.state == PluginState::Failed ? rec.error : "the plugin was not loaded";
        }
        by_id.emplace(st.id, std::move(st));
    }
    for (const auto& [id, s] : stored) {
        if (by_id.count(id)) continue;
        ModuleStatus st;
        st.id = id;
        st.name = s.name.empty() ? id : s.name;
        st.version = s.version;
        st.state = ModuleState::NotInstalled;
        st.enabled = s.enabled;
        st.changed_by = s.changed_by;
        st.changed_at = s.changed_at;
        by_id.emplace(id, std::move(st));
    }
    std::vector<ModuleStatus> out;
    for (auto& [id, st] : by_id) out.push_back(std::move(st));
    return out;
}

ModuleStatus ModuleRegistry::status(const std::string& module_id) const {
    for (auto& s : list()) {
        if (s.id == module_id) return s;
    }
    std::string known;
    for (const auto& s : list()) known += (known.empty() ? "" : ", ") + s.id;
    throw Error(ErrorKind::NotFound,
                "module \"" + module_id + "\" not found" +
                    (known.empty() ? std::string(" (no modules are installed)")
                                   : " (known modules: " + known + ")"),
                "module");
}

bool ModuleRegistry::is_enabled(const std::string& module_id) const {
    return module_id.empty() || active(module_id) != nullptr;
}

const ModuleHandle* ModuleRegistry::active(const std::string& module_id) const {
    const ModuleHandle* m = host_.module(module_id);
    if (!m) return nullptr;
    if (settings_) {
        auto s = settings_->find(module_id);
        if (s && !s->enabled) return nullptr;
    }
    return m;
}

const ModuleHandle& ModuleRegistry::require_active(const std::string& module_id) const {
    if (const ModuleHandle* m = active(module_id)) return *m;
    const ModuleStatus st = status(module_id);  // NotFound if unknown
    switch (st.state) {
        case ModuleState::Disabled:
            throw Error(ErrorKind::Conflict,
                        "module " + module_id + " is disabled (enable it with `modules enable " +
                            module_id + "`)",
                        "module");
        case ModuleState::Failed:
            throw Error(ErrorKind::Conflict,
                        "module " + module_id + " failed to load: " + st.error, "module");
        case ModuleState::NotInstalled:
            throw Error(ErrorKind::Conflict, "module " + module_id + " is not installed", "module");
        case ModuleState::Running: break;
    }
    throw Error(ErrorKind::Internal, "module " + module_id + " is in an unexpected state");
}

void ModuleRegistry::check_bookable(const Service& service) const {
    if (service.module_id.empty() || active(service.module_id)) return;
    std::string why;
    try {
        require_active(service.module_id);
        return;
    } catch (const Error& e) {
        why = e.kind() == ErrorKind::NotFound ? "module " + service.module_id + " is not installed"
                                              : e.what();
    }
    throw Error(ErrorKind::Conflict, "cannot book \"" + service.name + "\": " + why, "service");
}

std::vector<const ModuleHandle*> ModuleRegistry::active_modules() const {
    std::vector<const ModuleHandle*> out;
    for (const ModuleHandle* m : host_.running()) {
        if (active(m->id())) out.push_back(m);
    }
    return out;
}

bool ModuleRegistry::set_enabled(const Principal& who, const std::string& module_id,
                                 bool enabled, Instant when) {
    require(who, Permission::ModuleManage);
    const std::string& user = who.name;
    const ModuleStatus st = status(module_id);  // NotFound for an unknown id
    if (!settings_) {
        throw Error(ErrorKind::Unavailable,
                    "cannot " + std::string(enabled ? "enable " : "disable ") + module_id +
                        ": no clinic database is open",
                    "db");
    }
    if (user.empty()) throw invalid("user", "who enables or disables a module must be named");
    if (st.state != ModuleState::NotInstalled) {
        settings_->remember(st.id, st.name, st.version);
    }
    return settings_->set_enabled(module_id, enabled, user, when);
}

}  // namespace vertebra::core
