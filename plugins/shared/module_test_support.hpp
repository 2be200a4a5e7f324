// Test helpers for the therapy modules: source rule data, and the real plugin loaded by the host.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "vertebra/plugin_api/plugin.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::plugins::testing {

namespace api = vertebra::plugin_api;

inline LocalDate day(const char* iso) { return parse_local_date(iso, "date"); }

/// The module's rule data straight from the source tree (for pure rule tests).
inline const api::RuleData& source_rules() {
    static const api::RuleData data =
        api::RuleData::load_dir(std::filesystem::path(VERTEBRA_MODULE_SOURCE_DIR) / "data");
    return data;
}

inline api::PayerRef payer(const std::string& id) {
    api::PayerRef p;
    p.id = id;
    p.method = (id == "medicare" || id == "medicare_advantage")
                   ? api::TimedCodeMethod::MedicareTotalTime
                   : api::TimedCodeMethod::PerCodeMidpoint;
    return p;
}

/// One host per test binary holding only the build tree's plugins; never unloaded before exit.
inline core::PluginHost& host() {
    static std::unique_ptr<core::PluginHost> h = [] {
        core::PluginHostOptions o;
        o.dirs = {VERTEBRA_MODULE_PLUGIN_DIR};
        o.default_dirs = false;
        auto p = std::make_unique<core::PluginHost>(o);
        p->load();
        return p;
    }();
    return *h;
}

/// The running module under test, or a test failure naming the plugin's state and error.
inline const core::ModuleHandle& loaded_module() {
    const auto* rec = host().find(VERTEBRA_MODULE_ID);
    if (!rec) throw std::runtime_error(std::string("plugin not found: ") + VERTEBRA_MODULE_ID);
    const auto* m = host().module(VERTEBRA_MODULE_ID);
    if (!m)
        throw std::runtime_error(std::string(VERTEBRA_MODULE_ID) + " is " +
                                 core::to_string(rec->state) + ": " + rec->error);
    return *m;
}

inline api::BillingRequest request(const char* date, const std::string& payer_id,
                                   nlohmann::json section) {
    api::BillingRequest r;
    r.date_of_service = day(date);
    r.payer = payer(payer_id);
    r.section = std::move(section);
    return r;
}

inline bool has_warning(const api::BillingResult& r, const std::string& needle) {
    for (const auto& w : r.warnings)
        if (w.find(needle) != std::string::npos) return true;
    return false;
}

inline const api::LineItem* line(const api::BillingResult& r, const std::string& code) {
    for (const auto& l : r.lines)
        if (l.code == code) return &l;
    return nullptr;
}

inline int units(const api::BillingResult& r, const std::string& code) {
    int n = 0;
    for (const auto& l : r.lines)
        if (l.code == code) n += l.units;
    return n;
}

inline bool has_finding(const std::vector<api::Finding>& fs, const std::string& rule,
                        api::Severity sev) {
    for (const auto& f : fs)
        if (f.rule == rule && f.severity == sev) return true;
    return false;
}

}  // namespace vertebra::plugins::testing
