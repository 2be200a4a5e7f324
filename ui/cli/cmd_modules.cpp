// `vertebra-cli modules [list] | enable ID | disable ID`: therapy modules and the owner's choices.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::ui::cli {

namespace {

/// The process's plugin state. Function-local so it outlives every command; the host shuts the
/// modules down (reverse load order) and releases the libraries at exit.
struct ModuleRuntime {
    std::unique_ptr<core::PluginHost> host;
    std::unique_ptr<core::ModuleSettingsRepository> settings;
    std::unique_ptr<core::ModuleRegistry> registry;
    bool with_database = false;
};

ModuleRuntime& state() {
    static ModuleRuntime s;
    return s;
}

void print_status_line(const core::ModuleStatus& s) {
    std::string line = fmt::format("{:<18} {:<26} {:<9} {}", s.id, s.name, s.version,
                                   core::to_string(s.state));
    if (s.state == core::ModuleState::Failed) line += ": " + s.error;
    std::cout << line << "\n";
}

struct ModuleArgs {
    std::string id;
};

void change(Context& ctx, const ModuleArgs& args, bool enable) {
    auto& reg = module_registry(ctx, true);
    // The signed-in owner (--user), or without it the database operator (decisions/0005);
    // core refuses anyone without module.manage (exit 6).
    const core::Principal& who = actor(ctx);
    const std::string& user = who.name;
    const Instant now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    const bool changed = reg.set_enabled(who, args.id, enable, now);
    const core::ModuleStatus st = reg.status(args.id);
    if (ctx.json) {
        auto j = core::to_json(st);
        j["changed"] = changed;
        ctx.print_json(j);
    } else if (changed) {
        std::cout << args.id << (enable ? " enabled" : " disabled") << " by " << user << "\n";
    } else {
        std::cout << args.id << " is already " << (enable ? "enabled" : "disabled") << "\n";
    }
}

}  // namespace

core::PluginHost& plugin_host(Context& ctx) {
    auto& s = state();
    if (!s.host) {
        core::PluginHostOptions options;
        for (const auto& d : ctx.plugin_dirs) options.dirs.emplace_back(d);
        s.host = std::make_unique<core::PluginHost>(std::move(options));
        s.host->load();
    }
    return *s.host;
}

core::ModuleRegistry& module_registry(Context& ctx, bool require_database) {
    auto& s = state();
    core::PluginHost& host = plugin_host(ctx);
    if (!s.registry || (require_database && !s.with_database)) {
        try {
            s.settings = ctx.database().module_settings();
            s.with_database = true;
        } catch (const Error& e) {
            if (require_database) throw;
            std::cerr << "note: no clinic database (" << e.what()
                      << "); every installed module is shown as enabled\n";
            s.settings.reset();
        }
        s.registry = std::make_unique<core::ModuleRegistry>(host, s.settings.get());
        s.registry->sync();
    }
    return *s.registry;
}

void register_module_commands(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<ModuleArgs>();
    auto* modules = app.add_subcommand(
        "modules", "Therapy modules: list them (default), enable or disable one");
    modules->require_subcommand(0, 1);

    auto list = [&ctx] {
        const auto all = module_registry(ctx, false).list();
        // Ignored duplicate copies are not modules of their own: mention them on stderr.
        for (const auto& rec : plugin_host(ctx).plugins()) {
            const auto* first = plugin_host(ctx).find(rec.id);
            if (first != &rec) std::cerr << "note: " << rec.dir.string() << ": " << rec.error << "\n";
        }
        if (ctx.json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& s : all) arr.push_back(core::to_json(s));
            ctx.print_json(arr);
            return;
        }
        if (all.empty()) {
            std::cout << "no modules installed (searched:";
            for (const auto& d : plugin_host(ctx).search_dirs()) std::cout << " " << d.string();
            std::cout << ")\n";
            return;
        }
        for (const auto& s : all) print_status_line(s);
    };
    modules->add_subcommand("list", "List every known module with its state")->callback(list);
    modules->callback([modules, list] {
        if (modules->get_subcommands().empty()) list();
    });

    for (bool enable : {true, false}) {
        auto* sub = modules->add_subcommand(
            enable ? "enable" : "disable",
            enable ? "Enable a module: its services can be booked and its forms are offered"
                   : "Disable a module: its services cannot be booked; its data stays");
        sub->add_option("id", args->id, "Module id, e.g. chiropractic")->required();
        sub->callback([&ctx, args, enable] { change(ctx, *args, enable); });
    }
}

}  // namespace vertebra::ui::cli
