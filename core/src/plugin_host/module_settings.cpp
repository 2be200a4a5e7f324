// The in-memory module settings store (tests and runs without a clinic database).
#include "vertebra/plugins/module_settings.hpp"

namespace vertebra::core {

std::vector<ModuleSetting> InMemoryModuleSettings::list() {
    std::vector<ModuleSetting> out;
    for (const auto& [id, row] : rows_) out.push_back(row);
    return out;
}

std::optional<ModuleSetting> InMemoryModuleSettings::find(const std::string& module_id) {
    auto it = rows_.find(module_id);
    if (it == rows_.end()) return std::nullopt;
    return it->second;
}

void InMemoryModuleSettings::remember(const std::string& module_id, const std::string& name,
                                      const std::string& version) {
    auto& row = rows_[module_id];
    row.module_id = module_id;
    row.name = name;
    row.version = version;
}

bool InMemoryModuleSettings::set_enabled(const std::string& module_id, bool enabled,
                                         const std::string& user, Instant when) {
    auto it = rows_.find(module_id);
    const bool current = it == rows_.end() ? true : it->second.enabled;
    if (current == enabled) return false;
    auto& row = rows_[module_id];
    row.module_id = module_id;
    row.enabled = enabled;
    row.changed_by = user;
    row.changed_at = when;
    audit_.push_back({module_id, enabled, user, when});
    return true;
}

std::vector<ModuleAuditEntry> InMemoryModuleSettings::audit(const std::string& module_id) {
    std::vector<ModuleAuditEntry> out;
    for (const auto& e : audit_) {
        if (module_id.empty() || e.module_id == module_id) out.push_back(e);
    }
    return out;
}

}  // namespace vertebra::core
