// Fuzzes the visit JSON of `vertebra-cli bill`: core::billing::parse_visit_json, then
// bill_visit() with the REAL module plugins (built instrumented in this fuzz build) loaded through
// the real PluginHost and ModuleRegistry, then the --json output. The payer is picked from the
// input's length so that all three shipped payers' rules (timed methods, KX, modifiers) run.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace {
std::unique_ptr<vertebra::core::PluginHost> g_host;
std::unique_ptr<vertebra::core::ModuleRegistry> g_modules;
const char* const kPayers[] = {"commercial", "medicare", "medicare_advantage"};
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace vertebra::core;
    vertebra::fuzz::use_source_data();
    PluginHostOptions o;
    o.dirs = {VERTEBRA_FUZZ_PLUGIN_DIR};
    o.default_dirs = false;
    g_host = std::make_unique<PluginHost>(o);
    g_host->load();
    for (const auto& id : shipped_module_ids()) {
        if (!g_host->module(id)) {
            const auto* rec = g_host->find(id);
            std::fprintf(stderr, "fuzz_bill: module %s is not running: %s\n", id.c_str(),
                         rec ? rec->error.c_str() : "not found in " VERTEBRA_FUZZ_PLUGIN_DIR);
            std::abort();
        }
    }
    g_modules = std::make_unique<ModuleRegistry>(*g_host, nullptr);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    vertebra::fuzz::expect_clean([&] {
        const nlohmann::json visit = vertebra::core::billing::parse_visit_json(text);
        vertebra::core::billing::BillOptions options;
        options.payer = kPayers[size % 3];
        const auto bill = vertebra::core::billing::bill_visit(visit, *g_modules, options);
        (void)vertebra::core::billing::to_json(bill).dump(2);
    });
    return 0;
}
