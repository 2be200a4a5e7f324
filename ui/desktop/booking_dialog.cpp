// The booking dialog: type-ahead patient, service, practitioner, free-time suggestions, weekly repeat.
#include "booking_dialog.hpp"

#include <wx/textdlg.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/datectrl.h>
#include <wx/dateevt.h>
#include <wx/listbox.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "ui_text.hpp"
#include "vertebra/scheduling/recurrence.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

BookingDialog::BookingDialog(wxWindow* parent, core::Scheduler& scheduler,
                             core::SchedulingRepository& repo, LocalDate suggest_from)
    : wxDialog(parent, wxID_ANY, _("New booking"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      presenter_(scheduler, repo),
      suggest_from_(suggest_from) {
    SetName("booking_dialog");
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    auto* left = new wxBoxSizer(wxVERTICAL);
    auto* right = new wxBoxSizer(wxVERTICAL);

    // Patient: type-ahead.
    auto* pbox = new wxStaticBoxSizer(wxVERTICAL, this, _("Patient"));
    search_ = new wxTextCtrl(pbox->GetStaticBox(), wxID_ANY, wxString(), wxDefaultPosition,
                             wxSize(300, -1));
    search_->SetName("patient_search");
    search_->SetHint(_("Type part of the name"));
    patient_list_ = new wxListBox(pbox->GetStaticBox(), wxID_ANY, wxDefaultPosition,
                                  wxSize(300, 120));
    patient_list_->SetName("patient_results");
    auto* new_patient = new wxButton(pbox->GetStaticBox(), wxID_ANY, _("New patient with this name"));
    new_patient->SetName("new_patient");
    pbox->Add(search_, 0, wxEXPAND | wxALL, 4);
    pbox->Add(patient_list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 4);
    pbox->Add(new_patient, 0, wxALL, 4);
    left->Add(pbox, 1, wxEXPAND | wxBOTTOM, 8);

    // What, who, where, when.
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    service_ = new wxChoice(this, wxID_ANY);
    service_->SetName("service");
    service_->Append(_("(no service)"));
    for (const auto& s : presenter_.services())
        service_->Append(wxString::Format(_("%s (%d min)"), wx(s.name), s.minutes));
    service_->SetSelection(0);
    practitioner_ = new wxChoice(this, wxID_ANY);
    practitioner_->SetName("practitioner");
    room_ = new wxChoice(this, wxID_ANY);
    room_->SetName("room");
    room_->Append(_("(no room)"));
    for (const auto& r : presenter_.rooms()) room_->Append(wx(r.name));
    room_->SetSelection(0);
    date_ = new wxDatePickerCtrl(this, wxID_ANY, to_wx_date(suggest_from), wxDefaultPosition,
                                 wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
    date_->SetName("date");
    time_ = new wxTextCtrl(this, wxID_ANY, "09:00", wxDefaultPosition, wxSize(70, -1));
    time_->SetName("time");
    minutes_ = new wxSpinCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(130, -1),
                              wxSP_ARROW_KEYS, 0, 480, 0);
    minutes_->SetName("minutes");
    minutes_->SetToolTip(_("0 = the service's length"));
    auto* when = new wxBoxSizer(wxHORIZONTAL);
    when->Add(date_, 0, wxRIGHT, 6);
    when->Add(time_, 0, wxRIGHT, 6);
    when->Add(minutes_, 0, wxRIGHT, 4);
    when->Add(new wxStaticText(this, wxID_ANY, _("min")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Service")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(service_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Practitioner")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(practitioner_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Room")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(room_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Start")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(when, 1, wxEXPAND);
    left->Add(grid, 0, wxEXPAND | wxBOTTOM, 8);

    // Weekly repeat.
    auto* rbox = new wxStaticBoxSizer(wxVERTICAL, this, _("Repeat"));
    weekly_ = new wxCheckBox(rbox->GetStaticBox(), wxID_ANY, _("Weekly on"));
    weekly_->SetName("weekly");
    auto* days = new wxBoxSizer(wxHORIZONTAL);
    days->Add(weekly_, 0, wxRIGHT | wxALIGN_CENTER_VERTICAL, 6);
    const wxString names[7] = {_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")};
    for (int i = 0; i < 7; ++i) {
        weekdays_[i] = new wxCheckBox(rbox->GetStaticBox(), wxID_ANY, names[i]);
        weekdays_[i]->SetName(wxString::Format("weekday_%d", i));
        days->Add(weekdays_[i], 0, wxRIGHT, 4);
    }
    auto* end = new wxBoxSizer(wxHORIZONTAL);
    count_ = new wxSpinCtrl(rbox->GetStaticBox(), wxID_ANY, wxEmptyString, wxDefaultPosition,
                            wxSize(130, -1), wxSP_ARROW_KEYS, 1, core::kMaxSeriesOccurrences, 6);
    count_->SetName("count");
    use_until_ = new wxCheckBox(rbox->GetStaticBox(), wxID_ANY, _("or until"));
    until_ = new wxDatePickerCtrl(rbox->GetStaticBox(), wxID_ANY,
                                  to_wx_date(suggest_from + date::days{42}), wxDefaultPosition,
                                  wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
    end->Add(new wxStaticText(rbox->GetStaticBox(), wxID_ANY, _("Appointments:")), 0,
             wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    end->Add(count_, 0, wxRIGHT, 10);
    end->Add(use_until_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    end->Add(until_, 0);
    rbox->Add(days, 0, wxALL, 4);
    rbox->Add(end, 0, wxALL, 4);
    left->Add(rbox, 0, wxEXPAND | wxBOTTOM, 8);

    notes_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(-1, 48),
                            wxTE_MULTILINE);
    notes_->SetName("notes");
    notes_->SetHint(_("Notes for the front desk (optional)"));
    left->Add(notes_, 0, wxEXPAND);

    // Free times.
    auto* sbox = new wxStaticBoxSizer(wxVERTICAL, this, _("Free times"));
    slot_list_ = new wxListBox(sbox->GetStaticBox(), wxID_ANY, wxDefaultPosition, wxSize(400, 300));
    slot_list_->SetName("slots");
    auto* find = new wxButton(sbox->GetStaticBox(), wxID_ANY, _("Find free times"));
    find->SetName("find_slots");
    sbox->Add(new wxStaticText(sbox->GetStaticBox(), wxID_ANY,
                               _("Choose a service or practitioner, then pick a time:")),
              0, wxALL, 4);
    sbox->Add(slot_list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 4);
    sbox->Add(find, 0, wxALL, 4);
    right->Add(sbox, 1, wxEXPAND);

    top->Add(left, 1, wxEXPAND | wxALL, 10);
    top->Add(right, 0, wxEXPAND | wxTOP | wxRIGHT | wxBOTTOM, 10);

    problem_ = new wxStaticText(this, wxID_ANY, wxString());
    problem_->SetName("problem");
    problem_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));

    auto* buttons = new wxStdDialogButtonSizer;
    book_ = new wxButton(this, wxID_OK, _("&Book"));
    book_->SetName("book");
    buttons->AddButton(book_);
    buttons->AddButton(new wxButton(this, wxID_CANCEL));
    buttons->Realize();

    auto* outer = new wxBoxSizer(wxVERTICAL);
    outer->Add(top, 1, wxEXPAND);
    outer->Add(problem_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
    outer->Add(buttons, 0, wxEXPAND | wxALL, 10);
    SetSizerAndFit(outer);
    refill_practitioners();

    search_->Bind(wxEVT_TEXT, &BookingDialog::on_search, this);
    new_patient->Bind(wxEVT_BUTTON, &BookingDialog::on_new_patient, this);
    service_->Bind(wxEVT_CHOICE, &BookingDialog::on_service, this);
    practitioner_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        refresh_suggestions();
        schedule_check();
    });
    find->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { refresh_suggestions(); });
    slot_list_->Bind(wxEVT_LISTBOX, [this](wxCommandEvent& e) { take_suggestion(e.GetSelection()); });
    book_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { try_book(); });
    auto recheck = [this](wxEvent& e) {
        schedule_check();
        e.Skip();
    };
    for (wxWindow* w : std::initializer_list<wxWindow*>{patient_list_, room_})
        w->Bind(wxEVT_COMMAND_LISTBOX_SELECTED, recheck), w->Bind(wxEVT_CHOICE, recheck);
    time_->Bind(wxEVT_TEXT, recheck);
    date_->Bind(wxEVT_DATE_CHANGED, recheck);
    minutes_->Bind(wxEVT_SPINCTRL, recheck);
    weekly_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent& e) {
        // Show the day the series will use when none is ticked: the start's weekday.
        bool any = false;
        for (auto* cb : weekdays_) any |= cb->GetValue();
        if (e.IsChecked() && !any)
            weekdays_[iso_weekday_index(from_wx_date(date_->GetValue()))]->SetValue(true);
        schedule_check();
    });
    count_->Bind(wxEVT_SPINCTRL, recheck);
    use_until_->Bind(wxEVT_CHECKBOX, recheck);
    for (auto* cb : weekdays_) cb->Bind(wxEVT_CHECKBOX, recheck);
    search_->SetFocus();
}

