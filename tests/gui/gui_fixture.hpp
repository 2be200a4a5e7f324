// Shared set-up of the in-process GUI tests: a fresh demo clinic, the main window, event pumping.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <wx/bitmap.h>
#include <wx/window.h>

class wxChoice;

class wxTextCtrl;

#include "main_frame.hpp"
#include "vertebra/ui/desktop_session.hpp"

namespace vertebra::ui::testing {

/// The day every GUI test treats as today (a Wednesday); the demo is seeded around it.
LocalDate test_today();

/// Processes events for about `ms` milliseconds.
void pump(int ms = 50);
/// Pumps until `done` or `timeout_ms`; returns done().
bool pump_until(const std::function<bool()>& done, int timeout_ms = 5000);

/// Where screenshots go: $VERTEBRA_SCREENSHOT_DIR (docs/screenshots when regenerating), else the
/// build tree. Saves `bmp` as NAME.png there and returns the path.
std::string save_shot(const wxBitmap& bmp, const std::string& name);
/// Grabs `w` from the screen and saves it; fails the test if the capture looks blank.
std::string shoot(wxWindow* w, const std::string& name);

/// The window called `name` below `parent`, as a T (nullptr when missing or of another type).
template <class T>
T* find(const char* name, wxWindow* parent) {
    return dynamic_cast<T*>(wxWindow::FindWindowByName(name, parent));
}
/// Moves the real pointer to the middle of `w` and clicks (wxUIActionSimulator), then pumps.
void click(wxWindow* w);
/// Selects entry `index` of a choice and sends the event a user's pick sends.
void choose(wxChoice* c, int index);
/// Clicks into a text box, selects what is there and types `text`.
void type_into(wxTextCtrl* t, const char* text);

class GuiTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    /// Opens the main window on the fresh demo clinic and waits for its first paint.
    MainFrame& open_frame(std::optional<CalendarMode> view = {});

    std::filesystem::path dir_;
    ClinicSession session_;
    MainFrame* frame_ = nullptr;
};

}  // namespace vertebra::ui::testing
