// The wxApp of `vertebra`: start-up, the one top-level error handler, test mode, --screenshot.
#include "desktop_app.hpp"

#include <cstdlib>
#include <iostream>

#include <wx/config.h>
#include <wx/fileconf.h>
#include <wx/filename.h>
#include <wx/image.h>
#include <wx/log.h>
#include <wx/msgdlg.h>
#include <wx/progdlg.h>
#include <wx/stdpaths.h>
#include <wx/translation.h>
#include <wx/uilocale.h>
#include <wx/utils.h>

#include "calendar_view.hpp"
#include "main_frame.hpp"
#include "screenshot.hpp"
#include "ui_text.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

DesktopOptions& DesktopApp::options() {
    static DesktopOptions o;
    return o;
}

void DesktopApp::set_options(DesktopOptions o) { options() = std::move(o); }

namespace {
int g_startup_failure = 0;

int exit_code_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const Error& err) {
        return err.exit_code();
    } catch (...) {
        return 1;
    }
}
}  // namespace

int DesktopApp::startup_failure() { return g_startup_failure; }

void report_current_exception(wxWindow* where, bool test_mode) {
    const wxString message = wx(error_sentence(std::current_exception()));
    auto* frame = dynamic_cast<MainFrame*>(where ? wxGetTopLevelParent(where) : nullptr);
    if (!frame) frame = dynamic_cast<MainFrame*>(wxTheApp ? wxTheApp->GetTopWindow() : nullptr);
    if (frame) {
        frame->show_error(message);
        return;
    }
    std::cerr << "vertebra: " << message.utf8_str() << "\n";
    if (!test_mode) wxMessageBox(message, _("Vertebra"), wxOK | wxICON_ERROR);
}

bool DesktopApp::OnInit() {
    SetAppName("vertebra");
    SetAppDisplayName("Vertebra");
    wxInitAllImageHandlers();
    const DesktopOptions& o = options();
    // The user's language for dates and, when a catalogue is installed, for our _() strings.
    wxUILocale::UseDefault();
    auto* translations = new wxTranslations;
    wxTranslations::Set(translations);
    translations->AddStdCatalog();
    translations->AddCatalog("vertebra");

    // wx's own log messages go to stderr: a log dialog popping up at idle is modal and would
    // say things in wx's words. Our errors are shown by report_current_exception().
    delete wxLog::SetActiveTarget(new wxLogStderr);
    if (!o.test_mode) {
        // Window size and view live in $XDG_CONFIG_HOME/vertebra/vertebra.conf.
        wxStandardPaths::Get().SetFileLayout(wxStandardPaths::FileLayout_XDG);
        const wxString dir = wxStandardPaths::Get().GetUserConfigDir() + "/vertebra";
        if (!wxFileName::DirExists(dir)) wxFileName::Mkdir(dir, wxS_DIR_DEFAULT, wxPATH_MKDIR_FULL);
        // wx 3.2's wxFileConfig ignores the XDG layout for its default name: give the path.
        wxConfigBase::Set(new wxFileConfig("vertebra", wxEmptyString, dir + "/vertebra.conf",
                                           wxEmptyString, wxCONFIG_USE_LOCAL_FILE));
    } else {
        wxConfigBase::DontCreateOnDemand();
    }

    // Without --db, --demo or $VERTEBRA_DB: the database chosen last time (File > Connect).
    if (o.db_url.empty() && !o.demo && !std::getenv("VERTEBRA_DB") && !o.test_mode) {
        wxString remembered;
        if (wxConfigBase::Get()->Read("/connection/url", &remembered) && !remembered.empty())
            options().db_url = utf8(remembered);
    }
    try {
        wxBusyCursor busy;
        // Seeding the demo clinic takes a moment on first run: show how far it is.
        std::unique_ptr<wxProgressDialog> progress;
        auto on_progress = [&](double fraction) {
            if (o.test_mode) return;
            if (!progress)
                progress = std::make_unique<wxProgressDialog>(
                    _("Vertebra"), _("Creating the demo clinic..."), 100, nullptr,
                    wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_ELAPSED_TIME);
            progress->Update(static_cast<int>(fraction * 100));
        };
        session_ = open_clinic_session(o, o.today.value_or(local_today()), on_progress);
    } catch (...) {
        fail_startup(wx(error_sentence(std::current_exception())),
                     exit_code_of(std::current_exception()));
        return false;
    }
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    const LocalDate today = o.today.value_or(session_.scheduler->zone().local_date(now));
    try {
        frame_ = new MainFrame(session_, today, !o.test_mode, o.test_mode, o.view);
    } catch (...) {
        fail_startup(wx(error_sentence(std::current_exception())),
                     exit_code_of(std::current_exception()));
        return false;
    }
    frame_->on_switch_database = [this](const std::string& url) { switch_database(url); };
    SetTopWindow(frame_);
    frame_->Show();
    if (session_.seeded_now)
        frame_->show_info(wxString::Format(_("Created the demo clinic: %lld practitioners, %lld "
                                             "patients, %lld appointments."),
                                           static_cast<long long>(session_.seed.practitioners),
                                           static_cast<long long>(session_.seed.patients),
                                           static_cast<long long>(session_.seed.appointments)));
    if (!o.screenshot.empty()) take_screenshot_when_painted();
    return true;
}