void BookingDialog::set_start(LocalTime t) {
    const LocalDate d = date::floor<date::days>(t);
    date_->SetValue(to_wx_date(d));
    time_->ChangeValue(wx(format_hhmm(static_cast<int>((t - LocalTime{d}).count() / 60))));
    suggest_from_ = d;
    schedule_check();
}

void BookingDialog::set_practitioner(core::Id id) {
    for (std::size_t i = 0; i < practitioners_.size(); ++i)
        if (practitioners_[i].id == id) practitioner_->SetSelection(static_cast<int>(i) + 1);
    schedule_check();
}

void BookingDialog::set_room(core::Id id) {
    const auto& rooms = presenter_.rooms();
    for (std::size_t i = 0; i < rooms.size(); ++i)
        if (rooms[i].id == id) room_->SetSelection(static_cast<int>(i) + 1);
    schedule_check();
}

void BookingDialog::set_service(core::Id id) {
    const auto& services = presenter_.services();
    for (std::size_t i = 0; i < services.size(); ++i)
        if (services[i].id == id) service_->SetSelection(static_cast<int>(i) + 1);
    refill_practitioners();
    refresh_suggestions();
}

void BookingDialog::refill_practitioners() {
    std::optional<core::Id> keep;
    const int sel = practitioner_->GetSelection();
    if (sel > 0 && sel <= static_cast<int>(practitioners_.size()))
        keep = practitioners_[static_cast<std::size_t>(sel - 1)].id;
    const BookingForm f = form();
    practitioners_ = presenter_.practitioners_for(f.service_id);
    practitioner_->Clear();
    practitioner_->Append(_("(first free practitioner)"));
    int new_sel = 0;
    for (std::size_t i = 0; i < practitioners_.size(); ++i) {
        practitioner_->Append(wx(practitioners_[i].name));
        if (keep && practitioners_[i].id == *keep) new_sel = static_cast<int>(i) + 1;
    }
    practitioner_->SetSelection(new_sel);
}

