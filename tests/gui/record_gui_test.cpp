// GUI tests of the clinical side: the patient chart's plots, writing and signing a chiropractic
// note with simulated input (with an inline validation error first), signing in with a wrong and
// the right password, and automatic log-off with a tiny time-out.
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/tglbtn.h>
#include <wx/uiaction.h>

#include "calendar_view.hpp"
#include "command_ids.hpp"
#include "chart_frame.hpp"
#include "gui_fixture.hpp"
#include "note_editor.hpp"
#include "record_dialogs.hpp"
#include "score_dialog.hpp"
#include "trend_plot.hpp"
#include "ui_text.hpp"

namespace vertebra::ui::testing {
namespace {

core::Id patient_with_plan(ClinicSession& s) {
    for (const auto& p : s.repo().find_patients("", 100))
        if (!s.record->plans->plans_for_patient(p.id).empty()) return p.id;
    return 0;
}

core::Id open_chiropractic_visit(ClinicSession& s) {
    const auto zone = s.scheduler->zone();
    core::Id chiro = 0;
    for (const auto& p : s.repo().practitioners())
        if (p.has_discipline("chiropractic") && !chiro) chiro = p.id;
    core::AppointmentQuery q{zone.start_of_day(test_today()),
                             zone.start_of_day(test_today() + date::days{14}), {chiro}, {}, {}, false};
    for (const auto& a : s.repo().appointments(q))
        if (!s.record->notes->status_for_appointment(a.id)) return a.id;
    return 0;
}

TEST(TrendPlotLabels, OverlappingLabelsMoveApartAndPlacingEnds) {
    // 0.1 + 0.7 is 0.7999999999999999: the label placed below 0.1 was a hair closer than 0.7 to
    // it, and placing it moved it to the same spot for ever (the chart window hung).
    std::vector<double> placed{0.1};
    EXPECT_NEAR(TrendPlot::place_label(0.1, 0.7, placed), 0.8, 1e-9);
    // Three labels wanted at one height end up one under the other, none overlapping.
    std::vector<double> three;
    for (int i = 0; i < 3; ++i) TrendPlot::place_label(40.0, 13.0, three);
    ASSERT_EQ(three.size(), 3u);
    EXPECT_DOUBLE_EQ(three[0], 40.0);
    EXPECT_DOUBLE_EQ(three[1], 53.0);
    EXPECT_DOUBLE_EQ(three[2], 66.0);
    // A label clear of the others stays where it is wanted.
    EXPECT_DOUBLE_EQ(TrendPlot::place_label(100.0, 13.0, three), 100.0);
}

TEST_F(GuiTest, ChartShowsThePlanAndPlotsEveryScore) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user()) << f.last_message().utf8_str();
    const core::Id pid = patient_with_plan(session_);
    ASSERT_NE(pid, 0);
    ChartFrame* chart = f.open_chart(pid);
    ASSERT_TRUE(chart) << f.last_message().utf8_str();
    chart->SetSize(1240, 860);
    chart->Raise();
    ASSERT_TRUE(pump_until([&] { return chart->nrs_plot()->paints() > 0 && chart->odi_plot()->paints() > 0; }));
    pump(200);
    EXPECT_TRUE(chart->data().has_plan);
    EXPECT_GT(chart->timeline()->GetItemCount(), 5);
    auto* components = find<wxListCtrl>("chart_components", chart);
    ASSERT_TRUE(components);
    EXPECT_EQ(components->GetItemCount(), static_cast<int>(chart->data().components.size()));
    // Every stored score is a drawn point at its value; time runs left to right.
    for (auto [plot, measure] : {std::pair{chart->nrs_plot(), core::outcomes::Measure::Nrs},
                                 std::pair{chart->odi_plot(), core::outcomes::Measure::Odi}}) {
        const auto stored = session_.record->outcomes->observations(pid, measure);
        const auto& drawn = plot->drawn_points();
        ASSERT_EQ(drawn.size(), stored.size()) << core::outcomes::to_string(measure);
        ASSERT_GE(drawn.size(), 2u);
        for (std::size_t i = 0; i < drawn.size(); ++i) {
            EXPECT_NEAR(drawn[i].m_y, plot->y_of(stored[i].value), 0.01);
            if (i) {
                EXPECT_GT(drawn[i].m_x, drawn[i - 1].m_x);
            }
        }
        ASSERT_TRUE(plot->series().baseline && plot->series().mcid_line);
        EXPECT_EQ(*plot->series().baseline, stored.front().value);
        EXPECT_LT(*plot->series().mcid_line, *plot->series().baseline);
        // Lower is better: the improving demo patient's last point is below its first.
        EXPECT_GT(drawn.back().m_y, drawn.front().m_y);
    }
    // The care team's tasks come from core; a new one is added through the chart.
    const auto tasks_before = session_.record->tasks->tasks_for_plan(chart->data().plan_id).size();
    EXPECT_GE(tasks_before, 1u);
    auto* task_title = find<wxTextCtrl>("chart_task_title", chart);
    auto* task_add = find<wxButton>("chart_task_add", chart);
    ASSERT_TRUE(task_title && task_add);
    type_into(task_title, "Call about the MRI report");
    click(task_add);
    ASSERT_TRUE(pump_until([&] {
        return session_.record->tasks->tasks_for_plan(chart->data().plan_id).size() == tasks_before + 1;
    })) << chart->task_message().utf8_str();
    EXPECT_EQ(chart->task_message(), "");
    bool listed = false;
    for (int i = 0; i < chart->tasks()->GetItemCount(); ++i)
        listed = listed || chart->tasks()->GetItemText(i) == "Call about the MRI report";
    EXPECT_TRUE(listed);
    // One for a member of the care team: the demo user (the plan's chiropractor).
    auto* assignee = find<wxChoice>("chart_task_assignee", chart);
    ASSERT_TRUE(assignee);
    ASSERT_GE(assignee->GetCount(), 2u);
    EXPECT_EQ(assignee->GetString(0), "Care team");
    choose(assignee, 1);
    type_into(task_title, "Send the X-ray report to the PT");
    click(task_add);
    ASSERT_TRUE(pump_until([&] {
        return session_.record->tasks->tasks_for_plan(chart->data().plan_id).size() == tasks_before + 2;
    })) << chart->task_message().utf8_str();
    bool given = false;
    for (int i = 0; i < chart->tasks()->GetItemCount(); ++i)
        given = given || (chart->tasks()->GetItemText(i) == "Send the X-ray report to the PT" &&
                          chart->tasks()->GetItemText(i, 1) == "demo");
    EXPECT_TRUE(given);
    EXPECT_EQ(assignee->GetSelection(), 0);  // the next task is the team's again

