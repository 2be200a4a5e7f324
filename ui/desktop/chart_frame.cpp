// The patient chart window. Everything it shows comes from load_chart (the chart presenter).
#include "chart_frame.hpp"

#include <chrono>

#include <wx/accel.h>
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/textctrl.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/statline.h>
#include <wx/stattext.h>

#include "score_dialog.hpp"
#include "trend_plot.hpp"
#include "ui_text.hpp"

namespace vertebra::ui {

namespace {

wxStaticText* heading(wxWindow* parent, const wxString& text) {
    auto* t = new wxStaticText(parent, wxID_ANY, text);
    t->SetFont(t->GetFont().Bold());
    t->SetForegroundColour(wxColour(0x1F, 0x4E, 0x79));
    return t;
}

wxString kind_label(const std::string& kind) {
    if (kind == "appointment") return _("Visit");
    if (kind == "note") return _("Note");
    if (kind == "score") return _("Score");
    if (kind == "injection") return _("Injection");
    if (kind == "medication") return _("Medication");
    if (kind == "plan") return _("Plan");
    if (kind == "task") return _("Task");
    if (kind == "addendum") return _("Addendum");
    return wx(kind);
}

}  // namespace

ChartFrame::ChartFrame(wxWindow* parent, RecordServices& r, const core::Principal& who,
                       core::Id patient_id, LocalDate today)
    : wxFrame(parent, wxID_ANY, _("Patient chart"), wxDefaultPosition, wxSize(1240, 860)),
      r_(r), who_(who), patient_id_(patient_id), today_(today) {
    SetName("chart_frame");
    root_ = new wxPanel(this);
    auto* v = new wxBoxSizer(wxVERTICAL);

    name_ = new wxStaticText(root_, wxID_ANY, wxString());
    name_->SetFont(name_->GetFont().Bold().Scaled(1.5f));
    header_ = new wxStaticText(root_, wxID_ANY, wxString());
    header_->SetForegroundColour(wxColour(0x55, 0x55, 0x55));
    v->Add(name_, 0, wxLEFT | wxRIGHT | wxTOP, 14);
    v->Add(header_, 0, wxLEFT | wxRIGHT | wxBOTTOM, 14);
    v->Add(new wxStaticLine(root_), 0, wxEXPAND | wxLEFT | wxRIGHT, 14);

    auto* columns = new wxBoxSizer(wxHORIZONTAL);
    // Left: the plan.
    auto* left = new wxBoxSizer(wxVERTICAL);
    left->Add(heading(root_, _("Treatment plan")), 0, wxBOTTOM, 4);
    plan_title_ = new wxStaticText(root_, wxID_ANY, wxString());
    plan_title_->SetFont(plan_title_->GetFont().Bold());
    plan_info_ = new wxStaticText(root_, wxID_ANY, wxString());
    left->Add(plan_title_, 0, wxBOTTOM, 2);
    left->Add(plan_info_, 0, wxBOTTOM, 8);
    flags_ = new wxStaticText(root_, wxID_ANY, wxString());
    flags_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
    left->Add(flags_, 0, wxBOTTOM, 6);
    left->Add(heading(root_, _("Goals")), 0, wxBOTTOM, 2);
    goals_ = new wxStaticText(root_, wxID_ANY, wxString());
    left->Add(goals_, 0, wxBOTTOM, 8);
    left->Add(heading(root_, _("Components")), 0, wxBOTTOM, 4);
    components_ = new wxListCtrl(root_, wxID_ANY, wxDefaultPosition, wxSize(-1, 150),
                                 wxLC_REPORT | wxLC_SINGLE_SEL, wxDefaultValidator,
                                 "chart_components");
    components_->AppendColumn(_("Component"), wxLIST_FORMAT_LEFT, 230);
    components_->AppendColumn(_("Practitioner"), wxLIST_FORMAT_LEFT, 170);
    components_->AppendColumn(_("Done"), wxLIST_FORMAT_RIGHT, 55);
    components_->AppendColumn(_("Booked"), wxLIST_FORMAT_RIGHT, 60);
    components_->AppendColumn(_("Left"), wxLIST_FORMAT_RIGHT, 50);
    left->Add(components_, 0, wxEXPAND | wxBOTTOM, 8);
    left->Add(heading(root_, _("Care team")), 0, wxBOTTOM, 2);
    team_ = new wxStaticText(root_, wxID_ANY, wxString());
    left->Add(team_, 0, wxBOTTOM, 8);
    left->Add(heading(root_, _("Care-team tasks")), 0, wxBOTTOM, 4);
    tasks_ = new wxListCtrl(root_, wxID_ANY, wxDefaultPosition, wxSize(-1, 110),
                            wxLC_REPORT | wxLC_SINGLE_SEL, wxDefaultValidator, "chart_tasks");
    tasks_->AppendColumn(_("Task"), wxLIST_FORMAT_LEFT, 320);
    tasks_->AppendColumn(_("Who"), wxLIST_FORMAT_LEFT, 100);
    tasks_->AppendColumn(_("Due"), wxLIST_FORMAT_LEFT, 100);
    left->Add(tasks_, 1, wxEXPAND);
    auto* add_row = new wxBoxSizer(wxHORIZONTAL);
    task_title_ = new wxTextCtrl(root_, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                                 wxTE_PROCESS_ENTER, wxDefaultValidator, "chart_task_title");
    task_title_->SetHint(_("New task for the care team"));
    task_due_ = new wxTextCtrl(root_, wxID_ANY, wxString(), wxDefaultPosition, wxSize(125, -1),
                               wxTE_PROCESS_ENTER, wxDefaultValidator, "chart_task_due");
    task_due_->SetHint(_("YYYY-MM-DD"));
    task_due_->SetToolTip(_("Due date (optional)"));
    task_assignee_ = new wxChoice(root_, wxID_ANY, wxDefaultPosition, wxSize(150, -1), 0, nullptr,
                                  0, wxDefaultValidator, "chart_task_assignee");
    task_assignee_->SetToolTip(_("Who does it: the whole care team, or one of its members"));
    auto* add = new wxButton(root_, wxID_ANY, _("Add task"));
    add->SetName("chart_task_add");
    add->SetToolTip(_("Add the task to the plan (Enter); double-click a task to tick it off"));
    add_row->Add(task_title_, 1, wxRIGHT, 6);
    add_row->Add(task_due_, 0, wxRIGHT, 6);
    add_row->Add(task_assignee_, 0, wxRIGHT, 6);
    add_row->Add(add, 0);
    left->Add(add_row, 0, wxEXPAND | wxTOP, 6);
    task_message_ = new wxStaticText(root_, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                                     0, "chart_task_message");
    task_message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
    left->Add(task_message_, 0, wxTOP, 4);
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { add_task(); });
    task_title_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { add_task(); });
    task_due_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { add_task(); });
    tasks_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& e) { toggle_task(e.GetIndex()); });
    columns->Add(left, 5, wxEXPAND | wxALL, 14);

    // Right: the trends, then the timeline.
    auto* right = new wxBoxSizer(wxVERTICAL);
    auto* outcomes_row = new wxBoxSizer(wxHORIZONTAL);
    outcomes_row->Add(heading(root_, _("Outcomes")), 1, wxALIGN_CENTER_VERTICAL);
    record_score_ = new wxButton(root_, wxID_ANY, _("Record score..."));
    record_score_->SetName("chart_record_score");
    if (who.has(core::Permission::AssessmentWrite)) {
        record_score_->SetToolTip(_("Record a pain (NRS), Oswestry (ODI) or Roland-Morris score taken now (Ctrl+R)"));
    } else {
        record_score_->Disable();
        record_score_->SetToolTip(_("Recording scores needs a clinician's rights (assessment.write)."));
    }
    outcomes_row->Add(record_score_, 0);
    right->Add(outcomes_row, 0, wxEXPAND | wxBOTTOM, 4);
    nrs_ = new TrendPlot(root_, "chart_nrs_plot");
    odi_ = new TrendPlot(root_, "chart_odi_plot");
    right->Add(nrs_, 1, wxEXPAND | wxBOTTOM, 8);
    right->Add(odi_, 1, wxEXPAND | wxBOTTOM, 10);
    auto* timeline_row = new wxBoxSizer(wxHORIZONTAL);
    timeline_row->Add(heading(root_, _("Timeline")), 1, wxALIGN_CENTER_VERTICAL);
    case_note_ = new wxButton(root_, wxID_ANY, _("Case note..."));
    case_note_->SetName("chart_case_note");
    if (who.has(core::Permission::NoteWrite)) {
        case_note_->SetToolTip(_("A note for the whole care team, signed when saved (Ctrl+K)"));
    } else {
        case_note_->Disable();
        case_note_->SetToolTip(_("Writing notes needs a clinician's rights (note.write)."));
    }
    timeline_row->Add(case_note_, 0);
    right->Add(timeline_row, 0, wxEXPAND | wxBOTTOM, 4);
    timeline_ = new wxListCtrl(root_, wxID_ANY, wxDefaultPosition, wxSize(-1, 200),
                               wxLC_REPORT | wxLC_SINGLE_SEL, wxDefaultValidator, "chart_timeline");
    timeline_->AppendColumn(_("When"), wxLIST_FORMAT_LEFT, 140);
    timeline_->AppendColumn(_("What"), wxLIST_FORMAT_LEFT, 90);
    timeline_->AppendColumn(_("Details"), wxLIST_FORMAT_LEFT, 480);
    right->Add(timeline_, 1, wxEXPAND);
    columns->Add(right, 6, wxEXPAND | wxTOP | wxBOTTOM | wxRIGHT, 14);
    v->Add(columns, 1, wxEXPAND);
    root_->SetSizer(v);

    const int record_score_id = wxWindow::NewControlId();
    const int case_note_id = wxWindow::NewControlId();
    wxAcceleratorEntry keys[] = {{wxACCEL_NORMAL, WXK_ESCAPE, wxID_CLOSE},
                                 {wxACCEL_CTRL, 'W', wxID_CLOSE},
                                 {wxACCEL_NORMAL, WXK_F5, wxID_REFRESH},
                                 {wxACCEL_CTRL, 'R', record_score_id},
                                 {wxACCEL_CTRL, 'K', case_note_id}};
    SetAcceleratorTable(wxAcceleratorTable(5, keys));
    case_note_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { open_case_note_dialog(); });
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        if (case_note_->IsEnabled()) open_case_note_dialog();
    }, case_note_id);
    record_score_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { open_score_dialog(); });
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        if (record_score_->IsEnabled()) open_score_dialog();
    }, record_score_id);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_CLOSE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { reload(); }, wxID_REFRESH);
    reload();
}

