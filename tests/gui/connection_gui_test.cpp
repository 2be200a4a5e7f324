// GUI test of the connection dialog: the current file is shown; a server profile gives its URL;
// "Test connection" reaches a real database.
#include <wx/radiobut.h>
#include <wx/spinctrl.h>
#include <wx/textctrl.h>
#include <wx/uiaction.h>

#include "connection_dialog.hpp"
#include "gui_fixture.hpp"

namespace vertebra::ui::testing {
namespace {

template <class T>
T* named(wxWindow* parent, const char* name) {
    auto* w = dynamic_cast<T*>(wxWindow::FindWindowByName(name, parent));
    EXPECT_NE(w, nullptr) << name;
    return w;
}

TEST_F(GuiTest, ConnectionDialogBuildsServerProfilesAndTestsTheConnection) {
    open_frame();
    const std::string current = session_.database->url().display;
    auto* dlg = new ConnectionDialog(frame_, current);
    dlg->Show();
    dlg->Raise();
    pump(150);
    EXPECT_TRUE(named<wxRadioButton>(dlg, "local")->GetValue());
    EXPECT_EQ(dlg->url(), current);
    EXPECT_TRUE(dlg->test_connection()) << dlg->message().utf8_str();
    EXPECT_TRUE(dlg->message().StartsWith("Connected")) << dlg->message().utf8_str();

    auto* server = named<wxRadioButton>(dlg, "server");
    wxUIActionSimulator sim;
    sim.MouseMove(server->GetScreenPosition() + wxPoint(8, server->GetSize().y / 2));
    pump(50);
    sim.MouseClick();
    ASSERT_TRUE(pump_until([&] { return server->GetValue(); }));
    EXPECT_TRUE(named<wxTextCtrl>(dlg, "host")->IsEnabled());
    EXPECT_FALSE(named<wxTextCtrl>(dlg, "file")->IsEnabled());
    named<wxTextCtrl>(dlg, "host")->SetValue("db.clinic.lan");
    named<wxSpinCtrl>(dlg, "port")->SetValue(6543);
    named<wxTextCtrl>(dlg, "database")->SetValue("vertebra");
    named<wxTextCtrl>(dlg, "user")->SetValue("");
    EXPECT_EQ(dlg->url(), "");
    EXPECT_TRUE(dlg->message().Contains("user")) << dlg->message().utf8_str();
    named<wxTextCtrl>(dlg, "user")->SetValue("frontdesk");
    EXPECT_EQ(dlg->url(), "postgresql://frontdesk@db.clinic.lan:6543/vertebra?sslmode=prefer");
    shoot(dlg, "connection");
    dlg->Destroy();
}

}  // namespace
}  // namespace vertebra::ui::testing
