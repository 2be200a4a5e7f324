// The plugin host: discovers, checks, loads and guards therapy-module plugins (Boost.DLL).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/context.hpp"
#include "vertebra/plugin_api/module.hpp"
#include "vertebra/plugins/manifest.hpp"

namespace vertebra::core {

/// Life of a plugin in the host. A failure is a state with an error string, never a crash.
enum class PluginState {
    Discovered,  ///< plugin.json read and valid
    Running,     ///< library loaded, ABI matched, module created, started and checked
    Failed,      ///< see PluginRecord::error
    Stopped,     ///< shut down
};
const char* to_string(PluginState s);

/// What the host knows about one plugin directory.
struct PluginRecord {
    std::string id;  ///< from plugin.json, or the directory name when the manifest is unusable
    std::filesystem::path dir;
    std::optional<PluginManifest> manifest;
    PluginState state = PluginState::Discovered;
    std::string error;                  ///< plain words; empty unless Failed
    std::vector<std::string> messages;  ///< what the module logged
    double load_ms = 0;                 ///< time to open, check, create and start it
};

struct PluginHostOptions {
    /// Searched first, in order (--plugin-dir).
    std::vector<std::filesystem::path> dirs;
    /// Also search $VERTEBRA_PLUGIN_PATH, then <program dir>/../lib/vertebra/plugins when it
    /// exists (installed layout), else the build tree's plugin dir when the program runs from
    /// the build tree, else <prefix>/lib/vertebra/plugins. Tests turn this off.
    bool default_dirs = true;
    /// Where module log lines go besides PluginRecord::messages (may be empty).
    std::function<void(const std::string& module_id, const std::string& line)> log;
};

/// The search path that `options` gives: explicit dirs, $VERTEBRA_PLUGIN_PATH (colon-separated),
/// the installed dir next to the program, else the build dir (only when running from the build
/// tree), else the configured install dir. No duplicates.
std::vector<std::filesystem::path> plugin_search_dirs(const PluginHostOptions& options);

/// A running module. Every call is guarded: an exception from the plugin becomes a
/// vertebra::Error owned by the host (the plugin's own Error keeps its kind; anything else is
/// Internal, "module <id> failed in <call>: <reason>").
class ModuleHandle {
public:
    const std::string& id() const { return manifest_.id; }
    const PluginManifest& manifest() const { return manifest_; }
    const plugin_api::RuleData& rules() const { return rules_; }
    /// Cached and checked at load.
    const std::vector<plugin_api::ServiceOffer>& services() const { return services_; }
    const std::vector<plugin_api::FormSchema>& forms() const { return forms_; }
    const std::vector<plugin_api::Workflow>& workflows() const { return workflows_; }
    const plugin_api::FormSchema* form(const std::string& form_id) const;
    const plugin_api::Workflow* workflow(const std::string& workflow_id) const;
    const plugin_api::ServiceOffer* service(const std::string& key) const;

    plugin_api::GuardResult evaluate_guard(const std::string& guard,
                                           const nlohmann::json& record) const;
    plugin_api::BillingResult bill(const plugin_api::BillingRequest& request) const;
    std::vector<std::string> review_visit(const plugin_api::VisitReview& review) const;
    std::vector<plugin_api::Finding> check_contraindications(
        const plugin_api::PatientRecord& patient, const plugin_api::PlannedService& planned) const;
    std::vector<plugin_api::Finding> check_coverage(const plugin_api::CoverageRequest& req) const;
    std::vector<std::string> actions() const;
    nlohmann::json run_action(const std::string& action, const nlohmann::json& input) const;

    /// The module object itself, for tests; prefer the guarded calls.
    const plugin_api::TherapyModule& module() const { return *module_; }

private:
    friend class PluginHost;
    ModuleHandle() = default;
    PluginManifest manifest_;
    plugin_api::RuleData rules_;
    std::vector<plugin_api::ServiceOffer> services_;
    std::vector<plugin_api::FormSchema> forms_;
    std::vector<plugin_api::Workflow> workflows_;
    std::unique_ptr<plugin_api::ModuleContext> context_;
    std::unique_ptr<plugin_api::TherapyModule> module_;
};

/// Owns every plugin library for its whole life: libraries are never unloaded while anything
/// they produced may live; they are released only in the destructor, after shutdown().
/// Not thread-safe: load and call on one thread.
class PluginHost {
public:
    explicit PluginHost(PluginHostOptions options = {});
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// Discovers and loads every plugin in the search path. Never throws for a bad plugin: it
    /// ends Failed with a reason. Calling it twice does nothing the second time.
    void load();
    /// stop() on every running module in reverse load order, then destroys the modules.
    /// Libraries stay mapped until the host is destroyed. Idempotent.
    void shutdown();

    const std::vector<std::filesystem::path>& search_dirs() const { return dirs_; }
    /// Every plugin found, in discovery order (search-path order, then directory name).
    const std::vector<PluginRecord>& plugins() const { return records_; }
    /// Ids of running plugins in the order they were loaded (dependencies first).
    const std::vector<std::string>& load_order() const { return load_order_; }
    /// The first record with this id (the one the host used), or nullptr.
    const PluginRecord* find(std::string_view id) const;
    /// A running module, or nullptr.
    const ModuleHandle* module(std::string_view id) const;
    std::vector<const ModuleHandle*> running() const;

    /// Read access to clinic records given to modules through their context; may change
    /// (e.g. once the database is opened). nullptr = none.
    void set_clinical_records(const plugin_api::ClinicalRecords* records);

    /// Total time load() took.
    double load_ms() const { return load_ms_; }

private:
    struct Loaded;
    class Context;
    void load_one(PluginRecord& rec);

    PluginHostOptions options_;
    std::vector<std::filesystem::path> dirs_;
    std::vector<PluginRecord> records_;
    std::vector<std::string> load_order_;
    std::vector<std::unique_ptr<Loaded>> loaded_;  ///< in load order
    const plugin_api::ClinicalRecords* records_ptr_ = nullptr;
    bool loaded_once_ = false;
    bool shut_down_ = false;
    double load_ms_ = 0;
};

}  // namespace vertebra::core
