// GUI tests of the booking dialog: typing a patient, choosing a service and a free time, booking.
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/listbox.h>
#include <wx/stattext.h>
#include <wx/textdlg.h>
#include <wx/textctrl.h>
#include <wx/timer.h>
#include <wx/uiaction.h>

#include "booking_dialog.hpp"
#include "calendar_view.hpp"
#include "gui_fixture.hpp"

namespace vertebra::ui::testing {
namespace {

template <class T>
T* child(wxWindow* parent, const char* name) {
    auto* w = dynamic_cast<T*>(wxWindow::FindWindowByName(name, parent));
    EXPECT_NE(w, nullptr) << "no control named " << name;
    return w;
}

int index_of(wxChoice* c, const wxString& prefix) {
    for (unsigned i = 0; i < c->GetCount(); ++i)
        if (c->GetString(i).StartsWith(prefix)) return static_cast<int>(i);
    return -1;
}

TEST_F(GuiTest, BookingAWeeklySeriesThroughTheDialog) {
    MainFrame& f = open_frame(CalendarMode::Week);
    BookingPrefill pre;
    // Four weeks ahead: beyond the demo's bookings, so a six-week series has free weeks.
    pre.start = LocalTime{test_today() + date::days{28}} + std::chrono::hours{9};
    BookingDialog* dlg = f.create_booking_dialog(pre);
    dlg->Show();
    dlg->Raise();  // gives it the keyboard (no window manager under Xvfb)
    pump(200);

    // Type-ahead: typing part of a name lists matching patients and picks the first.
    auto* search = child<wxTextCtrl>(dlg, "patient_search");
    auto* results = child<wxListBox>(dlg, "patient_results");
    click(search);
    wxUIActionSimulator sim;
    sim.Text("garc");
    ASSERT_TRUE(pump_until([&] { return results->GetCount() > 0; }))
        << "typed text: " << search->GetValue().utf8_str();
    EXPECT_TRUE(results->GetString(0).Lower().Contains("garc"));
    EXPECT_EQ(results->GetSelection(), 0);

    auto* service = child<wxChoice>(dlg, "service");
    const int massage = index_of(service, "Therapeutic massage");
    ASSERT_GT(massage, 0);
    choose(service, massage);
    ASSERT_TRUE(pump_until([&] { return dlg->suggestion_count() > 0; }));
    auto* slots = child<wxListBox>(dlg, "slots");
    EXPECT_TRUE(slots->GetString(0).Contains("Jordan Reyes")) << slots->GetString(0).utf8_str();
    // Click the second suggestion.
    slots->SetSelection(1);
    wxCommandEvent pick(wxEVT_LISTBOX, slots->GetId());
    pick.SetEventObject(slots);
    pick.SetInt(1);
    slots->ProcessWindowEvent(pick);
    pump(50);
    const BookingForm form = dlg->form();
    ASSERT_TRUE(form.practitioner_id && form.start && form.room_id);

    auto* weekly = child<wxCheckBox>(dlg, "weekly");
    click(weekly);
    ASSERT_TRUE(weekly->GetValue());
    // The start's weekday is ticked for the user to see (the suggestion is on a Wednesday).
    const int wd = iso_weekday_index(date::floor<date::days>(*form.start));
    EXPECT_TRUE(child<wxCheckBox>(dlg, ("weekday_" + std::to_string(wd)).c_str())->GetValue());
    pump(100);
    shoot(dlg, "booking");
    click(child<wxButton>(dlg, "book"));
    ASSERT_TRUE(pump_until([&] { return !dlg->booked_ids().empty(); }))
        << "problem: " << dlg->problem().utf8_str();
    EXPECT_EQ(dlg->booked_ids().size(), 6u);  // the default count
    for (core::Id id : dlg->booked_ids()) {
        const auto a = session_.repo().appointment(id);
        ASSERT_TRUE(a);
        EXPECT_EQ(a->patient_id, *form.patient_id);
        EXPECT_TRUE(a->series_id.has_value());
    }
    dlg->Destroy();
    f.book_changed();
    pump(50);
}

TEST_F(GuiTest, BookingDialogExplainsAConflictBeforeBooking) {
    MainFrame& f = open_frame(CalendarMode::Day);
    // An occupied time: a time-occupying appointment of today.
    const core::Appointment* taken = nullptr;
    for (const auto& a : f.presenter().appointments())
        if (core::occupies_time(a.status)) taken = &a;
    ASSERT_NE(taken, nullptr);
    const std::string other = session_.repo().patient(taken->patient_id)->name;

    BookingPrefill pre;
    pre.start = session_.scheduler->zone().to_local(taken->start);
    pre.practitioner_id = taken->practitioner_id;
    BookingDialog* dlg = f.create_booking_dialog(pre);
    dlg->Show();
    pump(100);
    auto* search = child<wxTextCtrl>(dlg, "patient_search");
    search->SetValue(taken->patient_id == 1 ? "Liam" : "Ava");  // someone else
    ASSERT_TRUE(pump_until([&] { return child<wxListBox>(dlg, "patient_results")->GetCount() > 0; }));
    ASSERT_TRUE(pump_until([&] { return !dlg->problem().empty(); }));
    EXPECT_TRUE(dlg->problem().Contains(wxString::FromUTF8(other.c_str())) ||
                dlg->problem().Contains("#" + std::to_string(taken->id)))
        << dlg->problem().utf8_str();
    shoot(dlg, "booking-conflict");
    EXPECT_FALSE(dlg->try_book());
    EXPECT_TRUE(dlg->booked_ids().empty());
    dlg->Destroy();
}

TEST_F(GuiTest, NewPatientCanBeCreatedFromTheSearchBox) {
    MainFrame& f = open_frame();
    BookingDialog* dlg = f.create_booking_dialog({});
    dlg->Show();
    pump(100);
    child<wxTextCtrl>(dlg, "patient_search")->SetValue("Zelda Quinn");
    pump(50);
    click(child<wxButton>(dlg, "new_patient"));
    ASSERT_TRUE(pump_until([&] { return dlg->form().patient_id.has_value(); }));
    const auto p = session_.repo().patient(*dlg->form().patient_id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->name, "Zelda Quinn");
    dlg->Destroy();
}

/// Answers the next "Override needs a reason" prompt (a modal wxTextEntryDialog) from a timer:
/// records its text, saves a screenshot, then types `reason` and presses OK, or presses Cancel
/// when `reason` is empty.
class OverrideAnswer {
public:
    OverrideAnswer(std::string reason, std::string shot) : reason_(std::move(reason)), shot_(std::move(shot)) {
        timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { tick(); });
        timer_.Start(50);
    }
    bool answered() const { return answered_; }
    const wxString& text() const { return text_; }

private:
    void tick() {
        wxTextEntryDialog* ask = nullptr;
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* d = dynamic_cast<wxTextEntryDialog*>(w); d && d->IsModal()) ask = d;
        if (!ask || ++seen_ < 6) return;  // let it be drawn first
        timer_.Stop();
        for (wxWindow* c : ask->GetChildren())
            if (auto* t = dynamic_cast<wxStaticText*>(c)) text_ += t->GetLabel() + "\n";
        if (!shot_.empty()) shoot(ask, shot_);
        if (reason_.empty()) {
            ask->EndModal(wxID_CANCEL);
        } else {
            ask->SetValue(wxString::FromUTF8(reason_.c_str()));
            wxCommandEvent ok(wxEVT_BUTTON, wxID_OK);
            ok.SetEventObject(ask);
            ask->ProcessWindowEvent(ok);
        }
        answered_ = true;
    }
    std::string reason_, shot_;
    wxTimer timer_;
    int seen_ = 0;
    bool answered_ = false;
    wxString text_;
};

