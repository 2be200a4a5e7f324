// GUI tests of the booking dialog: typing a patient, choosing a service and a free time, booking.
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/listbox.h>
#include <wx/textctrl.h>
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

void choose(wxChoice* c, int index) {
    c->SetSelection(index);
    wxCommandEvent e(wxEVT_CHOICE, c->GetId());
    e.SetEventObject(c);
    e.SetInt(index);
    c->ProcessWindowEvent(e);
    pump(50);
}

int index_of(wxChoice* c, const wxString& prefix) {
    for (unsigned i = 0; i < c->GetCount(); ++i)
        if (c->GetString(i).StartsWith(prefix)) return static_cast<int>(i);
    return -1;
}

void click(wxWindow* w) {
    wxUIActionSimulator sim;
    sim.MouseMove(w->GetScreenPosition() + wxPoint(w->GetSize().x / 2, w->GetSize().y / 2));
    pump(50);
    sim.MouseClick();
    pump(100);
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

}  // namespace
}  // namespace vertebra::ui::testing