void DesktopApp::take_screenshot_when_painted() {
    screenshot_timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        CalendarView* cal = frame_ ? frame_->calendar() : nullptr;
        ++screenshot_waits_;
        // Wait for the first paint, then a few more ticks so the window manager settles.
        if (!cal || cal->paints() == 0 || screenshot_waits_ < 6) {
            if (screenshot_waits_ > 200) {
                std::cerr << "vertebra: the calendar was never painted; no screenshot\n";
                failed_ = true;
                screenshot_timer_.Stop();
                frame_->Close(true);
            }
            return;
        }
        screenshot_timer_.Stop();
        cal->Refresh();
        cal->Update();
        wxString error;
        const wxString path = wx(options().screenshot);
        if (!save_window_png(frame_, path, &error)) {
            std::cerr << "vertebra: " << error.utf8_str() << "\n";
            failed_ = true;
        } else {
            const int laid_out = static_cast<int>(frame_->presenter().layout().blocks.size());
            std::cout << "vertebra: screenshot " << path.utf8_str() << "; drew "
                      << cal->blocks_drawn() << " of " << laid_out
                      << " appointment blocks (drawing " << cal->last_render_ms()
                      << " ms, repaint " << cal->last_paint_ms() << " ms)\n";
            if (cal->blocks_drawn() != laid_out) failed_ = true;
        }
        frame_->Close(true);
    });
    screenshot_timer_.Start(50);
}

void DesktopApp::switch_database(const std::string& url) {
    DesktopOptions o = options();
    o.db_url = url;
    o.demo = false;
    ClinicSession next;
    try {
        wxBusyCursor busy;
        next = open_clinic_session(o, local_today());
    } catch (...) {
        report_current_exception(frame_, o.test_mode);
        return;
    }
    if (wxConfigBase* cfg = wxConfigBase::Get(false)) {
        cfg->Write("/connection/url", wx(url));
        cfg->Flush();
    }
    MainFrame* old = frame_;
    old->Hide();
    retired_.push_back(std::make_unique<ClinicSession>(std::move(session_)));
    // The old window still refers to the moved-out session's objects, which live on in retired_.
    session_ = std::move(next);
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    frame_ = new MainFrame(session_, session_.scheduler->zone().local_date(now), !o.test_mode,
                           o.test_mode);
    frame_->on_switch_database = [this](const std::string& u) { switch_database(u); };
    SetTopWindow(frame_);
    frame_->Show();
    old->Destroy();
    frame_->show_info(wxString::Format(_("Opened %s."), wx(session_.display)));
}

void DesktopApp::fail_startup(const wxString& message, int exit_code) {
    failed_ = true;
    g_startup_failure = exit_code;
    std::cerr << "vertebra: " << message.utf8_str() << "\n";
    if (!options().test_mode)
        wxMessageBox(message, _("Vertebra cannot start"), wxOK | wxICON_ERROR);
}

int DesktopApp::OnRun() {
    const int rc = wxApp::OnRun();
    return failed_ ? 1 : rc;
}

int DesktopApp::OnExit() {
    delete wxConfigBase::Set(nullptr);
    return wxApp::OnExit();
}

bool DesktopApp::OnExceptionInMainLoop() {
    // The one top-level handler: show the sentence, keep the app running.
    try {
        throw;
    } catch (...) {
        report_current_exception(frame_, options().test_mode);
        if (options().test_mode) failed_ = true;
    }
    return true;
}

void DesktopApp::OnUnhandledException() {
    try {
        throw;
    } catch (...) {
        std::cerr << "vertebra: " << error_sentence(std::current_exception()) << "\n";
    }
}

void DesktopApp::OnAssertFailure(const wxChar* file, int line, const wxChar* func,
                                 const wxChar* cond, const wxChar* msg) {
    if (!options().test_mode) {
        wxApp::OnAssertFailure(file, line, func, cond, msg);
        return;
    }
    // Never a modal dialog in test mode: it would hang the run under Xvfb.
    std::cerr << "vertebra: wx assertion failed: " << wxString(file).utf8_str() << ":" << line
              << " " << wxString(func).utf8_str() << ": " << wxString(cond).utf8_str() << " "
              << wxString(msg).utf8_str() << "\n";
    failed_ = true;
}

}  // namespace vertebra::ui
