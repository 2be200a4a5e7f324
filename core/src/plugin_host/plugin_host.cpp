// The plugin host: search path, manifest-first discovery, dependency order, ABI check, guarded calls.
#include "vertebra/plugins/plugin_host.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "vertebra/common/error.hpp"
#include "vertebra/common/install_layout.hpp"
#include "vertebra/plugin_api/abi.hpp"

namespace vertebra::core {

namespace fs = std::filesystem;
namespace api = vertebra::plugin_api;

const char* to_string(PluginState s) {
    switch (s) {
        case PluginState::Discovered: return "discovered";
        case PluginState::Running: return "running";
        case PluginState::Failed: return "failed";
        case PluginState::Stopped: return "stopped";
    }
    return "unknown";
}

namespace {

// Runs `f`; an exception from plugin code becomes a host-owned vertebra::Error.
template <class F>
auto guarded(const std::string& id, const char* call, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error& e) {
        throw Error(e.kind(), std::string(e.what()), std::string(e.field()));
    } catch (const nlohmann::json::exception& e) {
        // A JSON member of the wrong type met while the module reads what it was given (a visit
        // section, a record, an action's input) is bad input, named by module (fuzz_bill found
        // "type must be string, but is object" ending as an internal failure).
        throw Error(ErrorKind::Invalid,
                    id + ": malformed input for the module's " + call + ": " + std::string(e.what()),
                    id);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::Internal,
                    "module " + id + " failed in " + call + ": " + std::string(e.what()));
    } catch (...) {
        throw Error(ErrorKind::Internal,
                    "module " + id + " failed in " + call + ": unknown exception");
    }
}

// Runs `f` at load time; returns the plugin's error message instead of throwing.
template <class F>
std::optional<std::string> load_step(F&& f) {
    try {
        f();
        return std::nullopt;
    } catch (const std::exception& e) {
        return std::string(e.what());
    } catch (...) {
        return std::string("unknown exception");
    }
}

bool is_within(const fs::path& inner, const fs::path& outer) {
    std::error_code ec;
    const fs::path a = fs::weakly_canonical(inner, ec);
    const fs::path b = fs::weakly_canonical(outer, ec);
    auto ai = a.begin();
    for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
        if (bi->empty()) continue;  // trailing separator
        if (ai == a.end() || *ai != *bi) return false;
    }
    return true;
}