TEST_F(GuiTest, ModuleRefusalIsOverriddenOnlyWithAReasonKeptOnTheAppointment) {
    // A Medicare patient with nothing recorded: acupuncture fails NCD 30.3.3 (a blocking finding).
    core::Patient nora;
    nora.name = "Nora Newcomer";
    nora.payer = "medicare";
    const core::Id nora_id = session_.repo().add_patient(nora);
    std::string acupuncture;
    for (const auto& sv : session_.repo().services())
        if (sv.module_id == "acupuncture") acupuncture = sv.name;
    ASSERT_FALSE(acupuncture.empty());

    MainFrame& f = open_frame(CalendarMode::Week);
    BookingPrefill pre;
    pre.start = LocalTime{test_today() + date::days{7}} + std::chrono::hours{9};
    BookingDialog* dlg = f.create_booking_dialog(pre);
    dlg->Show();
    dlg->Raise();
    pump(150);
    child<wxTextCtrl>(dlg, "patient_search")->SetValue("Nora New");
    ASSERT_TRUE(pump_until([&] { return dlg->form().patient_id == nora_id; }));
    auto* service = child<wxChoice>(dlg, "service");
    const int acu = index_of(service, wxString::FromUTF8(acupuncture.c_str()));
    ASSERT_GT(acu, 0);
    choose(service, acu);
    ASSERT_TRUE(pump_until([&] { return dlg->suggestion_count() > 0; }));
    dlg->take_suggestion(0);
    // The check under the form says an override needs a reason before "Book" is pressed.
    ASSERT_TRUE(pump_until([&] { return dlg->problem().Contains("reason"); }))
        << dlg->problem().utf8_str();

    // "Book": the prompt lists the module's finding; Cancel books nothing.
    {
        OverrideAnswer cancel("", "");
        click(child<wxButton>(dlg, "book"));
        ASSERT_TRUE(pump_until([&] { return cancel.answered(); }));
        pump(100);
        EXPECT_TRUE(cancel.text().Contains("NCD 30.3.3")) << cancel.text().utf8_str();
        EXPECT_TRUE(dlg->booked_ids().empty());
        EXPECT_FALSE(dlg->problem().empty());
    }
    // Again, with the documented reason: booked, and the reason is on the appointment.
    const std::string reason = "Referred by Dr Chen for a trial, ABN signed";
    OverrideAnswer answer(reason, "booking-override");
    click(child<wxButton>(dlg, "book"));
    ASSERT_TRUE(pump_until([&] { return answer.answered() && !dlg->booked_ids().empty(); }))
        << "problem: " << dlg->problem().utf8_str();
    ASSERT_EQ(dlg->booked_ids().size(), 1u);
    const auto a = session_.repo().appointment(dlg->booked_ids().front());
    ASSERT_TRUE(a);
    EXPECT_EQ(a->patient_id, nora_id);
    EXPECT_NE(a->notes.find(reason), std::string::npos) << a->notes;
    EXPECT_TRUE(dlg->summary().Contains("NCD 30.3.3")) << dlg->summary().utf8_str();
    dlg->Destroy();
    // The calendar shows it on its day.
    f.presenter().go_to(session_.scheduler->zone().local_date(a->start));
    f.book_changed();
    pump(50);
    EXPECT_NE(f.presenter().appointment(a->id), nullptr);
}

}  // namespace
}  // namespace vertebra::ui::testing
