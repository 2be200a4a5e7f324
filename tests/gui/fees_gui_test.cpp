// GUI test of the owner's "Fees and payers" screen: the owner sets a clinic fee with simulated
// input and sees it listed (and billed); the owner sets a commercial plan's yearly chiropractic
// visit cap on the Payers page; a front-desk user sees the same lists read-only.
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/uiaction.h>

#include "fees_dialog.hpp"
#include "gui_fixture.hpp"
#include "vertebra/billing/visit_biller.hpp"

namespace vertebra::ui::testing {
namespace {

const FeeListRow* row_of(const std::vector<FeeListRow>& rows, const std::string& code) {
    for (const auto& r : rows)
        if (r.code == code && r.payer_id.empty()) return &r;
    return nullptr;
}

std::int64_t bill_97110(ClinicSession& s, LocalDate day) {
    const core::billing::ClinicFeeTable fees(s.record->fees->all());
    core::billing::BillOptions o;
    o.clinic_fees = &fees;
    const nlohmann::json visit = {{"date", format_date(day)},
                                  {"items", {{{"code", "97110"}, {"minutes", 15}}}}};
    return core::billing::bill_visit(visit, *s.modules, o).result.total_cents;
}

TEST_F(GuiTest, OwnerSetsAClinicFeeAndSeesItListed) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    ASSERT_TRUE(f.user()->has(core::Permission::FeeManage));
    const LocalDate today = test_today();
    const std::int64_t before = bill_97110(session_, today);

    auto* dlg = new FeesDialog(&f, *session_.record->fees, *session_.modules, *f.user(), today);
    dlg->Show();
    dlg->Raise();
    pump(300);
    const FeeListRow* r = row_of(dlg->rows(), "97110");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->default_fee, "$42.00");
    EXPECT_FALSE(r->clinic);
    ASSERT_TRUE(dlg->select_code("97110"));
    auto* amount = find<wxTextCtrl>("fees_amount", dlg);
    auto* reason = find<wxTextCtrl>("fees_reason", dlg);
    auto* set = find<wxButton>("fees_set", dlg);
    ASSERT_TRUE(amount && reason && set);
    EXPECT_TRUE(set->IsEnabled());

    // A missing reason is refused by core, named, and nothing is stored.
    type_into(amount, "48.50");
    click(set);
    EXPECT_NE(dlg->message().Find("Reason"), wxNOT_FOUND) << dlg->message().utf8_str();
    EXPECT_TRUE(session_.record->fees->all().empty());

    type_into(reason, "Price list 2026");
    click(set);
    ASSERT_TRUE(pump_until([&] {
        const FeeListRow* x = row_of(dlg->rows(), "97110");
        return x && x->clinic;
    })) << dlg->message().utf8_str();
    r = row_of(dlg->rows(), "97110");
    EXPECT_EQ(r->clinic_fee, "$48.50");
    EXPECT_EQ(r->since, format_date(today));
    EXPECT_NE(r->set_by.find("Price list 2026"), std::string::npos) << r->set_by;
    EXPECT_EQ(bill_97110(session_, today), 4850);
    EXPECT_EQ(bill_97110(session_, today - date::days{1}), before);  // history keeps its fee
    bool audited = false;
    for (const auto& e : session_.record->audit->all()) audited |= e.action == "fee.set";
    EXPECT_TRUE(audited);

    // A payer's own fee: one more row for that payer, shaded like every clinic fee.
    ASSERT_TRUE(dlg->select_code("97140"));
    auto* payer = find<wxChoice>("fees_payer", dlg);
    ASSERT_TRUE(payer);
    ASSERT_TRUE(payer->SetStringSelection("medicare"));
    type_into(amount, "39");
    type_into(reason, "Medicare contract rate");
    click(set);
    ASSERT_TRUE(pump_until([&] {
        for (const auto& x : dlg->rows())
            if (x.code == "97140" && x.payer_id == "medicare") return true;
        return false;
    })) << dlg->message().utf8_str();
    EXPECT_EQ(session_.record->fees->all().size(), 2u);
    // As Medicare visits are billed: its own 97140 fee, everyone's 97110 fee.
    dlg->show_payer("medicare");
    for (const auto& x : dlg->rows()) {
        if (x.code == "97140") {
            EXPECT_EQ(x.clinic_fee, "$39.00");
        }
        if (x.code == "97110") {
            EXPECT_EQ(x.clinic_fee, "$48.50");
        }
    }
    ASSERT_TRUE(dlg->select_code("97140"));
    pump(200);
    shoot(dlg, "fees");

    dlg->show_page(1);
    pump(200);
    EXPECT_GE(dlg->payer_rows().size(), 3u);
    ASSERT_TRUE(dlg->select_payer("medicare"));
    auto* details = find<wxTextCtrl>("payer_details", dlg);
    ASSERT_TRUE(details);
    EXPECT_NE(details->GetValue().Find("Clinic fees of its own: 1"), wxNOT_FOUND)
        << details->GetValue().utf8_str();
    pump(100);
    shoot(dlg, "fees-payers");
    dlg->Destroy();
    pump(50);

