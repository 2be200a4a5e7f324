// The main window: demo banner, navigation bar, the calendar, and the front desk's commands.
#include "main_frame.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/config.h>
#include <wx/datectrl.h>
#include <wx/dateevt.h>
#include <wx/infobar.h>
#include <wx/log.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/textdlg.h>
#include <wx/tglbtn.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <wx/eventfilter.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

#include "booking_dialog.hpp"
#include "chart_frame.hpp"
#include "note_editor.hpp"
#include "record_dialogs.hpp"
#include "calendar_view.hpp"
#include "cancel_dialog.hpp"
#include "connection_dialog.hpp"
#include "desktop_app.hpp"
#include "command_ids.hpp"
#include "day_sheet.hpp"
#include "fees_dialog.hpp"
#include "modules_dialog.hpp"
#include "ui_text.hpp"

namespace vertebra::ui {

namespace {
/// Global idle detection: every key press, click, wheel or mouse move anywhere in the app.
class ActivityFilter : public wxEventFilter {
public:
    explicit ActivityFilter(MainFrame* f) : frame_(f) { wxEvtHandler::AddFilter(this); }
    ~ActivityFilter() override { wxEvtHandler::RemoveFilter(this); }
    int FilterEvent(wxEvent& e) override {
        const wxEventType t = e.GetEventType();
        if (t == wxEVT_KEY_DOWN || t == wxEVT_LEFT_DOWN || t == wxEVT_RIGHT_DOWN ||
            t == wxEVT_MOTION || t == wxEVT_MOUSEWHEEL || t == wxEVT_CHAR)
            frame_->note_activity();
        return Event_Skip;
    }

private:
    MainFrame* frame_;
};
}  // namespace

MainFrame::MainFrame(ClinicSession& session, LocalDate today, bool remember_layout,
                     bool test_mode, std::optional<CalendarMode> view)
    : wxFrame(nullptr, wxID_ANY, _("Vertebra"), wxDefaultPosition, wxSize(1280, 820)),
      session_(session),
      presenter_(*session.scheduler, session.repo(), today),
      remember_layout_(remember_layout),
      test_mode_(test_mode) {
    SetName("main_frame");
    if (view) presenter_.set_mode(*view);
    build_menu();
    build_controls();
    CreateStatusBar(2);
    const int widths[] = {-3, -2};
    GetStatusBar()->SetStatusWidths(2, widths);
    if (remember_layout_) restore_layout();
    if (view) presenter_.set_mode(*view);  // the command line wins over the remembered view
    presenter_.refresh();
    SetTitle(wxString::Format(_("%s - Vertebra"), wx(presenter_.clinic().name)));
    SetStatusText(wx(session_.display), 1);
    sync_controls();

    calendar_->on_move = [this](const MovePreview& p) {
        const auto r = presenter_.commit_move(p);
        if (!r.ok) show_error(wx(r.message));
        else show_info(wx(presenter_.describe(p.appointment_id)));
        book_changed();
    };
    calendar_->on_move_refused = [this](const MovePreview& p) {
        show_error(wxString::Format(_("Not moved: %s"), wx(p.reason)));
    };
    calendar_->on_book_at = [this](int column, int minute) {
        const auto& col = presenter_.layout().columns.at(static_cast<std::size_t>(column));
        BookingPrefill pre;
        pre.start = LocalTime{col.date} + std::chrono::minutes{minute};
        pre.practitioner_id = col.practitioner_id;
        pre.room_id = col.room_id;
        open_booking(pre);
    };
    calendar_->on_context_menu = [this](core::Id id, wxPoint where) {
        std::unique_ptr<wxMenu> menu(build_context_menu(id));
        calendar_->PopupMenu(menu.get(), where);
    };
    calendar_->on_select = [this](core::Id id) {
        SetStatusText(id ? wx(presenter_.describe(id)) : wxString(), 0);
    };

    Bind(wxEVT_MENU, &MainFrame::on_command, this);
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::on_close, this);
    // Another workstation's booking: the database announces changes on a connection of its own
    // (PostgreSQL LISTEN/NOTIFY, SQLite data_version), looked at every kLiveMilliseconds without
    // waiting; the visible days are re-read only when a change touches them. Without a feed the
    // visible days are re-read every kPollMilliseconds.
    try {
        presenter_.set_change_feed(session_.database->change_feed());
    } catch (...) {
        std::cerr << "vertebra: " << error_sentence(std::current_exception())
                  << "; looking for changes every " << kPollMilliseconds << " ms instead\n";
    }
    poll_timer_.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        if (calendar_->drag_preview() || wxWindow::GetCapture()) return;
        try {
            const LiveUpdate u = presenter_.check_changes();
            if (u.reloaded) book_changed();
            if (!u.connected && !poll_failed_)
                show_error(wxString::Format(
                    _("Bookings made on other workstations are not shown until the connection is "
                      "back: %s"), wx(u.problem)));
            if (u.reconnected) show_info(_("Connected again: showing other workstations' bookings."));
            poll_failed_ = !u.connected;
        } catch (...) {
            if (!poll_failed_) report_current_exception(this, test_mode_);
            poll_failed_ = true;
        }
    });
    poll_timer_.Start(presenter_.has_change_feed() ? kLiveMilliseconds : kPollMilliseconds);
    calendar_->SetFocus();

    // The demo clinic signs in by itself (its user and password are public demo data).
    if (session_.demo && session_.record) {
        const auto r = sign_in_demo(*session_.record, utf8(wxGetHostName()));
        if (r.who) set_user(*r.who, std::chrono::milliseconds{0});
        else show_error(wx(r.message));
    }
    idle_timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        if (!locked_ && idle_.expired(IdleClock::Clock::now())) lock_now();
    });
    activity_ = std::make_unique<ActivityFilter>(this);
}

