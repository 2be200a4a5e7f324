// The "Fees and payers" presenter: amounts as people type them, owner-only editing, the list.
#include <gtest/gtest.h>

#include "vertebra/ui/fees_presenter.hpp"

namespace vertebra::ui {
namespace {

core::Principal person(const char* name, core::Role r) {
    core::Principal p;
    p.name = name;
    p.roles = {r};
    return p;
}

TEST(FeesPresenterTest, ReadsAmountsAsPeopleTypeThem) {
    EXPECT_EQ(FeesPresenter::parse_amount("48"), 4800);
    EXPECT_EQ(FeesPresenter::parse_amount("48.5"), 4850);
    EXPECT_EQ(FeesPresenter::parse_amount(" $48.50 "), 4850);
    EXPECT_EQ(FeesPresenter::parse_amount("0.07"), 7);
    EXPECT_EQ(FeesPresenter::parse_amount(".50"), 50);
    for (const char* bad : {"", "$", "abc", "48.505", "4 8x", "-3", "48.", "1234567890"})
        EXPECT_FALSE(FeesPresenter::parse_amount(bad)) << bad;
}

TEST(FeesPresenterTest, OwnerSetsAFeeOthersOnlyRead) {
    core::PluginHostOptions none;
    none.default_dirs = false;
    core::PluginHost host(none);
    core::ModuleRegistry modules(host, nullptr);
    core::billing::InMemoryFeeRepository repo;
    const LocalDate today = parse_local_date("2027-03-01");

    FeesPresenter desk(repo, modules, person("fay", core::Role::FrontDesk), today);
    EXPECT_FALSE(desk.can_edit());
    EXPECT_NE(desk.edit_hint().find("owner"), std::string::npos);
    auto r = desk.set_fee("97110", "48.00", today, "", "new list", from_epoch(0));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("fee.manage"), std::string::npos) << r.message;

    FeesPresenter owner(repo, modules, person("olga", core::Role::Owner), today);
    EXPECT_TRUE(owner.can_edit());
    r = owner.set_fee("97110", "forty", today, "", "new list", from_epoch(0));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("Fee"), std::string::npos) << r.message;
    r = owner.set_fee("97110", "48.00", today, "", "", from_epoch(0));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("Reason"), std::string::npos) << r.message;
    r = owner.set_fee("97110", "48.00", today, "", "new list", from_epoch(0));
    ASSERT_TRUE(r.ok) << r.message;

    bool seen = false;
    for (const auto& row : desk.rows()) {
        if (row.code != "97110") continue;
        seen = true;
        EXPECT_EQ(row.default_fee, "$42.00");
        EXPECT_EQ(row.clinic_fee, "$48.00");
        EXPECT_EQ(row.since, "2027-03-01");
        EXPECT_EQ(row.set_by, "olga: new list");
        EXPECT_EQ(row.payer, "All payers");
    }
    EXPECT_TRUE(seen);
    desk.set_date(parse_local_date("2027-02-28"));
    for (const auto& row : desk.rows())
        if (row.code == "97110") {
            EXPECT_EQ(row.clinic_fee, "");
        }
    const auto payers = desk.payers();
    ASSERT_GE(payers.size(), 3u);
    EXPECT_TRUE(desk.problem().empty()) << desk.problem();
}

}  // namespace
}  // namespace vertebra::ui
