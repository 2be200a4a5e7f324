// The main window: demo banner, navigation bar, the calendar, and the front desk's commands.
#pragma once

#include <functional>
#include <optional>

#include <wx/frame.h>
#include <wx/timer.h>

#include "vertebra/ui/calendar_presenter.hpp"
#include "vertebra/ui/desktop_session.hpp"

class wxInfoBar;
class wxStaticText;
class wxDatePickerCtrl;
class wxDateEvent;
class wxChoice;
class wxCheckBox;
class wxToggleButton;
class wxMenu;

namespace vertebra::ui {

class CalendarView;
class BookingDialog;
class ModulesDialog;

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
    /// How often the calendar looks for bookings made elsewhere.
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
    bool poll_failed_ = false;
};

}  // namespace vertebra::ui
