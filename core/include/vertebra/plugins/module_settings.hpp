// Storage of the clinic owner's module choices (enabled or not, by whom, when) and their audit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/time.hpp"

namespace vertebra::core {

/// What the database knows about one module, installed or not.
struct ModuleSetting {
    std::string module_id;
    std::string name;     ///< last seen plugin name (so a removed module still has a name)
    std::string version;  ///< last seen plugin version
    bool enabled = true;  ///< a module never switched off is enabled
    std::string changed_by;            ///< who last enabled or disabled it ("" = nobody yet)
    std::optional<Instant> changed_at;
    bool operator==(const ModuleSetting&) const = default;
};

/// One enable/disable decision.
struct ModuleAuditEntry {
    std::string module_id;
    bool enabled = true;
    std::string changed_by;
    Instant changed_at;
    bool operator==(const ModuleAuditEntry&) const = default;
};

/// Implemented by db/ (SOCI) and, for tests and database-less runs, by InMemoryModuleSettings.
class ModuleSettingsRepository {
public:
    virtual ~ModuleSettingsRepository() = default;
    /// Every module the database knows, sorted by id.
    virtual std::vector<ModuleSetting> list() = 0;
    virtual std::optional<ModuleSetting> find(const std::string& module_id) = 0;
    /// Records that a module is installed (name, version). A new module starts enabled; an
    /// existing one keeps its choice.
    virtual void remember(const std::string& module_id, const std::string& name,
                          const std::string& version) = 0;
    /// Stores the choice and appends an audit entry, atomically. Creates the row if needed.
    /// Returns false (and writes nothing) when the module already is in that state.
    virtual bool set_enabled(const std::string& module_id, bool enabled, const std::string& user,
                             Instant when) = 0;
    /// Audit entries, oldest first; empty module_id = all modules.
    virtual std::vector<ModuleAuditEntry> audit(const std::string& module_id) = 0;
};

/// A real, process-local implementation (no persistence).
class InMemoryModuleSettings final : public ModuleSettingsRepository {
public:
    std::vector<ModuleSetting> list() override;
    std::optional<ModuleSetting> find(const std::string& module_id) override;
    void remember(const std::string& module_id, const std::string& name,
                  const std::string& version) override;
    bool set_enabled(const std::string& module_id, bool enabled, const std::string& user,
                     Instant when) override;
    std::vector<ModuleAuditEntry> audit(const std::string& module_id) override;

private:
    std::map<std::string, ModuleSetting> rows_;
    std::vector<ModuleAuditEntry> audit_;
};

}  // namespace vertebra::core
