// Shared set-up of the in-process GUI tests: a fresh demo clinic, the main window, event pumping.
#include "gui_fixture.hpp"

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <wx/app.h>
#include <wx/choice.h>
#include <wx/image.h>
#include <wx/textctrl.h>
#include <wx/uiaction.h>
#include <wx/utils.h>

#include "calendar_view.hpp"
#include "screenshot.hpp"

namespace vertebra::ui::testing {

namespace fs = std::filesystem;

LocalDate test_today() { return LocalDate{date::year{2026} / 11 / 25}; }

void pump(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    do {
        wxTheApp->ProcessPendingEvents();
        wxYield();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < until);
}

bool pump_until(const std::function<bool()>& done, int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        pump(20);
    }
    return true;
}

std::string save_shot(const wxBitmap& bmp, const std::string& name) {
    const char* env = std::getenv("VERTEBRA_SCREENSHOT_DIR");
    const fs::path dir = env && *env ? fs::path(env) : fs::path(VERTEBRA_GUI_SHOT_DIR);
    fs::create_directories(dir);
    const fs::path path = dir / (name + ".png");
    EXPECT_TRUE(bmp.ConvertToImage().SaveFile(path.string(), wxBITMAP_TYPE_PNG)) << path;
    return path.string();
}

std::string shoot(wxWindow* w, const std::string& name) {
    w->Refresh();
    pump(150);
    const wxBitmap bmp = grab_window(w);
    EXPECT_TRUE(bmp.IsOk()) << "could not capture " << name;
    if (!bmp.IsOk()) return {};
    EXPECT_GT(distinct_colours(bmp), 20) << name << " looks blank";
    return save_shot(bmp, name);
}

void click(wxWindow* w) {
    wxUIActionSimulator sim;
    sim.MouseMove(w->GetScreenPosition() + wxPoint(w->GetSize().x / 2, w->GetSize().y / 2));
    pump(60);
    sim.MouseClick();
    pump(150);
}

void choose(wxChoice* c, int index) {
    c->SetSelection(index);
    wxCommandEvent e(wxEVT_CHOICE, c->GetId());
    e.SetEventObject(c);
    e.SetInt(index);
    c->ProcessWindowEvent(e);
    pump(50);
}

void type_into(wxTextCtrl* t, const char* text) {
    click(t);
    t->SetFocus();
    t->SelectAll();
    pump(30);
    wxUIActionSimulator sim;
    sim.Text(text);
    pump(200);
}

void GuiTest::SetUp() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("vertebra-gui-" + std::to_string(rd()));
    fs::create_directories(dir_);
    // Files the app keeps for the user (unsaved note text) stay in this test's folder.
    setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1);
    DesktopOptions o;
    o.demo = true;
    o.test_mode = true;
    o.db_url = "sqlite:" + (dir_ / "clinic.db").string();
    o.plugin_dirs = {VERTEBRA_GUI_PLUGIN_DIR};
    session_ = open_clinic_session(o, test_today());
    ASSERT_TRUE(session_.seeded_now);
}

MainFrame& GuiTest::open_frame(std::optional<CalendarMode> view) {
    frame_ = new MainFrame(session_, test_today(), false, true, view);
    frame_->SetSize(1280, 820);
    frame_->Show();
    frame_->Raise();
    EXPECT_TRUE(pump_until([&] { return frame_->calendar()->paints() > 0; }));
    pump(100);
    return *frame_;
}

void GuiTest::TearDown() {
    // A failed drag must not leave the button down or the mouse captured for the next test.
    wxUIActionSimulator().MouseUp();
    pump(30);
    if (frame_) {
        if (frame_->calendar()->HasCapture()) frame_->calendar()->ReleaseMouse();
        frame_->Destroy();
        frame_ = nullptr;
        pump(50);
    }
    session_ = ClinicSession{};
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

}  // namespace vertebra::ui::testing
