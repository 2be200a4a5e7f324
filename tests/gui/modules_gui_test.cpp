// GUI test of the module manager: the owner disables a module (its services can no longer be
// booked) and enables it again.
#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/uiaction.h>

#include "gui_fixture.hpp"
#include "modules_dialog.hpp"

namespace vertebra::ui::testing {
namespace {

/// Checks a booking of the demo's chiropractic adjustment without writing it.
std::string try_chiropractic(ClinicSession& s) {
    core::BookingRequest r;
    for (const auto& sv : s.repo().services())
        if (sv.module_id == "chiropractic") r.service_id = sv.id;
    for (const auto& p : s.repo().practitioners())
        if (p.has_discipline("chiropractic")) r.practitioner_id = p.id;
    r.patient_id = s.repo().find_patients("", 1).at(0).id;
    r.start = LocalTime{test_today() + date::days{42}} + std::chrono::hours{9};
    try {
        s.scheduler->prepare_booking(r);
        return {};
    } catch (const Error& e) {
        return e.what();
    }
}

TEST_F(GuiTest, OwnerDisablesAndReenablesAModule) {
    MainFrame& f = open_frame();
    ASSERT_EQ(session_.modules->status("chiropractic").state, core::ModuleState::Running)
        << "the chiropractic plugin was not loaded from " << VERTEBRA_GUI_PLUGIN_DIR << ": "
        << session_.modules->status("chiropractic").error;
    EXPECT_EQ(try_chiropractic(session_), "");

    ModulesDialog* dlg = f.create_modules_dialog();
    dlg->Show();
    dlg->Raise();
    pump(200);
    EXPECT_GE(dlg->rows().size(), 1u);
    ASSERT_TRUE(dlg->select_module("chiropractic"));
    auto* disable = find<wxButton>("disable_module", dlg);
    auto* enable = find<wxButton>("enable_module", dlg);
    ASSERT_TRUE(disable && enable);
    EXPECT_TRUE(disable->IsEnabled());
    EXPECT_FALSE(enable->IsEnabled());

    click(disable);
    ASSERT_TRUE(pump_until([&] {
        return session_.modules->status("chiropractic").state == core::ModuleState::Disabled;
    })) << dlg->problem().utf8_str();
    EXPECT_TRUE(enable->IsEnabled());
    const std::string refused = try_chiropractic(session_);
    EXPECT_NE(refused.find("chiropractic"), std::string::npos) << refused;
    shoot(dlg, "modules");

    click(enable);
    ASSERT_TRUE(pump_until([&] {
        return session_.modules->status("chiropractic").state == core::ModuleState::Running;
    }));
    EXPECT_EQ(try_chiropractic(session_), "");
    dlg->Destroy();
}

TEST_F(GuiTest, ATherapistSeesTheModulesButCannotSwitchThem) {
    MainFrame& f = open_frame();
    core::Principal therapist;
    therapist.name = "tess";
    therapist.roles = {core::Role::Therapist};
    auto* dlg = new ModulesDialog(&f, *session_.modules, &therapist);
    dlg->Show();
    pump(200);
    ASSERT_TRUE(dlg->select_module("chiropractic"));
    auto* disable = find<wxButton>("disable_module", dlg);
    auto* enable = find<wxButton>("enable_module", dlg);
    ASSERT_TRUE(disable && enable);
    EXPECT_FALSE(disable->IsEnabled());
    EXPECT_FALSE(enable->IsEnabled());
    EXPECT_NE(dlg->problem().Find("Only an owner"), wxNOT_FOUND) << dlg->problem().utf8_str();
    EXPECT_EQ(session_.modules->status("chiropractic").state, core::ModuleState::Running);
    dlg->Destroy();
}

}  // namespace
}  // namespace vertebra::ui::testing