MainFrame::~MainFrame() {
    idle_timer_.Stop();
    activity_.reset();
    // The scheduler and the plan service outlive this window (the session); they must not keep
    // our user.
    set_session_user(session_, nullptr);
}

void MainFrame::set_user(core::Principal who, std::chrono::milliseconds idle_timeout) {
    user_ = std::move(who);
    // The book and the plans as this user: permissions checked, changes and views audited.
    set_session_user(session_, &*user_);
    idle_.set_timeout(idle_timeout);
    idle_.activity(IdleClock::Clock::now());
    idle_timer_.Stop();
    if (idle_timeout.count() > 0)
        idle_timer_.Start(static_cast<int>(std::clamp<long long>(idle_timeout.count() / 4, 50, 1000)));
    SetStatusText(wxString::Format(_("Signed in as %s - %s"), wx(user_->name), wx(session_.display)), 1);
}

void MainFrame::note_activity() {
    if (!locked_) idle_.activity(IdleClock::Clock::now());
}

bool MainFrame::require_user() {
    if (user_ && session_.record) return true;
    show_error(_("Sign in first: the clinical record needs a signed-in user."));
    return false;
}

ChartFrame* MainFrame::open_chart(core::Id patient_id) {
    if (!require_user()) return nullptr;
    try {
        auto* chart = new ChartFrame(this, *session_.record, *user_, patient_id, presenter_.today());
        chart->Show();
        return chart;
    } catch (...) {
        report_current_exception(this, test_mode_);
        return nullptr;
    }
}

NoteEditor* MainFrame::open_note(core::Id appointment_id) {
    if (!require_user()) return nullptr;
    try {
        auto* ed = new NoteEditor(this, *session_.record, *user_, appointment_id);
        ed->on_changed = [this] { book_changed(); };
        ed->Show();
        return ed;
    } catch (...) {
        report_current_exception(this, test_mode_);
        return nullptr;
    }
}

