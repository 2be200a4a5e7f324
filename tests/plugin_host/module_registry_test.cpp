// Module registry: states from fixture plugins plus stored choices; enable/disable is audited.
#include <gtest/gtest.h>

#include "acting_owner.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::core {
namespace {

PluginHostOptions fixtures(std::initializer_list<const char*> scenarios) {
    PluginHostOptions o;
    o.default_dirs = false;
    for (const char* s : scenarios) o.dirs.push_back(std::filesystem::path(VERTEBRA_FIXTURE_DIR) / s);
    return o;
}

const Instant kMonday = from_epoch(1772409600);  // 2026-03-02T00:00:00Z

class ModuleRegistryTest : public ::testing::Test {
protected:
    ModuleRegistryTest() : host_(fixtures({"good", "no_factory"})), registry_(host_, &settings_) {
        host_.load();
        settings_.remember("massage", "Massage", "0.9.0");  // data from an earlier install
        registry_.sync();
    }
    ModuleStatus find(const std::string& id) const { return registry_.status(id); }

    PluginHost host_;
    InMemoryModuleSettings settings_;
    ModuleRegistry registry_;
};

TEST_F(ModuleRegistryTest, ListsEveryKnownModuleWithItsState) {
    const auto list = registry_.list();
    std::vector<std::string> ids;
    for (const auto& s : list) ids.push_back(s.id + "=" + to_string(s.state));
    EXPECT_EQ(ids, (std::vector<std::string>{"dependent=running", "good=running",
                                             "massage=not_installed", "no_factory=failed"}));
    const auto good = find("good");
    EXPECT_EQ(good.name, "Good fixture");
    EXPECT_EQ(good.version, "1.2.0");
    EXPECT_TRUE(good.error.empty());
    const auto massage = find("massage");
    EXPECT_EQ(massage.name, "Massage");
    EXPECT_EQ(massage.version, "0.9.0");
    EXPECT_TRUE(find("no_factory").error.find("does not export the module factory") !=
                std::string::npos);
}

TEST_F(ModuleRegistryTest, SyncRemembersLoadedModules) {
    ASSERT_TRUE(settings_.find("good").has_value());
    EXPECT_EQ(settings_.find("good")->version, "1.2.0");
    EXPECT_TRUE(settings_.find("good")->enabled);
    EXPECT_FALSE(settings_.find("no_factory").has_value()) << "failed plugins are not remembered";
}

TEST_F(ModuleRegistryTest, DisablingStopsBookingAndIsAudited) {
    EXPECT_TRUE(registry_.is_enabled("good"));
    EXPECT_TRUE(registry_.set_enabled(owner("owner"), "good", false, kMonday));
    EXPECT_FALSE(registry_.is_enabled("good"));
    EXPECT_EQ(registry_.active("good"), nullptr);
    EXPECT_EQ(find("good").state, ModuleState::Disabled);
    EXPECT_EQ(find("good").changed_by, "owner");
    EXPECT_EQ(find("good").changed_at, kMonday);
    try {
        registry_.require_active("good");
        FAIL() << "expected Conflict";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_STREQ(e.what(), "module good is disabled (enable it with `modules enable good`)");
    }
    EXPECT_FALSE(registry_.set_enabled(owner("owner"), "good", false, kMonday)) << "already disabled";
    EXPECT_TRUE(registry_.set_enabled(owner("manager"), "good", true, kMonday + std::chrono::hours(1)));
    EXPECT_TRUE(registry_.is_enabled("good"));
    EXPECT_EQ(settings_.audit("good"),
              (std::vector<ModuleAuditEntry>{{"good", false, "owner", kMonday},
                                             {"good", true, "manager", kMonday + std::chrono::hours(1)}}));
}

TEST_F(ModuleRegistryTest, OnlyAnOwnerSwitchesModules) {
    for (Role r : {Role::Therapist, Role::FrontDesk}) {
        Principal p = owner("not_an_owner");
        p.roles = {r};
        try {
            registry_.set_enabled(p, "good", false, kMonday);
            FAIL() << "expected PermissionDenied";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::PermissionDenied);
            EXPECT_NE(std::string(e.what()).find("lacks module.manage"), std::string::npos)
                << e.what();
        }
    }
    EXPECT_TRUE(registry_.is_enabled("good"));
    EXPECT_TRUE(settings_.audit("good").empty()) << "a refused switch left an audit entry";
}

TEST_F(ModuleRegistryTest, CoreServicesAreAlwaysBookableButUnknownModulesAreNot) {
    EXPECT_TRUE(registry_.is_enabled(""));
    EXPECT_FALSE(registry_.is_enabled("massage"));     // not installed
    EXPECT_FALSE(registry_.is_enabled("no_factory"));  // failed
    EXPECT_FALSE(registry_.is_enabled("nonsense"));
}

TEST_F(ModuleRegistryTest, UnknownModuleIsNotFoundNamingTheKnownOnes) {
    try {
        registry_.set_enabled(owner("owner"), "reiki", false, kMonday);
        FAIL() << "expected NotFound";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
        EXPECT_STREQ(e.what(), "module \"reiki\" not found (known modules: dependent, good, "
                               "massage, no_factory)");
    }
}

TEST_F(ModuleRegistryTest, FailedAndMissingModulesExplainWhyTheyCannotBeUsed) {
    try {
        registry_.require_active("massage");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "module massage is not installed");
    }
    try {
        registry_.require_active("no_factory");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("module no_factory failed to load: no_factory.so", 0), 0u);
    }
}

TEST_F(ModuleRegistryTest, DisabledNotInstalledModuleKeepsItsChoice) {
    EXPECT_TRUE(registry_.set_enabled(owner("owner"), "massage", false, kMonday));
    EXPECT_EQ(find("massage").state, ModuleState::NotInstalled);
    EXPECT_FALSE(find("massage").enabled);
}

TEST_F(ModuleRegistryTest, JsonHasTheDocumentedShape) {
    registry_.set_enabled(owner("owner"), "good", false, kMonday);
    EXPECT_EQ(to_json(find("good")),
              (nlohmann::json{{"id", "good"}, {"name", "Good fixture"}, {"version", "1.2.0"},
                              {"state", "disabled"}, {"error", nullptr}, {"enabled", false},
                              {"changed_by", "owner"}, {"changed_at", "2026-03-02T00:00:00Z"}}));
    const auto failed = to_json(find("no_factory"));
    EXPECT_EQ(failed["state"], "failed");
    EXPECT_TRUE(failed["error"].is_string());
    EXPECT_EQ(to_json(find("massage"))["error"], nullptr);
}

TEST(ModuleRegistryNoDatabaseTest, EveryLoadedModuleIsEnabledAndChoicesAreRefused) {
    PluginHost host(fixtures({"good"}));
    host.load();
    ModuleRegistry registry(host, nullptr);
    registry.sync();
    EXPECT_TRUE(registry.is_enabled("good"));
    EXPECT_EQ(registry.active_modules().size(), 2u);
    try {
        registry.set_enabled(owner("owner"), "good", false, kMonday);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    }
}

}  // namespace
}  // namespace vertebra::core