bool has_elf_header(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::vector<fs::path> plugin_search_dirs(const PluginHostOptions& options) {
    std::vector<fs::path> dirs = options.dirs;
    if (options.default_dirs) {
        if (const char* env = std::getenv("VERTEBRA_PLUGIN_PATH"); env && *env) {
            std::string s = env;
            std::size_t start = 0;
            while (start <= s.size()) {
                std::size_t end = s.find(':', start);
                if (end == std::string::npos) end = s.size();
                if (end > start) dirs.emplace_back(s.substr(start, end - start));
                start = end + 1;
            }
        }
        // Installed layout next to the program first (an unpacked or relocated package never
        // falls back to a build tree); then the build tree when running from it; then the
        // configured prefix.
        std::error_code ec;
        const fs::path build_plugins = VERTEBRA_PLUGIN_BUILD_DIR;
        const fs::path exe = boost::dll::program_location(ec);
        if (auto installed = installed_plugin_dir()) {
            dirs.push_back(*installed);
        } else if (!ec && is_within(exe, build_plugins.parent_path())) {
            dirs.push_back(build_plugins);
        } else {
            fs::path installed_dir = VERTEBRA_INSTALL_PLUGIN_DIR;
            if (installed_dir.is_relative())
                installed_dir = fs::path(VERTEBRA_INSTALL_PREFIX) / installed_dir;
            dirs.push_back(installed_dir);
        }
    }
    std::vector<fs::path> unique;
    std::set<std::string> seen;
    for (auto& d : dirs) {
        std::error_code ec;
        fs::path norm = fs::weakly_canonical(d, ec);
        if (ec) norm = d.lexically_normal();
        if (seen.insert(norm.string()).second) unique.push_back(norm);
    }
    return unique;
}

// ---------------------------------------------------------------------------------------------
// ModuleHandle: guarded calls.

const api::FormSchema* ModuleHandle::form(const std::string& form_id) const {
    for (const auto& f : forms_) {
        if (f.id == form_id) return &f;
    }
    return nullptr;
}

const api::Workflow* ModuleHandle::workflow(const std::string& workflow_id) const {
    for (const auto& w : workflows_) {
        if (w.id == workflow_id) return &w;
    }
    return nullptr;
}

const api::ServiceOffer* ModuleHandle::service(const std::string& key) const {
    for (const auto& s : services_) {
        if (s.key == key) return &s;
    }
    return nullptr;
}

api::GuardResult ModuleHandle::evaluate_guard(const std::string& guard,
                                              const nlohmann::json& record) const {
    return guarded(id(), "evaluate_guard", [&] { return module_->evaluate_guard(guard, record); });
}

api::BillingResult ModuleHandle::bill(const api::BillingRequest& request) const {
    return guarded(id(), "bill", [&] { return module_->bill(request, rules_); });
}

std::vector<std::string> ModuleHandle::review_visit(const api::VisitReview& review) const {
    return guarded(id(), "review_visit", [&] { return module_->review_visit(review, rules_); });
}

std::vector<api::Finding> ModuleHandle::check_contraindications(
    const api::PatientRecord& patient, const api::PlannedService& planned) const {
    return guarded(id(), "check_contraindications",
                   [&] { return module_->check_contraindications(patient, planned, rules_); });
}

std::vector<api::Finding> ModuleHandle::check_coverage(const api::CoverageRequest& req) const {
    return guarded(id(), "check_coverage", [&] { return module_->check_coverage(req, rules_); });
}

std::vector<std::string> ModuleHandle::actions() const {
    return guarded(id(), "actions", [&] { return module_->actions(); });
}

nlohmann::json ModuleHandle::run_action(const std::string& action,
                                        const nlohmann::json& input) const {
    return guarded(id(), "run_action", [&] { return module_->run_action(action, input, *context_); });
}

// ---------------------------------------------------------------------------------------------
// PluginHost.

/// One opened library and, if it got that far, its module. Members are destroyed in reverse:
/// the module (and its context) before the library.
struct PluginHost::Loaded {
    boost::dll::shared_library library;
    std::unique_ptr<ModuleHandle> handle;
    std::size_t record = 0;
    bool started = false;
};

/// The module's view of the host (plugin_api::ModuleContext).
class PluginHost::Context final : public api::ModuleContext {
public:
    Context(PluginHost& host, std::size_t record, const ModuleHandle& handle, fs::path plugin_dir,
            fs::path data_dir)
        : host_(host), record_(record), handle_(handle), plugin_dir_(std::move(plugin_dir)),
          data_dir_(std::move(data_dir)), log_(*this) {}

    const std::string& module_id() const override { return handle_.id(); }
    const fs::path& plugin_dir() const override { return plugin_dir_; }
    const fs::path& data_dir() const override { return data_dir_; }
    const api::RuleData& rules() const override { return handle_.rules(); }
    api::ModuleLog& log() const override { return log_; }
    const api::ClinicalRecords* records() const override { return host_.records_ptr_; }
    const api::TherapyModule* dependency(const std::string& dep_id) const override {
        const auto& deps = handle_.manifest().dependencies;
        const bool declared = std::any_of(deps.begin(), deps.end(),
                                          [&](const PluginDependency& d) { return d.id == dep_id; });
        if (!declared) return nullptr;
        const ModuleHandle* m = host_.module(dep_id);
        return m ? &m->module() : nullptr;
    }

private:
    class Log final : public api::ModuleLog {
    public:
        explicit Log(Context& ctx) : ctx_(ctx) {}
        void info(const std::string& message) override { write("info: " + message); }
        void warning(const std::string& message) override { write("warning: " + message); }

    private:
        void write(const std::string& line) {
            auto& rec = ctx_.host_.records_[ctx_.record_];
            rec.messages.push_back(line);
            if (ctx_.host_.options_.log) ctx_.host_.options_.log(rec.id, line);
        }
        Context& ctx_;
    };

    PluginHost& host_;
    std::size_t record_;
    const ModuleHandle& handle_;
    fs::path plugin_dir_;
    fs::path data_dir_;
    mutable Log log_;
};

PluginHost::PluginHost(PluginHostOptions options)
    : options_(std::move(options)), dirs_(plugin_search_dirs(options_)) {}

PluginHost::~PluginHost() {
    shutdown();
    // Release libraries last, newest first.
    while (!loaded_.empty()) loaded_.pop_back();
}

const PluginRecord* PluginHost::find(std::string_view id) const {
    for (const auto& r : records_) {
        if (r.id == id) return &r;
    }
    return nullptr;
}

const ModuleHandle* PluginHost::module(std::string_view id) const {
    for (const auto& l : loaded_) {
        if (l->handle && l->handle->id() == id && records_[l->record].state == PluginState::Running) {
            return l->handle.get();
        }
    }
    return nullptr;
}

std::vector<const ModuleHandle*> PluginHost::running() const {
    std::vector<const ModuleHandle*> out;
    for (const auto& id : load_order_) {
        if (const auto* m = module(id)) out.push_back(m);
    }
    return out;
}

void PluginHost::set_clinical_records(const api::ClinicalRecords* records) {
    records_ptr_ = records;
}

void PluginHost::load() {
    if (loaded_once_) return;
    loaded_once_ = true;
    const auto t0 = std::chrono::steady_clock::now();

    // 1. Discovery: every subdirectory with a plugin.json, manifest checked before anything else.
    for (const auto& dir : dirs_) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> subdirs;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.is_directory(ec) && fs::exists(e.path() / "plugin.json", ec)) {
                subdirs.push_back(e.path());
            }
        }
        std::sort(subdirs.begin(), subdirs.end());
        for (const auto& sub : subdirs) {
            PluginRecord rec;
            rec.dir = sub;
            rec.id = sub.filename().string();
            try {
                rec.manifest = PluginManifest::read(sub / "plugin.json");
                rec.id = rec.manifest->id;
            } catch (const std::exception& e) {
                rec.state = PluginState::Failed;
                rec.error = e.what();
            }
            records_.push_back(std::move(rec));
        }
    }

    // 2. Duplicate ids: the first in search order wins.
    std::map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < records_.size(); ++i) {
        auto& rec = records_[i];
        if (rec.state == PluginState::Failed) continue;
        auto [it, fresh] = by_id.emplace(rec.id, i);
        if (!fresh) {
            rec.state = PluginState::Failed;
            rec.error = "another plugin with id \"" + rec.id + "\" was found first in " +
                        records_[it->second].dir.string() + "; this copy is ignored";
        }
    }

    // 3. Load order: depth-first over dependencies; a cycle fails every member with the chain.
    std::map<std::string, int> color;  // 0 new, 1 on the stack, 2 done
    std::vector<std::string> stack;
    std::vector<std::size_t> order;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        const std::string& id = records_[i].id;
        color[id] = 1;
        stack.push_back(id);
        for (const auto& dep : records_[i].manifest->dependencies) {
            auto it = by_id.find(dep.id);
            if (it == by_id.end()) continue;  // reported when loading
            if (color[dep.id] == 1) {
                auto pos = std::find(stack.begin(), stack.end(), dep.id);
                std::vector<std::string> chain(pos, stack.end());
                chain.push_back(dep.id);
                const std::string msg = "dependency cycle: " + join(chain, " -> ");
                for (auto c = pos; c != stack.end(); ++c) {
                    auto& member = records_[by_id[*c]];
                    if (member.state != PluginState::Failed) {
                        member.state = PluginState::Failed;
                        member.error = msg;
                    }
                }
            } else if (color[dep.id] == 0) {
                visit(it->second);
            }
        }
        stack.pop_back();
        color[id] = 2;
        order.push_back(i);
    };
    for (const auto& [id, i] : by_id) {
        if (color[id] == 0) visit(i);
    }
    // Keep discovery order among independent plugins: stable by position in `order` is already
    // dependency-correct; visit() went by id, which is deterministic.

    // 4. Load.
    for (std::size_t i : order) {
        auto& rec = records_[i];
        if (rec.state == PluginState::Failed) continue;
        std::optional<std::string> dep_problem;
        for (const auto& dep : rec.manifest->dependencies) {
            const PluginRecord* d = nullptr;
            if (auto it = by_id.find(dep.id); it != by_id.end()) d = &records_[it->second];
            if (!d) {
                dep_problem = "depends on \"" + dep.id + "\", which is not installed";
            } else if (d->state != PluginState::Running) {
                dep_problem = "depends on \"" + dep.id + "\", which failed to load";
            } else if (!dep.min_version.empty() &&
                       compare_versions(d->manifest->version, dep.min_version) < 0) {
                dep_problem = "needs \"" + dep.id + "\" version " + dep.min_version +
                              " or later, but " + d->manifest->version + " is installed";
            }
            if (dep_problem) break;
        }
        if (dep_problem) {
            rec.state = PluginState::Failed;
            rec.error = *dep_problem;
            continue;
        }
        const auto t1 = std::chrono::steady_clock::now();
        load_one(rec);
        rec.load_ms = ms_since(t1);
        if (rec.state == PluginState::Running) load_order_.push_back(rec.id);
    }
    load_ms_ = ms_since(t0);
}