    // Front desk: the same lists, nothing to change.
    core::Principal desk;
    desk.name = "frontdesk";
    desk.roles = {core::Role::FrontDesk};
    auto* ro = new FeesDialog(&f, *session_.record->fees, *session_.modules, desk, today);
    ro->Show();
    pump(200);
    EXPECT_FALSE(find<wxButton>("fees_set", ro)->IsEnabled());
    const FeeListRow* seen = row_of(ro->rows(), "97110");
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->clinic_fee, "$48.50");
    ro->Destroy();
    pump(50);
}

int option_index(const std::vector<PayerOptionLine>& lines, const std::string& option) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].option == option) return static_cast<int>(i);
    return -1;
}

TEST_F(GuiTest, OwnerSetsAPlansYearlyVisitCapOnThePayersPage) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    const LocalDate today = test_today();
    auto* dlg = new FeesDialog(&f, *session_.record->fees, *session_.modules, *f.user(), today);
    dlg->Show();
    dlg->Raise();
    dlg->show_page(1);
    pump(300);
    ASSERT_TRUE(dlg->select_payer("commercial"));
    const int cap = option_index(dlg->option_lines(), "chiropractic.visits_per_year");
    ASSERT_GE(cap, 0);
    EXPECT_EQ(dlg->option_lines()[static_cast<std::size_t>(cap)].value, "0");
    EXPECT_EQ(dlg->option_lines()[static_cast<std::size_t>(cap)].source, "module's own");

    auto* option = find<wxChoice>("payer_option", dlg);
    auto* value = find<wxComboBox>("payer_value", dlg);
    auto* reason = find<wxTextCtrl>("payer_reason", dlg);
    auto* set = find<wxButton>("payer_set", dlg);
    auto* message = find<wxStaticText>("payer_message", dlg);
    ASSERT_TRUE(option && value && reason && set && message);
    EXPECT_TRUE(set->IsEnabled());
    choose(option, cap);
    auto type_value = [&](const char* text) {
        click(value);
        value->SetFocus();
        value->SelectAll();
        pump(30);
        wxUIActionSimulator sim;
        sim.Text(text);
        pump(100);
    };
    // Out of the module's range: refused by core, named, nothing stored.
    type_value("400");
    type_into(reason, "Blue plan contract 2026");
    click(set);
    EXPECT_NE(message->GetLabel().Find("a whole number from 0 to 366"), wxNOT_FOUND)
        << message->GetLabel().utf8_str();
    EXPECT_TRUE(session_.record->fees->payer_settings().empty());

    type_value("20");
    click(set);
    ASSERT_TRUE(pump_until([&] { return !session_.record->fees->payer_settings().empty(); }))
        << message->GetLabel().utf8_str();
    const auto stored = session_.record->fees->payer_settings();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].payer, "commercial");
    EXPECT_EQ(stored[0].value, 20);
    EXPECT_EQ(stored[0].effective_from, today);
    EXPECT_EQ(stored[0].reason, "Blue plan contract 2026");
    ASSERT_TRUE(pump_until([&] {
        const int i = option_index(dlg->option_lines(), "chiropractic.visits_per_year");
        return i >= 0 && dlg->option_lines()[static_cast<std::size_t>(i)].clinic;
    }));
    const auto& line = dlg->option_lines()[static_cast<std::size_t>(
        option_index(dlg->option_lines(), "chiropractic.visits_per_year"))];
    EXPECT_EQ(line.value, "20");
    EXPECT_NE(line.source.find("Blue plan contract 2026"), std::string::npos) << line.source;
    // What the booking checks hand the chiropractic module for a commercial patient today.
    const core::billing::PayerSettingTable table(stored);
    EXPECT_EQ(table.module_options("commercial", "chiropractic", today),
              (nlohmann::json{{"visits_per_year", 20}}));
    bool audited = false;
    for (const auto& e : session_.record->audit->all()) audited |= e.action == "payer.set";
    EXPECT_TRUE(audited);
    pump(100);
    shoot(dlg, "fees-payer-settings");
    dlg->Destroy();
    pump(50);

    // Front desk: the settings are shown, nothing to change.
    core::Principal desk;
    desk.name = "frontdesk";
    desk.roles = {core::Role::FrontDesk};
    auto* ro = new FeesDialog(&f, *session_.record->fees, *session_.modules, desk, today);
    ro->show_page(1);
    ro->Show();
    pump(200);
    ASSERT_TRUE(ro->select_payer("commercial"));
    EXPECT_FALSE(find<wxButton>("payer_set", ro)->IsEnabled());
    const int i = option_index(ro->option_lines(), "chiropractic.visits_per_year");
    ASSERT_GE(i, 0);
    EXPECT_EQ(ro->option_lines()[static_cast<std::size_t>(i)].value, "20");
    ro->Destroy();
    pump(50);
}

}  // namespace
}  // namespace vertebra::ui::testing