    // A case note for the care team, signed when saved, shows on the timeline.
    auto* case_note = find<wxButton>("chart_case_note", chart);
    ASSERT_TRUE(case_note && case_note->IsEnabled());
    click(case_note);
    auto* note_dlg = dynamic_cast<wxDialog*>(wxWindow::FindWindowByName("case_note_dialog", chart));
    ASSERT_TRUE(note_dlg);
    ASSERT_TRUE(pump_until([&] { return note_dlg->IsShown(); }));
    auto* sign = find<wxButton>("case_note_sign", note_dlg);
    auto* note_message = find<wxStaticText>("case_note_message", note_dlg);
    ASSERT_TRUE(sign && note_message);
    click(sign);  // nothing typed: refused, named
    EXPECT_NE(note_message->GetLabel().Find("needs some text"), wxNOT_FOUND)
        << note_message->GetLabel().utf8_str();
    type_into(find<wxTextCtrl>("case_note_text", note_dlg), "GP agrees to taper the NSAID.");
    click(sign);
    ASSERT_TRUE(pump_until([&] {
        for (int i = 0; i < chart->timeline()->GetItemCount(); ++i)
            if (chart->timeline()->GetItemText(i, 2).StartsWith("Case note by demo")) return true;
        return false;
    })) << note_message->GetLabel().utf8_str();
    EXPECT_FALSE(note_dlg->IsShown());
    shoot(chart, "chart");
    chart->Destroy();
    pump(50);
}