BookingForm BookingDialog::form() const {
    BookingForm f;
    const int p = patient_list_->GetSelection();
    if (p != wxNOT_FOUND && p < static_cast<int>(patients_.size()))
        f.patient_id = patients_[static_cast<std::size_t>(p)].id;
    const int s = service_->GetSelection();
    if (s > 0) f.service_id = presenter_.services()[static_cast<std::size_t>(s - 1)].id;
    const int pr = practitioner_->GetSelection();
    if (pr > 0 && pr <= static_cast<int>(practitioners_.size()))
        f.practitioner_id = practitioners_[static_cast<std::size_t>(pr - 1)].id;
    const int r = room_->GetSelection();
    if (r > 0) f.room_id = presenter_.rooms()[static_cast<std::size_t>(r - 1)].id;
    try {
        const int minute = parse_hhmm(utf8(time_->GetValue()), "start");
        f.start = LocalTime{from_wx_date(date_->GetValue())} + std::chrono::minutes{minute};
    } catch (const std::exception&) {
        f.start.reset();
    }
    if (minutes_->GetValue() > 0) f.minutes = minutes_->GetValue();
    f.weekly = weekly_->GetValue();
    for (int i = 0; i < 7; ++i) f.weekdays[static_cast<std::size_t>(i)] = weekdays_[i]->GetValue();
    f.count = count_->GetValue();
    if (use_until_->GetValue()) f.until = from_wx_date(until_->GetValue());
    f.notes = utf8(notes_->GetValue());
    return f;
}

void BookingDialog::on_search(wxCommandEvent&) {
    patients_ = presenter_.search_patients(utf8(search_->GetValue()));
    patient_list_->Clear();
    for (const auto& p : patients_) {
        wxString line = wx(p.name);
        if (p.birth_date) line += "  (" + wx(format_date(*p.birth_date)) + ")";
        patient_list_->Append(line);
    }
    if (!patients_.empty()) patient_list_->SetSelection(0);
    schedule_check();
}

