// Therapy-module choices on real storage: one suite, run on a SQLite file and on PostgreSQL.
#include <gtest/gtest.h>

#include "test_databases.hpp"
#include "vertebra/audit/audit.hpp"
#include "vertebra/plugins/module_settings.hpp"

namespace vertebra::testing {
namespace {

const Instant kAt = from_epoch(1772445600);  // 2026-03-02T10:00:00Z

class ModuleSettingsTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        db_ = tdb_->open();
        repo_ = db_->module_settings();
    }
    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<core::ModuleSettingsRepository> repo_;
};

TEST_P(ModuleSettingsTest, RememberedModuleStartsEnabledAndKeepsItsChoice) {
    repo_->remember("massage", "Massage", "1.0.0");
    auto m = repo_->find("massage");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, (core::ModuleSetting{"massage", "Massage", "1.0.0", true, "", std::nullopt}));
    ASSERT_TRUE(repo_->set_enabled("massage", false, "owner", kAt));
    repo_->remember("massage", "Massage therapy", "1.1.0");  // upgrade keeps the choice
    m = repo_->find("massage");
    EXPECT_EQ(*m, (core::ModuleSetting{"massage", "Massage therapy", "1.1.0", false, "owner", kAt}));
}

TEST_P(ModuleSettingsTest, EnableDisableIsAuditedAndSurvivesReconnecting) {
    EXPECT_FALSE(repo_->set_enabled("acupuncture", true, "owner", kAt)) << "already enabled";
    EXPECT_TRUE(repo_->set_enabled("acupuncture", false, "owner", kAt));
    EXPECT_FALSE(repo_->set_enabled("acupuncture", false, "owner", kAt));
    EXPECT_TRUE(repo_->set_enabled("acupuncture", true, "manager", kAt + std::chrono::minutes(5)));
    EXPECT_TRUE(repo_->set_enabled("injections", false, "owner", kAt + std::chrono::minutes(6)));

    auto again = tdb_->open();
    auto repo = again->module_settings();
    const auto all = repo->list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].module_id, "acupuncture");
    EXPECT_TRUE(all[0].enabled);
    EXPECT_EQ(all[0].changed_by, "manager");
    EXPECT_EQ(all[0].changed_at, kAt + std::chrono::minutes(5));
    EXPECT_FALSE(all[1].enabled);
    EXPECT_EQ(repo->audit("acupuncture"),
              (std::vector<core::ModuleAuditEntry>{
                  {"acupuncture", false, "owner", kAt},
                  {"acupuncture", true, "manager", kAt + std::chrono::minutes(5)}}));
    EXPECT_EQ(repo->audit("").size(), 3u);
    EXPECT_FALSE(repo->find("chiropractic"));

    // A security event: each change is also in the hash-chained audit log, which verifies.
    auto log = again->audit()->all();
    std::vector<std::string> changes;
    for (const auto& e : log)
        if (e.action.rfind("module.", 0) == 0) changes.push_back(e.action + " " + e.object);
    EXPECT_EQ(changes, (std::vector<std::string>{"module.disable module:acupuncture",
                                                 "module.enable module:acupuncture",
                                                 "module.disable module:injections"}));
    EXPECT_TRUE(core::verify_audit_chain(log).intact);
}

TEST_P(ModuleSettingsTest, IdsAreParametersNotSql) {
    const std::string nasty = "x'); DROP TABLE modules; --";
    EXPECT_TRUE(repo_->set_enabled(nasty, false, "o'brien", kAt));
    ASSERT_TRUE(repo_->find(nasty));
    EXPECT_EQ(repo_->find(nasty)->changed_by, "o'brien");
    EXPECT_EQ(repo_->list().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModuleSettingsTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