TEST_F(GuiTest, TherapistRecordsPainAndOswestryScoresFromTheChart) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user()) << f.last_message().utf8_str();
    const core::Id pid = patient_with_plan(session_);
    ASSERT_NE(pid, 0);
    ChartFrame* chart = f.open_chart(pid);
    ASSERT_TRUE(chart);
    chart->SetSize(1240, 860);
    chart->Raise();
    ASSERT_TRUE(pump_until([&] { return chart->nrs_plot()->paints() > 0; }));
    const auto nrs_before = chart->nrs_plot()->series().points.size();
    const auto odi_before = chart->odi_plot()->series().points.size();
    const auto stored_before = session_.record->outcomes->observations(pid).size();

    auto* button = find<wxButton>("chart_record_score", chart);
    ASSERT_TRUE(button);
    EXPECT_TRUE(button->IsEnabled());
    click(button);
    auto* dlg = find<ScoreDialog>("score_dialog", chart);
    ASSERT_TRUE(dlg);
    ASSERT_TRUE(pump_until([&] { return dlg->IsShown(); }));
    auto* value = find<wxTextCtrl>("score_value", dlg);
    auto* record = find<wxButton>("score_record", dlg);
    auto* message = find<wxStaticText>("score_message", dlg);
    ASSERT_TRUE(value && record && message);
    // An impossible pain score is named as it is typed and Record stores nothing.
    type_into(value, "12");
    EXPECT_EQ(message->GetLabel(), "NRS: pain rating 12 is outside 0-10.");
    click(record);
    EXPECT_TRUE(dlg->IsShown());
    EXPECT_EQ(session_.record->outcomes->observations(pid).size(), stored_before);
    type_into(value, "2");
    EXPECT_TRUE(message->GetLabel().StartsWith("NRS 2 (")) << message->GetLabel().utf8_str();
    click(record);
    ASSERT_TRUE(pump_until([&] { return chart->nrs_plot()->series().points.size() == nrs_before + 1; }))
        << message->GetLabel().utf8_str();
    EXPECT_FALSE(dlg->IsShown());
    EXPECT_EQ(chart->nrs_plot()->series().points.back().value, 2);
    ASSERT_TRUE(pump_until([&] { return chart->nrs_plot()->drawn_points().size() == nrs_before + 1; }));

    // Oswestry: ten sections picked one by one; the percentage shows before it is stored.
    dlg = chart->open_score_dialog();
    ASSERT_TRUE(pump_until([&] { return dlg->IsShown(); }));
    auto* measure = find<wxChoice>("score_measure", dlg);
    ASSERT_TRUE(measure);
    choose(measure, 1);
    EXPECT_FALSE(find<wxTextCtrl>("score_value", dlg)->IsShownOnScreen());
    const int answers[10] = {3, 1, 2, 2, 3, 2, 2, -1, 1, 2};  // sex life not answered
    for (int i = 0; i < 10; ++i) {
        auto* section = find<wxChoice>(wxString::Format("score_odi_%d", i + 1).c_str(), dlg);
        ASSERT_TRUE(section && section->IsShownOnScreen()) << i;
        choose(section, answers[i] + 1);
    }
    message = find<wxStaticText>("score_message", dlg);
    // 18 of 45 answered points = 40 %.
    EXPECT_TRUE(message->GetLabel().StartsWith("ODI 40 % (")) << message->GetLabel().utf8_str();
    EXPECT_TRUE(message->GetLabel().EndsWith("9 of 10 sections answered")) << message->GetLabel().utf8_str();
    type_into(find<wxTextCtrl>("score_note", dlg), "Paper questionnaire at the front desk");
    shoot(dlg, "chart-score");
    click(find<wxButton>("score_record", dlg));
    ASSERT_TRUE(pump_until([&] { return chart->odi_plot()->series().points.size() == odi_before + 1; }))
        << message->GetLabel().utf8_str();
    const auto odis = session_.record->outcomes->observations(pid, core::outcomes::Measure::Odi);
    EXPECT_DOUBLE_EQ(odis.back().value, 40.0);
    EXPECT_EQ(odis.back().odi_answers[0], 3);
    EXPECT_FALSE(odis.back().odi_answers[7]);
    EXPECT_EQ(odis.back().note, "Paper questionnaire at the front desk");
    EXPECT_EQ(odis.back().recorded_by, "demo");
    EXPECT_EQ(session_.record->outcomes->observations(pid).size(), stored_before + 2);
    chart->Destroy();
    pump(50);
}

ChartFrame* open_chart_window() {
    for (wxWindow* w : wxTopLevelWindows)
        if (auto* c = dynamic_cast<ChartFrame*>(w)) return c;
    return nullptr;
}

