// Loads docs/examples/hello_plugin as built out of tree by plugin_host.build_hello_example.
#include <gtest/gtest.h>

#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::core {
namespace {

TEST(HelloExampleTest, OutOfTreeExampleLoadsAndBills) {
    PluginHostOptions o;
    o.default_dirs = false;
    o.dirs = {VERTEBRA_HELLO_PLUGIN_DIR};
    PluginHost host(o);
    host.load();
    const PluginRecord* r = host.find("hello");
    ASSERT_NE(r, nullptr) << "no hello plugin in " << VERTEBRA_HELLO_PLUGIN_DIR;
    ASSERT_EQ(r->state, PluginState::Running) << r->error;
    const ModuleHandle* hello = host.module("hello");
    EXPECT_EQ(hello->manifest().name, "Hello therapy");
    EXPECT_EQ(hello->manifest().version, "1.0.0");
    plugin_api::BillingRequest req;
    req.date_of_service = LocalDate{date::sys_days{date::year{2025} / 6 / 2}.time_since_epoch()};
    req.section = {{"minutes", 15}};
    const auto result = hello->bill(req);
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0].unit_fee_cents, 3200);
    EXPECT_TRUE(plugin_api::validate_form(*hello->form("hello_note"), {{"pain", 4}}).empty());
}

}  // namespace
}  // namespace vertebra::core
