// The main window: demo banner, navigation bar, the calendar, and the front desk's commands.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <wx/frame.h>
#include <wx/timer.h>

#include "vertebra/ui/calendar_presenter.hpp"
#include "vertebra/ui/desktop_session.hpp"
#include "vertebra/ui/login_presenter.hpp"

class wxInfoBar;
class wxStaticText;
class wxDatePickerCtrl;
class wxDateEvent;
class wxChoice;
class wxCheckBox;
class wxToggleButton;
class wxMenu;
class wxPanel;
class wxTextCtrl;
class wxEventFilter;

namespace vertebra::ui {

class CalendarView;
class BookingDialog;
class ModulesDialog;
class ChartFrame;
class NoteEditor;

struct BookingPrefill {
    std::optional<LocalTime> start;
    std::optional<core::Id> practitioner_id;
    std::optional<core::Id> room_id;
};

class MainFrame : public wxFrame {
public:
    /// `remember_layout`: restore and save window size and view in wxConfig (off in tests).
    MainFrame(ClinicSession& session, LocalDate today, bool remember_layout, bool test_mode,
              std::optional<CalendarMode> view = {});
    ~MainFrame() override;

    CalendarPresenter& presenter() { return presenter_; }
    CalendarView* calendar() { return calendar_; }
    ClinicSession& session() { return session_; }
    wxWindow* demo_banner() { return banner_; }

    /// Shows a sentence in the info bar and the log; never modal, never lost.
    void show_error(const wxString& message);
    void show_info(const wxString& message);
    const wxString& last_message() const { return last_message_; }

    /// The menu the right button opens on an appointment (caller owns it).
    wxMenu* build_context_menu(core::Id id);
    /// Creates the booking dialog (not shown). The frame's "New booking" shows it modally.
    BookingDialog* create_booking_dialog(const BookingPrefill& prefill);
    /// Creates the module manager (not shown); "Clinic > Therapy modules" shows it modally.
    ModulesDialog* create_modules_dialog();
    /// Cancels the selected appointment with `reason` (asks for one when not given).
    void cancel_selected(std::optional<std::string> reason = {});
    /// Refreshes after the book changed (also called by dialogs).
    void book_changed();
    /// Set by the app: open another database (the frame is replaced on success).
    std::function<void(const std::string& url)> on_switch_database;
    /// The signed-in user. The demo clinic signs in by itself; a real clinic's app signs in
    /// before the window opens. `idle_timeout` > 0: lock after that long without input.
    void set_user(core::Principal who, std::chrono::milliseconds idle_timeout);
    const std::optional<core::Principal>& user() const { return user_; }
    /// The patient's chart in its own window (NotFound etc. shown as a sentence).
    ChartFrame* open_chart(core::Id patient_id);
    /// The note of an appointment in the note editor.
    NoteEditor* open_note(core::Id appointment_id);
    /// Automatic log-off: saves open note drafts, hides every window's content and asks for
    /// the password of the same user. Nothing is closed, so nothing is lost.
    void lock_now();
    /// The password typed into the lock screen; true when it unlocked.
    bool unlock(const wxString& password);
    bool locked() const { return locked_; }
    wxString lock_message() const;
    /// Input anywhere in the app (the event filter calls this).
    void note_activity();
    /// How often the calendar asks its change feed (a look that never waits).
    static constexpr int kLiveMilliseconds = 250;
    /// How often the calendar re-reads the visible days when it has no change feed.
    static constexpr int kPollMilliseconds = 2000;

private:
    void build_menu();
    void build_controls();
    void sync_controls();
    void restore_layout();
    void save_layout();
    void run_action(AppointmentAction a);
    void open_booking(const BookingPrefill& prefill);
    void print_day_sheet();

    void build_lock_panel();
    bool require_user();
    void on_command(wxCommandEvent& e);
    void on_date_picked(wxDateEvent& e);
    void on_close(wxCloseEvent& e);

    ClinicSession& session_;
    CalendarPresenter presenter_;
    bool remember_layout_;
    bool test_mode_;
    wxWindow* banner_ = nullptr;
    wxInfoBar* info_bar_ = nullptr;
    wxStaticText* title_ = nullptr;
    wxDatePickerCtrl* date_picker_ = nullptr;
    wxToggleButton* day_button_ = nullptr;
    wxToggleButton* week_button_ = nullptr;
    wxToggleButton* room_button_ = nullptr;
    wxChoice* discipline_ = nullptr;
    wxCheckBox* show_cancelled_ = nullptr;
    CalendarView* calendar_ = nullptr;
    wxString last_message_;
    wxTimer poll_timer_;  ///< picks up other workstations' bookings
    std::optional<core::Principal> user_;
    IdleClock idle_{std::chrono::milliseconds{0}};
    wxTimer idle_timer_;
    bool locked_ = false;
    wxPanel* root_ = nullptr;
    wxPanel* lock_panel_ = nullptr;
    wxTextCtrl* unlock_password_ = nullptr;
    wxStaticText* lock_text_ = nullptr;
    wxStaticText* unlock_message_ = nullptr;
    std::vector<wxWindow*> hidden_;  ///< windows hidden by the lock, shown again on unlock
    std::unique_ptr<wxEventFilter> activity_;
    bool poll_failed_ = false;
};

}  // namespace vertebra::ui
