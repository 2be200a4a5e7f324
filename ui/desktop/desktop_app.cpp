// The wxApp of `vertebra`: start-up, the one top-level error handler, test mode, --screenshot.
#include "desktop_app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <unistd.h>

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
#include "record_dialogs.hpp"
#include "screenshot.hpp"
#include "ui_text.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

namespace {

/// The progress dialog of opening a clinic (open_clinic_session's long steps), shown only once a
/// long step begins and never in --test-mode.
class OpenProgressDialog {
public:
    OpenProgressDialog(wxWindow* parent, bool test_mode) : parent_(parent), off_(test_mode) {}
    OpenProgress callback() {
        return [this](double fraction, const std::string& what) {
            if (off_) return;
            if (!dialog_)
                dialog_ = std::make_unique<wxProgressDialog>(
                    _("Vertebra"), wx(what), 100, parent_,
                    wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_ELAPSED_TIME);
            dialog_->Update(static_cast<int>(fraction * 100), wx(what));
        };
    }

private:
    wxWindow* parent_;
    bool off_;
    std::unique_ptr<wxProgressDialog> dialog_;
};

}  // namespace

DesktopOptions& DesktopApp::options() {
    static DesktopOptions o;
    return o;
}

void DesktopApp::set_options(DesktopOptions o) {
    if (o.bench) o.test_mode = true;  // no dialogs, nothing remembered
    options() = std::move(o);
}

namespace {
int g_startup_failure = 0;

/// Milliseconds since this process was started by the kernel (/proc: includes loading the
/// libraries before main()).
double process_age_ms() {
    std::ifstream stat("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    unsigned long long start_ticks = 0;
    for (int i = 3; i <= 22 && rest >> field; ++i)
        if (i == 22) start_ticks = std::stoull(field);
    std::ifstream up("/proc/uptime");
    double uptime = 0;
    up >> uptime;
    return uptime * 1000.0 - static_cast<double>(start_ticks) * 1000.0 / sysconf(_SC_CLK_TCK);
}

/// Resident set size in MiB (VmRSS of /proc/self/status).
double rss_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return -1;
}

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
        // Updating an older database and seeding the demo clinic take a moment: say how far.
        OpenProgressDialog progress(nullptr, o.test_mode);
        session_ = open_clinic_session(o, o.today.value_or(local_today()), progress.callback());
    } catch (...) {
        fail_startup(wx(error_sentence(std::current_exception())),
                     exit_code_of(std::current_exception()));
        return false;
    }
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    const LocalDate today = o.today.value_or(session_.scheduler->zone().local_date(now));
    // A real clinic signs in before any patient data is shown (the demo clinic by itself).
    std::optional<core::Principal> user;
    if (!session_.demo && !o.test_mode) {
        LoginDialog dlg(nullptr, *session_.record, sign_in_kind(*session_.record, false),
                        wx(session_.display));
        if (dlg.ShowModal() != wxID_OK) return false;
        user = dlg.user();
    }
    try {
        frame_ = new MainFrame(session_, today, !o.test_mode, o.test_mode, o.view);
        if (user) frame_->set_user(*user, idle_timeout(*session_.record));
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
    else if (o.bench) take_bench_when_painted();
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

void DesktopApp::take_bench_when_painted() {
    screenshot_timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        CalendarView* cal = frame_ ? frame_->calendar() : nullptr;
        if (!cal || cal->paints() == 0) {
            if (++screenshot_waits_ > 2000) {
                std::cerr << "vertebra: the calendar was never painted\n";
                failed_ = true;
                screenshot_timer_.Stop();
                frame_->Close(true);
            }
            return;
        }
        screenshot_timer_.Stop();
        // Interactive: the calendar has been painted and the event loop is idle again.
        const double cold = process_age_ms();
        const double rss = rss_mb();
        std::vector<double> repaints;
        for (int i = 0; i < 21; ++i) {
            cal->Refresh();
            cal->Update();
            repaints.push_back(cal->last_paint_ms());
        }
        std::sort(repaints.begin(), repaints.end());
        cal->invalidate();
        cal->Update();
        const double full_draw = cal->last_render_ms();
        const int visible = cal->blocks_drawn();
        // A day/week switch as "Next" does it: load the days, lay them out, draw every block.
        // Five switches to days not seen yet (new patients' names too); the median.
        std::vector<double> switches, loads;
        for (int i = 0; i < 5; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            frame_->presenter().go_next();
            const auto t1 = std::chrono::steady_clock::now();
            frame_->book_changed();
            cal->Update();
            const auto t2 = std::chrono::steady_clock::now();
            loads.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            switches.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
        }
        std::sort(switches.begin(), switches.end());
        std::sort(loads.begin(), loads.end());
        std::cout << "gui_cold_start_ms " << static_cast<long long>(cold + 0.5) << " ms\n"
                  << "calendar_repaint_ms " << repaints[repaints.size() / 2] << " ms\n"
                  << "calendar_full_draw_ms " << full_draw << " ms\n"
                  << "calendar_switch_ms " << switches[switches.size() / 2] << " ms\n"
                  << "calendar_switch_load_ms " << loads[loads.size() / 2] << " ms\n"
                  << "calendar_visible_appointments " << visible << " count\n"
                  << "gui_rss_mb " << static_cast<long long>(rss + 0.5) << " mb\n"
                  << "gui_modules_running " << session_.modules->active_modules().size()
                  << " count\n"
                  << std::flush;
        frame_->Close(true);
    });
    screenshot_timer_.Start(5);
}

void DesktopApp::switch_database(const std::string& url) {
    DesktopOptions o = options();
    o.db_url = url;
    o.demo = false;
    ClinicSession next;
    try {
        wxBusyCursor busy;
        OpenProgressDialog progress(frame_, o.test_mode);
        next = open_clinic_session(o, local_today(), progress.callback());
    } catch (...) {
        report_current_exception(frame_, o.test_mode);
        return;
    }
    if (wxConfigBase* cfg = wxConfigBase::Get(false)) {
        cfg->Write("/connection/url", wx(url));
        cfg->Flush();
    }
    std::optional<core::Principal> user;
    if (!o.test_mode) {
        LoginDialog dlg(frame_, *next.record, sign_in_kind(*next.record, false), wx(next.display));
        if (dlg.ShowModal() != wxID_OK) return;
        user = dlg.user();
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
    if (user) frame_->set_user(*user, idle_timeout(*session_.record));
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