void BookingDialog::on_new_patient(wxCommandEvent&) {
    try {
        const core::Patient p = presenter_.create_patient(utf8(search_->GetValue()));
        patients_.insert(patients_.begin(), p);
        patient_list_->Insert(wx(p.name) + "  " + _("(new)"), 0);
        patient_list_->SetSelection(0);
        schedule_check();
    } catch (...) {
        set_problem(wx(error_sentence(std::current_exception())));
    }
}

void BookingDialog::on_service(wxCommandEvent&) {
    refill_practitioners();
    refresh_suggestions();
    schedule_check();
}

void BookingDialog::refresh_suggestions() {
    slot_list_->Clear();
    slots_.clear();
    const BookingForm f = form();
    if (!f.service_id && !f.practitioner_id) return;
    try {
        slots_ = presenter_.suggest_slots(f, suggest_from_);
    } catch (...) {
        set_problem(wx(error_sentence(std::current_exception())));
        return;
    }
    for (const auto& s : slots_) slot_list_->Append(wx(presenter_.describe_slot(s)));
    if (slots_.empty()) slot_list_->Append(_("No free time in the next three weeks."));
}

void BookingDialog::take_suggestion(int i) {
    if (i < 0 || i >= static_cast<int>(slots_.size())) return;
    BookingForm f = form();
    presenter_.take_slot(f, slots_[static_cast<std::size_t>(i)]);
    if (slot_list_->GetSelection() != i) slot_list_->SetSelection(i);
    set_practitioner(*f.practitioner_id);
    room_->SetSelection(0);
    if (f.room_id) {
        const auto& rooms = presenter_.rooms();
        for (std::size_t r = 0; r < rooms.size(); ++r)
            if (rooms[r].id == *f.room_id) room_->SetSelection(static_cast<int>(r) + 1);
    }
    const LocalDate keep_from = suggest_from_;
    set_start(*f.start);
    suggest_from_ = keep_from;
}

void BookingDialog::schedule_check() {
    if (check_pending_) return;
    check_pending_ = true;
    CallAfter([this] {
        check_pending_ = false;
        run_check();
    });
}

void BookingDialog::run_check() {
    const BookingForm f = form();
    // Say nothing until the form is complete enough to be judged.
    if (!f.patient_id || !f.practitioner_id || !f.start) {
        set_problem(wxString());
        return;
    }
    set_problem(wx(presenter_.check(f)));
}

void BookingDialog::set_problem(const wxString& text) {
    if (problem_->GetLabel() == text) return;
    problem_->SetLabel(text);
    problem_->Wrap(GetClientSize().x - 30);
    Layout();
}

wxString BookingDialog::problem() const { return problem_->GetLabel(); }

bool BookingDialog::try_book() {
    BookingForm f = form();
    try {
        booked_ = presenter_.book(f);
    } catch (...) {
        const std::string refusal = error_sentence(std::current_exception());
        // A module's limit or absolute contraindication: book only with a documented reason.
        const auto blocks = presenter_.blocking_findings(f);
        if (blocks.empty()) {
            set_problem(wx(refusal));
            return false;
        }
        wxString text = _("The therapy module refuses this booking:") + "\n";
        for (const auto& b : blocks) text += "\n\u2022 " + wx(b);
        text += "\n\n" + _("To book it anyway, give the documented reason (kept on the appointment):");
        wxTextEntryDialog ask(this, text, _("Override needs a reason"), wxEmptyString,
                              wxOK | wxCANCEL | wxCENTRE);
        const bool given = ask.ShowModal() == wxID_OK;
        wxString reason = ask.GetValue();
        reason.Trim().Trim(false);
        if (!given || reason.IsEmpty()) {
            set_problem(wx(refusal));
            return false;
        }
        f.override_reason = reason.ToStdString(wxConvUTF8);
        try {
            booked_ = presenter_.book(f);
        } catch (...) {
            set_problem(wx(error_sentence(std::current_exception())));
            return false;
        }
    }
    wxString patient;
    for (const auto& p : patients_)
        if (f.patient_id && p.id == *f.patient_id) patient = wx(p.name);
    summary_ = wxString::Format(wxPLURAL("Booked %d appointment for %s.",
                                         "Booked %d appointments for %s.", booked_.size()),
                                static_cast<int>(booked_.size()), patient);
    for (const auto& finding : presenter_.last_findings())
        summary_ += " " + wxString::Format(_("Note: %s."), wx(finding.reason));
    if (IsModal())
        EndModal(wxID_OK);
    else {
        SetReturnCode(wxID_OK);
        Hide();
    }
    return true;
}

}  // namespace vertebra::ui
