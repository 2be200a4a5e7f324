// The wxApp of `vertebra`: start-up, the one top-level error handler, test mode, --screenshot.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <wx/app.h>
#include <wx/timer.h>

#include "vertebra/ui/desktop_session.hpp"

namespace vertebra::ui {

class MainFrame;

class DesktopApp : public wxApp {
public:
    /// Options are parsed by main() before wx starts (so --help and bad options need no display).
    static void set_options(DesktopOptions o);
    /// Exit status when start-up failed (the error's exit code, e.g. 5 = database unavailable),
    /// else 0. wxEntry() itself only says -1.
    static int startup_failure();

    bool OnInit() override;
    int OnRun() override;
    int OnExit() override;
    bool OnExceptionInMainLoop() override;
    void OnUnhandledException() override;
    void OnAssertFailure(const wxChar* file, int line, const wxChar* func, const wxChar* cond,
                         const wxChar* msg) override;

private:
    void fail_startup(const wxString& message, int exit_code);
    void take_screenshot_when_painted();
    /// --bench: the figures once the calendar is interactive, then exit.
    void take_bench_when_painted();
    static DesktopOptions& options();

    /// Opens `url` and replaces the main window; on failure the current one stays and says why.
    void switch_database(const std::string& url);

    ClinicSession session_;
    /// Sessions of replaced windows: kept until exit, as wx deletes windows later.
    std::vector<std::unique_ptr<ClinicSession>> retired_;
    MainFrame* frame_ = nullptr;
    bool failed_ = false;
    wxTimer screenshot_timer_;
    int screenshot_waits_ = 0;
};

/// Turns the exception in flight into a sentence and shows it (info bar, or a message box when
/// there is no main window), logging it to stderr too. Used by every top-level catch.
void report_current_exception(wxWindow* where, bool test_mode);

}  // namespace vertebra::ui