void MainFrame::build_lock_panel() {
    lock_panel_ = new wxPanel(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxTAB_TRAVERSAL,
                              "lock_panel");
    lock_panel_->SetBackgroundColour(wxColour(0x2B, 0x3A, 0x4A));
    auto* box = new wxPanel(lock_panel_);
    box->SetBackgroundColour(*wxWHITE);
    auto* v = new wxBoxSizer(wxVERTICAL);
    auto* title = new wxStaticText(box, wxID_ANY, _("Vertebra is locked"));
    title->SetFont(title->GetFont().Bold().Scaled(1.4f));
    lock_text_ = new wxStaticText(box, wxID_ANY, wxString());
    unlock_password_ = new wxTextCtrl(box, wxID_ANY, wxString(), wxDefaultPosition,
                                      wxSize(260, -1), wxTE_PASSWORD | wxTE_PROCESS_ENTER,
                                      wxDefaultValidator, "unlock_password");
    auto* button = new wxButton(box, wxID_ANY, _("Unlock"));
    button->SetName("unlock_button");
    unlock_message_ = new wxStaticText(box, wxID_ANY, wxString(), wxDefaultPosition,
                                       wxSize(360, -1), 0, "unlock_message");
    unlock_message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
    v->Add(title, 0, wxLEFT | wxRIGHT | wxTOP, 24);
    v->Add(lock_text_, 0, wxALL, 24);
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    row->Add(unlock_password_, 1, wxRIGHT, 8);
    row->Add(button);
    v->Add(row, 0, wxEXPAND | wxLEFT | wxRIGHT, 24);
    v->Add(unlock_message_, 0, wxALL, 24);
    box->SetSizer(v);
    auto* outer = new wxBoxSizer(wxVERTICAL);
    outer->AddStretchSpacer();
    outer->Add(box, 0, wxALIGN_CENTER_HORIZONTAL);
    outer->AddStretchSpacer();
    lock_panel_->SetSizer(outer);
    auto go = [this](wxCommandEvent&) { unlock(unlock_password_->GetValue()); };
    button->Bind(wxEVT_BUTTON, go);
    unlock_password_->Bind(wxEVT_TEXT_ENTER, go);
    lock_panel_->Hide();
}

void MainFrame::lock_now() {
    if (locked_ || !user_) return;
    locked_ = true;
    idle_timer_.Stop();
    // Save what can be saved first; then hide every window with patient data.
    hidden_.clear();
    for (wxWindow* w : wxTopLevelWindows) {
        if (w == this) continue;
        if (auto* ed = dynamic_cast<NoteEditor*>(w)) ed->save_draft();
        if (w->IsShown()) {
            hidden_.push_back(w);
            w->Hide();
        }
    }
    if (!lock_panel_) build_lock_panel();
    lock_text_->SetLabel(wxString::Format(
        _("%s was signed off after %d min without use.\nType the password to continue where you "
          "left off: nothing was closed."),
        wx(user_->name), static_cast<int>(std::max<long long>(1, idle_.timeout().count() / 60000))));
    lock_text_->Wrap(440);
    unlock_message_->SetLabel(wxString());
    unlock_password_->Clear();
    root_->Hide();
    for (std::size_t i = 0; i < GetMenuBar()->GetMenuCount(); ++i)
        GetMenuBar()->EnableTop(i, false);
    lock_panel_->Show();
    GetSizer()->Layout();
    unlock_password_->SetFocus();
    SetStatusText(_("Locked"), 0);
}

bool MainFrame::unlock(const wxString& password) {
    if (!locked_ || !user_ || !session_.record) return !locked_;
    wxBusyCursor busy;
    const auto r = unlock_session(*session_.record, *user_, utf8(password), utf8(wxGetHostName()));
    if (!r.who) {
        unlock_message_->SetLabel(wx(r.message));
        unlock_password_->Clear();
        lock_panel_->Layout();
        return false;
    }
    user_ = r.who;
    set_session_user(session_, &*user_);
    locked_ = false;
    lock_panel_->Hide();
    for (std::size_t i = 0; i < GetMenuBar()->GetMenuCount(); ++i)
        GetMenuBar()->EnableTop(i, true);
    root_->Show();
    GetSizer()->Layout();
    for (wxWindow* w : hidden_) w->Show();
    hidden_.clear();
    idle_.activity(IdleClock::Clock::now());
    if (idle_.timeout().count() > 0)
        idle_timer_.Start(static_cast<int>(std::clamp<long long>(idle_.timeout().count() / 4, 50, 1000)));
    SetStatusText(wxString(), 0);
    calendar_->SetFocus();
    return true;
}