TEST_F(GuiTest, RightClickOpensTheChartAndSearchFindsThePatient) {
    MainFrame& f = open_frame(CalendarMode::Day);
    CalendarView* cal = f.calendar();
    ASSERT_FALSE(f.presenter().layout().blocks.empty());
    const auto& block = f.presenter().layout().blocks.front();
    const core::Id appt = block.appointment_id;
    const core::Id patient = session_.repo().appointment(appt)->patient_id;
    // Right-click selects the block; its menu offers the chart and a note.
    wxUIActionSimulator sim;
    sim.MouseMove(cal->ClientToScreen(cal->block_rect(block).GetPosition() + wxPoint(12, 8)));
    pump(50);
    sim.MouseClick(wxMOUSE_BTN_LEFT);
    ASSERT_TRUE(pump_until([&] { return cal->selected() == appt; }));
    std::unique_ptr<wxMenu> menu(f.build_context_menu(appt));
    EXPECT_TRUE(menu->IsEnabled(kCmdOpenChart));
    EXPECT_TRUE(menu->IsEnabled(kCmdWriteNote));
    wxCommandEvent open(wxEVT_MENU, kCmdOpenChart);
    f.ProcessWindowEvent(open);
    pump(200);
    ChartFrame* chart = open_chart_window();
    ASSERT_TRUE(chart) << f.last_message().utf8_str();
    EXPECT_EQ(chart->patient_id(), patient);
    EXPECT_EQ(chart->data().patient.id, patient);
    chart->Destroy();
    pump(50);

    // "Open chart" by name: typing part of it finds the patient.
    const auto p = *session_.repo().patient(patient);
    auto* search = new PatientSearchDialog(&f, *session_.record);
    search->Show();
    pump(200);
    auto* text = find<wxTextCtrl>("patient_search_text", search);
    ASSERT_TRUE(text);
    type_into(text, p.name.substr(0, p.name.find(' ') + 3).c_str());
    ASSERT_TRUE(pump_until([&] { return search->chosen().has_value(); }));
    bool found = false;
    auto* results = find<wxListBox>("patient_search_results", search);
    ASSERT_TRUE(results);
    for (unsigned i = 0; i < results->GetCount(); ++i)
        found = found || results->GetString(i).StartsWith(wx(p.name));
    EXPECT_TRUE(found) << p.name;
    search->Destroy();
    pump(50);
}

TEST_F(GuiTest, WriteAndSignAChiropracticNoteWithAnInlineError) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    const core::Id appt = open_chiropractic_visit(session_);
    ASSERT_NE(appt, 0);
    NoteEditor* ed = f.open_note(appt);
    ASSERT_TRUE(ed) << f.last_message().utf8_str();
    ed->SetSize(1180, 860);
    ed->Raise();
    pump(300);
    ASSERT_TRUE(ed->presenter().schema());

    // A pain score out of range: the message appears under the field, naming it.
    auto* pain_before = find<wxTextCtrl>("field_pain_before", ed);
    ASSERT_TRUE(pain_before);
    type_into(pain_before, "12");
    EXPECT_EQ(pain_before->GetValue(), "12");
    const wxString error = ed->field_error("pain_before");
    EXPECT_TRUE(error.Contains("Pain before")) << error.utf8_str();
    EXPECT_FALSE(ed->sign());
    EXPECT_FALSE(ed->presenter().is_signed());
    EXPECT_TRUE(ed->field_error("care").Length() > 0);
    ed->show_field("pain_before");
    shoot(ed, "note-editor-error");

    // Fill the form as a chiropractor would.
    auto* care = find<wxChoice>("field_care", ed);
    ASSERT_TRUE(care);
    care->SetFocus();
    care->SetSelection(1);  // Active / corrective
    wxCommandEvent choice(wxEVT_CHOICE, care->GetId());
    choice.SetEventObject(care);
    choice.SetInt(1);
    care->ProcessWindowEvent(choice);
    for (const char* region : {"field_spinal_regions_cervical", "field_spinal_regions_lumbar",
                               "field_spinal_regions_pelvic"}) {
        auto* b = find<wxToggleButton>(region, ed);
        ASSERT_TRUE(b) << region;
        click(b);
        if (!b->GetValue()) {  // a window manager that ate the click: inject the toggle
            b->SetValue(true);
            wxCommandEvent t(wxEVT_TOGGLEBUTTON, b->GetId());
            t.SetEventObject(b);
            t.SetInt(1);
            b->ProcessWindowEvent(t);
        }
    }
    type_into(find<wxTextCtrl>("field_symptoms", ed), "Low back pain after lifting");
    type_into(pain_before, "7");
    type_into(find<wxTextCtrl>("field_pain_after", ed), "4");
    type_into(find<wxTextCtrl>("soap_subjective", ed), "Pain 7/10 since Monday, worse sitting.");
    type_into(find<wxTextCtrl>("soap_plan", ed), "Continue twice weekly; home exercises.");
    EXPECT_EQ(ed->field_error("pain_before"), "");
    EXPECT_TRUE(ed->presenter().validate().empty());

    auto* sign = find<wxButton>("note_sign", ed);
    ASSERT_TRUE(sign);
    click(sign);
    ASSERT_TRUE(pump_until([&] { return ed->presenter().is_signed(); }, 5000)) << ed->status().utf8_str();
    const auto st = session_.record->notes->status_for_appointment(appt);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->status, core::NoteStatus::Signed);
    EXPECT_EQ(st->author, "demo");
    // The billing preview: three spinal regions are CMT 3-4 regions.
    auto* billing = find<wxListCtrl>("note_billing", ed);
    ASSERT_TRUE(billing);
    ASSERT_GE(billing->GetItemCount(), 1);
    EXPECT_EQ(billing->GetItemText(0), "98941");
    EXPECT_FALSE(pain_before->IsEnabled());
    ed->show_field("care");
    pump(200);
    shoot(ed, "note-editor");
    ed->Destroy();
    pump(50);
}