void PluginHost::load_one(PluginRecord& rec) {
    const std::size_t index = static_cast<std::size_t>(&rec - records_.data());
    const PluginManifest& m = *rec.manifest;
    auto fail = [&](std::string why) {
        rec.state = PluginState::Failed;
        rec.error = std::move(why);
    };

    // The library file, checked before dlopen so a stray file gets a clear reason.
    const fs::path lib_path = rec.dir / m.library;
    std::error_code ec;
    if (!fs::is_regular_file(lib_path, ec)) {
        return fail("library " + m.library + " named in plugin.json is missing from " +
                    rec.dir.string());
    }
    if (!has_elf_header(lib_path)) {
        return fail(m.library + " is not a shared library (no ELF header)");
    }

    auto loaded = std::make_unique<Loaded>();
    loaded->record = index;
    try {
        loaded->library.load(lib_path, boost::dll::load_mode::rtld_now);
    } catch (const std::exception& e) {
        return fail("cannot open " + m.library + ": " + e.what());
    }
    Loaded& l = *loaded;
    loaded_.push_back(std::move(loaded));  // kept mapped until the host is destroyed

    // ABI descriptor: read before any code of the plugin runs (beyond static initialisers).
    if (!l.library.has(api::kAbiDescriptorSymbol)) {
        return fail(m.library + " does not export the ABI descriptor (" +
                    std::string(api::kAbiDescriptorSymbol) +
                    "): build it with VERTEBRA_PLUGIN(...) from vertebra/plugin_api/plugin.hpp");
    }
    const auto& abi = l.library.get_alias<const api::AbiDescriptor>(api::kAbiDescriptorSymbol);
    if (abi.api_version != api::kApiVersion) {
        return fail(m.library + " was built for plugin API " + std::to_string(abi.api_version) +
                    ", but this Vertebra provides plugin API " +
                    std::to_string(api::kApiVersion) + ": rebuild the plugin");
    }
    const char* host_sig = VERTEBRA_BUILD_SIGNATURE;
    if (abi.build_signature == nullptr || std::strcmp(abi.build_signature, host_sig) != 0) {
        return fail(m.library + " was built with a different compiler or settings (plugin: " +
                    std::string(abi.build_signature ? abi.build_signature : "none") +
                    "; Vertebra: " + host_sig + "): rebuild it with the same toolchain");
    }
    if (!l.library.has(api::kFactorySymbol)) {
        return fail(m.library + " does not export the module factory (" +
                    std::string(api::kFactorySymbol) + "): add VERTEBRA_PLUGIN(YourModule)");
    }

    // Rule data, then the module.
    auto handle = std::unique_ptr<ModuleHandle>(new ModuleHandle());
    handle->manifest_ = m;
    const fs::path data_dir = rec.dir / m.data_dir;
    if (auto err = load_step([&] { handle->rules_ = api::RuleData::load_dir(data_dir); })) {
        return fail("rule data in " + data_dir.string() + " is invalid: " + *err);
    }
    handle->context_ = std::make_unique<Context>(*this, index, *handle, rec.dir, data_dir);
    auto& factory = l.library.get_alias<api::ModuleFactory>(api::kFactorySymbol);
    if (auto err = load_step([&] { handle->module_ = factory(); })) {
        return fail("the module factory failed: " + *err);
    }
    if (!handle->module_) return fail("the module factory returned no module");
    l.handle = std::move(handle);
    ModuleHandle& h = *l.handle;

    if (auto err = load_step([&] { h.module_->start(*h.context_); })) {
        return fail("the module failed to start: " + *err);
    }
    l.started = true;

    // Definitions: cached, then checked (forms and workflows are data; a bad table fails the load).
    std::vector<std::string> guards;
    if (auto err = load_step([&] {
            h.services_ = h.module_->services();
            h.forms_ = h.module_->forms();
            h.workflows_ = h.module_->workflows();
            guards = h.module_->guards();
        })) {
        return fail("the module failed to describe itself: " + *err);
    }
    std::vector<std::string> problems;
    std::set<std::string> form_ids, workflow_ids, service_keys;
    for (const auto& f : h.forms_) {
        if (!form_ids.insert(f.id).second) problems.push_back("form '" + f.id + "' is declared twice");
        auto p = api::check_schema(f);
        problems.insert(problems.end(), p.begin(), p.end());
    }
    for (const auto& w : h.workflows_) {
        if (!workflow_ids.insert(w.id).second) {
            problems.push_back("workflow '" + w.id + "' is declared twice");
        }
        auto p = api::check_workflow(w, guards);
        problems.insert(problems.end(), p.begin(), p.end());
    }
    for (const auto& s : h.services_) {
        const std::string where = "service '" + s.key + "'";
        if (s.key.empty()) problems.push_back("a service has no key");
        else if (!service_keys.insert(s.key).second) problems.push_back(where + " is declared twice");
        if (s.name.empty()) problems.push_back(where + " has no name");
        if (s.default_minutes <= 0) problems.push_back(where + " must last at least one minute");
        for (const auto& f : s.forms) {
            if (!form_ids.count(f)) problems.push_back(where + " uses unknown form '" + f + "'");
        }
        if (!s.workflow.empty() && !workflow_ids.count(s.workflow)) {
            problems.push_back(where + " uses unknown workflow '" + s.workflow + "'");
        }
    }
    if (!problems.empty()) return fail("invalid module definitions: " + join(problems, "; "));

    rec.state = PluginState::Running;
}

void PluginHost::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    for (auto it = loaded_.rbegin(); it != loaded_.rend(); ++it) {
        Loaded& l = **it;
        if (!l.handle) continue;
        auto& rec = records_[l.record];
        if (l.started) {
            if (auto err = load_step([&] { l.handle->module_->stop(); })) {
                rec.messages.push_back("error: stop failed: " + *err);
            }
        }
        if (rec.state == PluginState::Running) rec.state = PluginState::Stopped;
    }
    // Destroy modules (newest first) while every library is still mapped.
    for (auto it = loaded_.rbegin(); it != loaded_.rend(); ++it) {
        Loaded& l = **it;
        if (!l.handle) continue;
        if (auto err = load_step([&] { l.handle.reset(); })) {
            records_[l.record].messages.push_back("error: destroying the module failed: " + *err);
        }
    }
}

}  // namespace vertebra::core