wxString MainFrame::lock_message() const {
    return unlock_message_ ? unlock_message_->GetLabel() : wxString();
}

void MainFrame::build_menu() {
    auto* file = new wxMenu;
    file->Append(kCmdNewBooking, _("&New booking...\tCtrl+N"), _("Book an appointment"));
    file->Append(kCmdFindPatient, _("Open &chart...\tCtrl+F"),
                 _("Find a patient and open their chart"));
    file->Append(kCmdPrintDaySheet, _("&Print day sheet...\tCtrl+P"),
                 _("Print the day's appointments per practitioner"));
    file->AppendSeparator();
    file->Append(kCmdConnect, _("&Connect to database...\tCtrl+Shift+O"),
                 _("Open this computer's database file or the clinic's server"));
    file->AppendSeparator();
    file->Append(kCmdLock, _("&Lock\tCtrl+L"), _("Sign off for now; the password continues"));
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"));

    auto* view = new wxMenu;
    view->Append(kCmdToday, _("&Today\tCtrl+T"));
    view->Append(kCmdPrevious, _("&Previous\tCtrl+PGUP"));
    view->Append(kCmdNext, _("&Next\tCtrl+PGDN"));
    view->Append(kCmdGoToDate, _("&Go to date...\tCtrl+G"));
    view->AppendSeparator();
    view->AppendRadioItem(kCmdDayView, _("&Day by practitioner\tCtrl+1"));
    view->AppendRadioItem(kCmdWeekView, _("&Week\tCtrl+2"));
    view->AppendCheckItem(kCmdByRoom, _("Day by &room\tCtrl+3"));
    view->AppendSeparator();
    view->AppendCheckItem(kCmdShowCancelled, _("Show &cancelled\tCtrl+H"));
    view->Append(kCmdRefresh, _("&Refresh\tF5"));

    auto* appt = new wxMenu;
    appt->Append(kCmdArrive, _("&Arrived\tCtrl+Shift+A"));
    appt->Append(kCmdStart, _("&Start session\tCtrl+Shift+S"));
    appt->Append(kCmdComplete, _("&Complete\tCtrl+Shift+C"));
    appt->Append(kCmdCancelAppointment, _("Cance&l...\tCtrl+Shift+X"));
    appt->Append(kCmdNoShow, _("&No-show\tCtrl+Shift+N"));
    appt->AppendSeparator();
    appt->Append(kCmdDescribe, _("&Details\tCtrl+I"));
    appt->AppendSeparator();
    appt->Append(kCmdOpenChart, _("Open patient c&hart\tCtrl+O"));
    appt->Append(kCmdWriteNote, _("&Write note...\tCtrl+E"));

    auto* clinic = new wxMenu;
    clinic->Append(kCmdModules, _("Therapy &modules...\tCtrl+Shift+M"),
                   _("See which therapy modules run, and enable or disable them"));
    clinic->Append(kCmdUsers, _("&Users and roles...\tCtrl+Shift+U"),
                   _("Add users, give them a role, unlock locked accounts"));
    clinic->Append(kCmdFees, _("&Fees and payers...\tCtrl+Shift+F"),
                   _("The clinic's fee for each code from a date, and the payers' settings"));

    auto* help = new wxMenu;
    help->Append(kCmdShortcuts, _("&Keyboard shortcuts\tF1"));
    help->Append(wxID_ABOUT, _("&About Vertebra"));

    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(view, _("&View"));
    bar->Append(appt, _("&Appointment"));
    bar->Append(clinic, _("&Clinic"));
    bar->Append(help, _("&Help"));
    SetMenuBar(bar);
}