TEST_F(GuiTest, NoteTheRecordRefusesIsKeptAndComesBackWhenReopened) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    const core::Id appt = open_chiropractic_visit(session_);
    ASSERT_NE(appt, 0);
    NoteEditor* ed = f.open_note(appt);
    ASSERT_TRUE(ed) << f.last_message().utf8_str();
    ed->SetSize(1180, 860);
    ed->Raise();
    pump(300);
    // An unfinished form: core refuses the draft, so the text stays on this computer.
    type_into(find<wxTextCtrl>("soap_subjective", ed), "Pain since the move, worse on stairs");
    type_into(find<wxTextCtrl>("field_pain_before", ed), "seven");
    EXPECT_FALSE(ed->save_draft());
    EXPECT_TRUE(ed->status().Contains("kept on this computer")) << ed->status().utf8_str();
    EXPECT_FALSE(session_.record->notes->status_for_appointment(appt));
    ed->Close();  // as the user closes it
    pump(200);
    // Reopened: everything typed is back, and the status line says so.
    NoteEditor* again = f.open_note(appt);
    ASSERT_TRUE(again);
    again->SetSize(1180, 860);
    again->Raise();
    pump(300);
    EXPECT_EQ(find<wxTextCtrl>("soap_subjective", again)->GetValue(),
              "Pain since the move, worse on stairs");
    EXPECT_EQ(find<wxTextCtrl>("field_pain_before", again)->GetValue(), "seven");
    EXPECT_TRUE(again->status().StartsWith("Restored")) << again->status().utf8_str();
    shoot(again, "note-editor-restored");
    again->Close();
    pump(100);
}

TEST_F(GuiTest, SignInRefusesAWrongPasswordAndAcceptsTheRightOne) {
    auto* dlg = new LoginDialog(nullptr, *session_.record, SignIn::Password,
                                wx(session_.display));
    dlg->Show();
    dlg->Raise();
    pump(300);
    auto* name = find<wxTextCtrl>("login_name", dlg);
    auto* password = find<wxTextCtrl>("login_password", dlg);
    auto* ok = find<wxButton>("login_ok", dlg);
    ASSERT_TRUE(name && password && ok);
    type_into(name, "demo");
    type_into(password, "not-the-password");
    click(ok);
    ASSERT_TRUE(pump_until([&] { return !dlg->message().empty(); }, 5000));
    EXPECT_EQ(dlg->message(), "Wrong user name or password.");
    EXPECT_FALSE(dlg->user());
    EXPECT_EQ(password->GetValue(), "");
    shoot(dlg, "login");
    type_into(password, kDemoPassword);
    click(ok);
    ASSERT_TRUE(pump_until([&] { return dlg->user().has_value(); }, 5000)) << dlg->message().utf8_str();
    EXPECT_EQ(dlg->user()->name, "demo");
    dlg->Destroy();
    pump(50);
}