wxString ChartFrame::task_message() const { return task_message_->GetLabel(); }

wxDialog* ChartFrame::open_case_note_dialog() {
    if (case_note_dialog_) case_note_dialog_->Destroy();
    auto* dlg = new wxDialog(this, wxID_ANY,
                             wxString::Format(_("Case note - %s"), wx(data_.patient.name)),
                             wxDefaultPosition, wxSize(560, 380),
                             wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER, "case_note_dialog");
    case_note_dialog_ = dlg;
    auto* v = new wxBoxSizer(wxVERTICAL);
    auto* about = new wxStaticText(
        dlg, wxID_ANY,
        _("For the whole care team: what the others should know (a call with the GP, an MRI "
          "result, a change at home). It is signed when saved and corrected by addendum."));
    about->Wrap(520);
    v->Add(about, 0, wxALL, 10);
    auto* text = new wxTextCtrl(dlg, wxID_ANY, wxString(), wxDefaultPosition, wxSize(-1, 180),
                                wxTE_MULTILINE, wxDefaultValidator, "case_note_text");
    v->Add(text, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
    auto* message = new wxStaticText(dlg, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                                     0, "case_note_message");
    message->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
    v->Add(message, 0, wxEXPAND | wxALL, 10);
    auto* buttons = new wxStdDialogButtonSizer();
    auto* sign = new wxButton(dlg, wxID_OK, _("&Sign and save"));
    sign->SetName("case_note_sign");
    buttons->AddButton(sign);
    buttons->AddButton(new wxButton(dlg, wxID_CANCEL));
    buttons->Realize();
    v->Add(buttons, 0, wxEXPAND | wxALL, 10);
    dlg->SetSizer(v);
    sign->Bind(wxEVT_BUTTON, [this, dlg, text, message](wxCommandEvent&) {
        if (!data_.has_plan) {
            message->SetLabel(_("Case notes belong to a plan's care team; this patient has no plan yet."));
            return;
        }
        const std::string problem = ui::add_case_note(
            r_, who_, data_.plan_id, utf8(text->GetValue()),
            std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
        message->SetLabel(wx(problem));
        if (!problem.empty()) return;
        if (dlg->IsModal()) dlg->EndModal(wxID_OK); else dlg->Hide();
        reload();
    });
    dlg->CentreOnParent();
    dlg->Show();
    dlg->Raise();
    text->SetFocus();
    return dlg;
}

ScoreDialog* ChartFrame::open_score_dialog() {
    if (score_dialog_) score_dialog_->Destroy();
    score_dialog_ = new ScoreDialog(this, r_, who_, patient_id_, data_.patient.name,
                                    [this] { reload(); });
    score_dialog_->CentreOnParent();
    score_dialog_->Show();
    score_dialog_->Raise();
    return score_dialog_;
}

void ChartFrame::add_task() {
    if (!data_.has_plan) {
        task_message_->SetLabel(_("Tasks belong to a plan; this patient has none yet."));
        return;
    }
    const int pick = task_assignee_->GetSelection();
    const std::string assignee =
        pick > 0 && static_cast<std::size_t>(pick) <= data_.assignees.size()
            ? data_.assignees[static_cast<std::size_t>(pick - 1)].user
            : std::string();
    const std::string problem = ui::add_task(r_, who_, data_.plan_id, utf8(task_title_->GetValue()),
                                             assignee, utf8(task_due_->GetValue()));
    task_message_->SetLabel(wx(problem));
    if (!problem.empty()) return;
    task_title_->Clear();
    task_due_->Clear();
    task_assignee_->SetSelection(0);
    reload();
}

void ChartFrame::toggle_task(long row) {
    if (row < 0 || row >= static_cast<long>(data_.tasks.size())) return;
    const auto& t = data_.tasks[static_cast<std::size_t>(row)];
    if (!t.id) return;  // a reminder: done by doing it (sign the note, review the plan)
    const std::string problem = set_task_done(r_, who_, t.id, !t.done);
    task_message_->SetLabel(wx(problem));
    if (problem.empty()) reload();
}

void ChartFrame::reload() {
    data_ = load_chart(r_, who_, patient_id_, today_);
    fill();
}

void ChartFrame::fill() {
    const auto& d = data_;
    SetTitle(wxString::Format(_("%s - Patient chart"), wx(d.patient.name)));
    name_->SetLabel(wx(d.patient.name));
    header_->SetLabel(wx(d.header));
    if (d.has_plan) {
        plan_title_->SetLabel(wx(d.plan_title));
        wxString info = wxString::Format(_("%s, started %s"), key_label(d.plan_status),
                                         format_day(d.plan_start, true));
        if (d.next_review)
            info += wxString::Format(_(", next review %s"), format_day(*d.next_review, true));
        if (!d.review_sentence.empty()) info += "\n" + wx(d.review_sentence);
        plan_info_->SetLabel(info);
        plan_info_->Wrap(520);
        wxString goals;
        for (const auto& g : d.goals) goals += wxString::FromUTF8("\u2022 ") + wx(g) + "\n";
        goals_->SetLabel(goals.Trim());
        wxString team;
        for (const auto& m : d.care_team) team += wxString::FromUTF8("\u2022 ") + wx(m) + "\n";
        team_->SetLabel(team.Trim());
    } else {
        plan_title_->SetLabel(_("No treatment plan yet"));
        plan_info_->SetLabel(_("Create one with vertebra-cli plan create (plan editing in the app is not done yet)."));
        goals_->SetLabel(wxString());
        team_->SetLabel(wxString());
    }
    wxString flags;
    for (const auto& f : d.flags) flags += wxString::FromUTF8("\u26A0 ") + wx(f) + "\n";
    flags_->SetLabel(flags.Trim());
    flags_->Wrap(520);
    flags_->Show(!d.flags.empty());

    components_->DeleteAllItems();
    for (const auto& c : d.components) {
        const long i = components_->InsertItem(components_->GetItemCount(),
                                               wx(c.kind + ": " + c.title));
        components_->SetItem(i, 1, c.practitioner.empty() ? _("not assigned") : wx(c.practitioner));
        components_->SetItem(i, 2, c.planned ? wxString::Format("%d", c.done) : wxString());
        components_->SetItem(i, 3, c.planned ? wxString::Format("%d", c.booked) : wxString());
        components_->SetItem(i, 4, c.planned ? wxString::Format("%d", c.left) : wxString("-"));
    }
    tasks_->DeleteAllItems();
    for (const auto& t : d.tasks) {
        const long i = tasks_->InsertItem(tasks_->GetItemCount(),
                                          (t.done ? wxString::FromUTF8("\u2714 ") : wxString()) + wx(t.text));
        tasks_->SetItem(i, 1, t.who.empty() ? _("care team") : wx(t.who));
        tasks_->SetItem(i, 2, t.due ? format_day(*t.due, false) : wxString());
        if (t.overdue) tasks_->SetItemTextColour(i, wxColour(0xB0, 0x1E, 0x1E));
        if (t.done) tasks_->SetItemTextColour(i, wxColour(0x90, 0x90, 0x90));
    }
    if (d.tasks.empty()) tasks_->InsertItem(0, _("Nothing to do for this patient."));
    const int keep = task_assignee_->GetSelection();
    task_assignee_->Clear();
    task_assignee_->Append(_("Care team"));
    for (const auto& a : d.assignees) task_assignee_->Append(wx(a.label));
    task_assignee_->SetSelection(keep > 0 && keep < static_cast<int>(task_assignee_->GetCount()) ? keep : 0);

    const auto zone = r_.scheduler.zone();
    timeline_->DeleteAllItems();
    for (const auto& e : d.timeline) {
        const long i = timeline_->InsertItem(timeline_->GetItemCount(), wx(zone.format_short(e.at)));
        timeline_->SetItem(i, 1, kind_label(e.kind));
        timeline_->SetItem(i, 2, wx(e.text));
    }
    nrs_->set_series(d.nrs);
    odi_->set_series(d.odi);
    root_->Layout();
}

}  // namespace vertebra::ui