void MainFrame::build_controls() {
    auto* root = new wxPanel(this);
    root_ = root;
    auto* frame_sizer = new wxBoxSizer(wxVERTICAL);
    frame_sizer->Add(root, 1, wxEXPAND);
    build_lock_panel();
    frame_sizer->Add(lock_panel_, 1, wxEXPAND);
    SetSizer(frame_sizer);
    auto* v = new wxBoxSizer(wxVERTICAL);

    if (session_.demo) {
        auto* banner = new wxPanel(root, wxID_ANY);
        banner->SetName("demo_banner");
        banner->SetBackgroundColour(wxColour(0xFF, 0xE0, 0x82));
        auto* text = new wxStaticText(
            banner, wxID_ANY,
            _("Demo clinic: sample data only, no real patients. Changes stay on this computer."));
        text->SetForegroundColour(wxColour(0x4E, 0x34, 0x00));
        text->SetFont(text->GetFont().Bold());
        auto* bs = new wxBoxSizer(wxHORIZONTAL);
        bs->Add(text, 1, wxALL | wxALIGN_CENTER_VERTICAL, 7);
        banner->SetSizer(bs);
        v->Add(banner, 0, wxEXPAND);
        banner_ = banner;
    }

    info_bar_ = new wxInfoBar(root);
    v->Add(info_bar_, 0, wxEXPAND);

    auto* nav = new wxBoxSizer(wxHORIZONTAL);
    auto* today = new wxButton(root, kCmdToday, _("Today"), wxDefaultPosition, wxDefaultSize,
                               wxBU_EXACTFIT);
    auto* prev = new wxButton(root, kCmdPrevious, wxString::FromUTF8("\u25C0"), wxDefaultPosition,
                              wxSize(36, -1));
    auto* next = new wxButton(root, kCmdNext, wxString::FromUTF8("\u25B6"), wxDefaultPosition,
                              wxSize(36, -1));
    today->SetToolTip(_("Go to today (T)"));
    prev->SetToolTip(_("Previous (Left arrow)"));
    next->SetToolTip(_("Next (Right arrow)"));
    title_ = new wxStaticText(root, wxID_ANY, wxString());
    title_->SetFont(title_->GetFont().Bold().Larger());
    date_picker_ = new wxDatePickerCtrl(root, wxID_ANY, wxDefaultDateTime, wxDefaultPosition,
                                        wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
    day_button_ = new wxToggleButton(root, kCmdDayView, _("Day"));
    week_button_ = new wxToggleButton(root, kCmdWeekView, _("Week"));
    room_button_ = new wxToggleButton(root, kCmdByRoom, _("By room"));
    room_button_->SetToolTip(_("Day view: a column per room instead of per practitioner (R)"));
    day_button_->SetToolTip(_("Day by practitioner (D)"));
    week_button_->SetToolTip(_("Week (W)"));
    discipline_ = new wxChoice(root, wxID_ANY);
    discipline_->SetToolTip(_("Show one discipline"));
    show_cancelled_ = new wxCheckBox(root, kCmdShowCancelled, _("Show cancelled"));
    auto* book = new wxButton(root, kCmdNewBooking, _("New booking..."));
    book->SetToolTip(_("Book an appointment (Ctrl+N, or double-click free time)"));

    nav->Add(today, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    nav->Add(prev, 0, wxALIGN_CENTER_VERTICAL);
    nav->Add(next, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 10);
    nav->Add(title_, 1, wxALIGN_CENTER_VERTICAL | wxRIGHT, 10);
    nav->Add(date_picker_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 10);
    nav->Add(day_button_, 0, wxALIGN_CENTER_VERTICAL);
    nav->Add(week_button_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    nav->Add(room_button_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 10);
    nav->Add(discipline_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    nav->Add(show_cancelled_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 10);
    nav->Add(book, 0, wxALIGN_CENTER_VERTICAL);
    v->Add(nav, 0, wxEXPAND | wxALL, 6);

    calendar_ = new CalendarView(root, presenter_);
    v->Add(calendar_, 1, wxEXPAND);
    root->SetSizer(v);

    auto forward = [this](wxCommandEvent& e) {
        wxCommandEvent m(wxEVT_MENU, e.GetId());
        m.SetInt(e.GetInt());
        ProcessWindowEvent(m);
    };
    root->Bind(wxEVT_BUTTON, forward);
    root->Bind(wxEVT_TOGGLEBUTTON, forward);
    root->Bind(wxEVT_CHECKBOX, forward);
    date_picker_->Bind(wxEVT_DATE_CHANGED, &MainFrame::on_date_picked, this);
    discipline_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        const int i = discipline_->GetSelection();
        const auto keys = presenter_.disciplines();
        presenter_.set_discipline(i <= 0 || i > static_cast<int>(keys.size())
                                      ? std::string()
                                      : keys[static_cast<std::size_t>(i - 1)]);
        book_changed();
    });
}

void MainFrame::sync_controls() {
    const auto& layout = presenter_.layout();
    const bool week = presenter_.mode() == CalendarMode::Week;
    if (week) {
        const LocalDate first = layout.first_day;
        title_->SetLabel(wxString::Format(_("Week of %s"), format_day(first, true)));
    } else {
        title_->SetLabel(format_day(presenter_.anchor(), true));
    }
    date_picker_->SetValue(to_wx_date(presenter_.anchor()));
    day_button_->SetValue(!week);
    week_button_->SetValue(week);
    GetMenuBar()->Check(week ? kCmdWeekView : kCmdDayView, true);
    GetMenuBar()->Check(kCmdShowCancelled, presenter_.show_cancelled());
    GetMenuBar()->Check(kCmdByRoom, presenter_.by_room());
    room_button_->SetValue(presenter_.by_room());
    room_button_->Enable(!week);
    show_cancelled_->SetValue(presenter_.show_cancelled());

    const auto disciplines = presenter_.disciplines();
    wxArrayString items;
    items.Add(_("All disciplines"));
    for (const auto& d : disciplines) items.Add(key_label(d));
    if (discipline_->GetStrings() != items) {
        discipline_->Set(items);
    }
    int sel = 0;
    for (std::size_t i = 0; i < disciplines.size(); ++i)
        if (disciplines[i] == presenter_.discipline()) sel = static_cast<int>(i) + 1;
    discipline_->SetSelection(sel);
    title_->GetParent()->Layout();
}

void MainFrame::book_changed() {
    sync_controls();
    calendar_->layout_changed();
}

void MainFrame::show_error(const wxString& message) {
    last_message_ = message;
    std::cerr << "vertebra: " << message.utf8_str() << "\n";
    info_bar_->ShowMessage(message, wxICON_WARNING);
    SetStatusText(message, 0);
}

void MainFrame::show_info(const wxString& message) {
    last_message_ = message;
    if (info_bar_->IsShown()) info_bar_->Dismiss();
    SetStatusText(message, 0);
}

wxMenu* MainFrame::build_context_menu(core::Id id) {
    auto* menu = new wxMenu;
    const auto actions = presenter_.actions_for(id);
    auto has = [&](AppointmentAction a) {
        return std::find(actions.begin(), actions.end(), a) != actions.end();
    };
    menu->Append(kCmdArrive, _("Arrived"))->Enable(has(AppointmentAction::Arrive));
    menu->Append(kCmdStart, _("Start session"))->Enable(has(AppointmentAction::Start));
    menu->Append(kCmdComplete, _("Complete"))->Enable(has(AppointmentAction::Complete));
    menu->AppendSeparator();
    menu->Append(kCmdCancelAppointment, _("Cancel..."))->Enable(has(AppointmentAction::Cancel));
    menu->Append(kCmdNoShow, _("No-show"))->Enable(has(AppointmentAction::NoShow));
    menu->AppendSeparator();
    menu->Append(kCmdDescribe, _("Details"));
    menu->AppendSeparator();
    menu->Append(kCmdOpenChart, _("Open chart"))->Enable(user_.has_value());
    menu->Append(kCmdWriteNote, _("Write note..."))
        ->Enable(user_ && user_->has(core::Permission::NoteWrite));
    return menu;
}

void MainFrame::run_action(AppointmentAction a) {
    const auto id = calendar_->selected();
    if (!id) {
        show_error(_("Select an appointment first (click it, or use the Up and Down keys)."));
        return;
    }
    if (a == AppointmentAction::Cancel) {
        cancel_selected();
        return;
    }
    const auto r = presenter_.apply(*id, a);
    if (!r.ok) show_error(wx(r.message));
    else show_info(wxString::Format(_("%s: %s"), status_name(target_status(a)),
                                    wx(presenter_.describe(*id))));
    book_changed();
}

void MainFrame::cancel_selected(std::optional<std::string> reason) {
    const auto id = calendar_->selected();
    if (!id) {
        show_error(_("Select an appointment first (click it, or use the Up and Down keys)."));
        return;
    }
    if (!reason) {
        CancelDialog dlg(this, wx(presenter_.describe(*id)));
        if (dlg.ShowModal() != wxID_OK) return;
        reason = utf8(dlg.reason());
    }
    const auto r = presenter_.apply(*id, AppointmentAction::Cancel, *reason);
    if (!r.ok) show_error(wx(r.message));
    else show_info(wxString::Format(_("Cancelled: %s"), wx(presenter_.describe(*id))));
    book_changed();
}

BookingDialog* MainFrame::create_booking_dialog(const BookingPrefill& prefill) {
    auto* dlg = new BookingDialog(this, *session_.scheduler, session_.repo(), presenter_.anchor());
    if (prefill.start) dlg->set_start(*prefill.start);
    if (prefill.practitioner_id) dlg->set_practitioner(*prefill.practitioner_id);
    if (prefill.room_id) dlg->set_room(*prefill.room_id);
    return dlg;
}

ModulesDialog* MainFrame::create_modules_dialog() {
    // Switched as the signed-in user (core checks module.manage and audits under that name).
    return new ModulesDialog(this, *session_.modules, user_ ? &*user_ : nullptr);
}

void MainFrame::open_booking(const BookingPrefill& prefill) {
    BookingPrefill pre = prefill;
    if (!pre.start) {
        const LocalDate d = presenter_.mode() == CalendarMode::Day || presenter_.anchor() != presenter_.today()
                                ? presenter_.anchor()
                                : presenter_.today();
        pre.start = LocalTime{d} + std::chrono::hours{9};
    }
    BookingDialog* dlg = create_booking_dialog(pre);
    if (dlg->ShowModal() == wxID_OK) {
        book_changed();
        presenter_.refresh();
        book_changed();
        if (!dlg->booked_ids().empty()) {
            calendar_->select(dlg->booked_ids().front());
            show_info(dlg->summary());
        }
    }
    dlg->Destroy();
}

void MainFrame::print_day_sheet() {
    std::optional<core::Id> practitioner;
    if (const auto id = calendar_->selected())
        if (const auto* a = presenter_.appointment(*id)) practitioner = a->practitioner_id;
    const LocalDate day = presenter_.mode() == CalendarMode::Day ? presenter_.anchor()
                                                                  : presenter_.today();
    show_day_sheet_preview(this, *session_.scheduler, session_.repo(), day, practitioner);
}

void MainFrame::on_command(wxCommandEvent& e) {
    // Locked: no command reaches patient data (menus are disabled too; Quit still works).
    if (locked_ && e.GetId() != wxID_EXIT) return;
    switch (e.GetId()) {
    case kCmdToday: presenter_.go_today(); break;
    case kCmdPrevious: presenter_.go_previous(); break;
    case kCmdNext: presenter_.go_next(); break;
    case kCmdGoToDate: date_picker_->SetFocus(); return;
    case kCmdDayView: presenter_.set_mode(CalendarMode::Day); break;
    case kCmdWeekView: presenter_.set_mode(CalendarMode::Week); break;
    case kCmdShowCancelled: presenter_.set_show_cancelled(!presenter_.show_cancelled()); break;
    case kCmdByRoom:
        presenter_.set_by_room(!presenter_.by_room());
        if (presenter_.by_room()) presenter_.set_mode(CalendarMode::Day);
        break;
    case kCmdRefresh: presenter_.refresh(); break;
    case kCmdNewBooking: open_booking({}); return;
    case kCmdArrive: run_action(AppointmentAction::Arrive); return;
    case kCmdStart: run_action(AppointmentAction::Start); return;
    case kCmdComplete: run_action(AppointmentAction::Complete); return;
    case kCmdCancelAppointment: run_action(AppointmentAction::Cancel); return;
    case kCmdNoShow: run_action(AppointmentAction::NoShow); return;
    case kCmdDescribe:
        if (const auto id = calendar_->selected()) show_info(wx(presenter_.describe(*id)));
        return;
    case kCmdPrintDaySheet: print_day_sheet(); return;
    case kCmdOpenChart:
    case kCmdWriteNote: {
        const auto id = calendar_->selected();
        if (!id) {
            show_error(_("Select an appointment first (click it, or use the Up and Down keys)."));
            return;
        }
        if (e.GetId() == kCmdWriteNote) {
            open_note(*id);
        } else if (const auto* a = presenter_.appointment(*id)) {
            open_chart(a->patient_id);
        }
        return;
    }
    case kCmdFindPatient: {
        if (!require_user()) return;
        PatientSearchDialog dlg(this, *session_.record);
        if (dlg.ShowModal() == wxID_OK)
            if (const auto id = dlg.chosen()) open_chart(*id);
        return;
    }
    case kCmdUsers: {
        if (!require_user()) return;
        UsersDialog dlg(this, *session_.record, *user_);
        dlg.ShowModal();
        return;
    }
    case kCmdFees: {
        if (!require_user()) return;
        FeesDialog dlg(this, *session_.record->fees, *session_.modules, *user_,
                       presenter_.today());
        dlg.ShowModal();
        return;
    }
    case kCmdLock: lock_now(); return;
    case kCmdConnect: {
        ConnectionDialog dlg(this, session_.database->url().display);
        if (dlg.ShowModal() == wxID_OK && on_switch_database) {
            const std::string url = dlg.url();
            CallAfter([this, url] { on_switch_database(url); });
        }
        return;
    }
    case kCmdModules: {
        ModulesDialog* dlg = create_modules_dialog();
        dlg->ShowModal();
        dlg->Destroy();
        presenter_.refresh();
        break;
    }
    case kCmdShortcuts:
        show_info(_("Keys in the calendar: Left/Right previous/next, T today, D day, W week, "
                    "B book, Up/Down select, Enter menu, A arrived, S start, C complete, "
                    "X cancel, N no-show, Esc stop dragging. Anywhere: Ctrl+F open a chart, "
                    "Ctrl+O chart of the selection, Ctrl+E write its note, Ctrl+L lock."));
        return;
    case wxID_ABOUT:
        show_info(_("Vertebra: clinic scheduling and therapy management for chronic back pain."));
        return;
    case wxID_EXIT: Close(); return;
    default: e.Skip(); return;
    }
    book_changed();
}

void MainFrame::on_date_picked(wxDateEvent& e) {
    presenter_.go_to(from_wx_date(e.GetDate()));
    book_changed();
}

void MainFrame::restore_layout() {
    wxConfigBase* cfg = wxConfigBase::Get();
    if (!cfg) return;
    int w = 0;
    int h = 0;
    if (cfg->Read("/window/width", &w) && cfg->Read("/window/height", &h) && w > 200 && h > 200)
        SetSize(w, h);
    if (cfg->ReadBool("/window/maximized", false)) Maximize();
    if (cfg->Read("/calendar/view", "week") == "day") presenter_.set_mode(CalendarMode::Day);
    presenter_.set_show_cancelled(cfg->ReadBool("/calendar/show_cancelled", true));
    presenter_.set_by_room(cfg->ReadBool("/calendar/by_room", false));
}

void MainFrame::save_layout() {
    wxConfigBase* cfg = wxConfigBase::Get();
    if (!cfg) return;
    cfg->Write("/window/maximized", IsMaximized());
    if (!IsMaximized() && !IsIconized()) {
        cfg->Write("/window/width", GetSize().x);
        cfg->Write("/window/height", GetSize().y);
    }
    cfg->Write("/calendar/view", presenter_.mode() == CalendarMode::Day ? "day" : "week");
    cfg->Write("/calendar/show_cancelled", presenter_.show_cancelled());
    cfg->Write("/calendar/by_room", presenter_.by_room());
    cfg->Flush();
}

void MainFrame::on_close(wxCloseEvent& e) {
    poll_timer_.Stop();
    idle_timer_.Stop();
    if (remember_layout_) save_layout();
    e.Skip();
}

}  // namespace vertebra::ui