TEST_F(GuiTest, OwnerAddsAFrontDeskUserWithARole) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    auto* dlg = new UsersDialog(&f, *session_.record, *f.user());
    dlg->Show();
    dlg->Raise();
    pump(300);
    auto* list = find<wxListCtrl>("users_list", dlg);
    ASSERT_TRUE(list);
    const int before = list->GetItemCount();
    EXPECT_GE(before, 1);  // the demo owner
    type_into(find<wxTextCtrl>("users_name", dlg), "frank");
    type_into(find<wxTextCtrl>("users_password", dlg), "desk-pass-1");
    type_into(find<wxTextCtrl>("users_repeat", dlg), "desk-pass-2");
    auto* add = find<wxButton>("users_add", dlg);
    auto* message = find<wxStaticText>("users_message", dlg);
    ASSERT_TRUE(add && message);
    click(add);
    EXPECT_EQ(message->GetLabel(), "The two passwords differ.");
    EXPECT_EQ(list->GetItemCount(), before);
    type_into(find<wxTextCtrl>("users_password", dlg), "desk-pass-1");
    type_into(find<wxTextCtrl>("users_repeat", dlg), "desk-pass-1");
    click(add);
    ASSERT_TRUE(pump_until([&] { return list->GetItemCount() == before + 1; }))
        << message->GetLabel().utf8_str();
    const auto u = session_.record->users->find("frank");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->roles, std::set<core::Role>{core::Role::FrontDesk});
    shoot(dlg, "users");
    dlg->Destroy();
    pump(50);
}

TEST_F(GuiTest, AutoLogoffLocksKeepsTheDraftAndUnlocksWithThePassword) {
    MainFrame& f = open_frame();
    ASSERT_TRUE(f.user());
    const core::Id appt = open_chiropractic_visit(session_);
    ASSERT_NE(appt, 0);
    NoteEditor* ed = f.open_note(appt);
    ASSERT_TRUE(ed);
    pump(200);
    auto& p = ed->presenter();
    p.set_field("care", "maintenance");
    p.set_field("spinal_regions", nlohmann::json::array({"thoracic"}));
    p.set_field_text("symptoms", "Stiff mid back");
    auto* subjective = find<wxTextCtrl>("soap_subjective", ed);
    ASSERT_TRUE(subjective);
    subjective->ChangeValue("Unsaved words typed just before the break");
    p.set_section("subjective", "Unsaved words typed just before the break");
    EXPECT_FALSE(session_.record->notes->status_for_appointment(appt));

    // A tiny time-out: no input for 600 ms locks the app.
    f.set_user(*f.user(), std::chrono::milliseconds{600});
    ASSERT_TRUE(pump_until([&] { return f.locked(); }, 5000));
    EXPECT_FALSE(ed->IsShown());
    // The draft was saved before locking: nothing is lost.
    const auto st = session_.record->notes->status_for_appointment(appt);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->status, core::NoteStatus::Draft);
    EXPECT_EQ(session_.record->notes->find(st->id)->content.subjective,
              "Unsaved words typed just before the break");
    auto* pw = find<wxTextCtrl>("unlock_password", &f);
    auto* unlock = find<wxButton>("unlock_button", &f);
    ASSERT_TRUE(pw && unlock);
    EXPECT_TRUE(pw->IsShownOnScreen());
    type_into(pw, "wrong-password");
    click(unlock);
    ASSERT_TRUE(pump_until([&] { return !f.lock_message().empty(); }, 5000));
    EXPECT_EQ(f.lock_message(), "Wrong password.");
    EXPECT_TRUE(f.locked());
    // While locked no command reaches patient data.
    EXPECT_FALSE(f.GetMenuBar()->IsEnabledTop(0));
    shoot(&f, "auto-logoff");
    type_into(pw, kDemoPassword);
    click(unlock);
    ASSERT_TRUE(pump_until([&] { return !f.locked(); }, 5000)) << f.lock_message().utf8_str();
    EXPECT_TRUE(ed->IsShown());
    EXPECT_EQ(subjective->GetValue(), "Unsaved words typed just before the break");
    f.set_user(*f.user(), std::chrono::milliseconds{0});
    ed->Destroy();
    pump(50);
}

}  // namespace
}  // namespace vertebra::ui::testing
