// The patient chart window: demographics, the active plan, outcome trends, tasks and timeline.
#pragma once

#include <wx/frame.h>

#include "vertebra/ui/chart_presenter.hpp"

class wxButton;
class wxChoice;
class wxDialog;
class wxListCtrl;
class wxStaticText;
class wxPanel;
class wxTextCtrl;

namespace vertebra::ui {

class ScoreDialog;
class TrendPlot;

class ChartFrame : public wxFrame {
public:
    ChartFrame(wxWindow* parent, RecordServices& r, const core::Principal& who,
               core::Id patient_id, LocalDate today);
    /// Re-reads the chart (after a note was signed, a score recorded...).
    void reload();
    const ChartData& data() const { return data_; }
    core::Id patient_id() const { return patient_id_; }
    TrendPlot* nrs_plot() { return nrs_; }
    TrendPlot* odi_plot() { return odi_; }
    wxListCtrl* timeline() { return timeline_; }
    wxListCtrl* tasks() { return tasks_; }
    /// The last sentence about a task that could not be added or changed ("" = fine).
    wxString task_message() const;
    /// Opens "Record score" (Ctrl+R) beside the chart; the chart re-reads itself once a score is
    /// stored. Returns the dialog (one at a time).
    ScoreDialog* open_score_dialog();
    /// Opens "Case note" (Ctrl+K) beside the chart: a note for the whole care team, signed when
    /// saved. Returns the dialog (one at a time).
    wxDialog* open_case_note_dialog();

private:
    void fill();
    void add_task();
    void toggle_task(long row);

    RecordServices& r_;
    core::Principal who_;
    core::Id patient_id_;
    LocalDate today_;
    ChartData data_;
    wxPanel* root_ = nullptr;
    wxStaticText* name_ = nullptr;
    wxStaticText* header_ = nullptr;
    wxStaticText* plan_title_ = nullptr;
    wxStaticText* plan_info_ = nullptr;
    wxStaticText* goals_ = nullptr;
    wxStaticText* team_ = nullptr;
    wxStaticText* flags_ = nullptr;
    wxListCtrl* components_ = nullptr;
    wxListCtrl* tasks_ = nullptr;
    wxTextCtrl* task_title_ = nullptr;
    wxTextCtrl* task_due_ = nullptr;
    wxChoice* task_assignee_ = nullptr;
    wxStaticText* task_message_ = nullptr;
    wxListCtrl* timeline_ = nullptr;
    TrendPlot* nrs_ = nullptr;
    TrendPlot* odi_ = nullptr;
    wxButton* record_score_ = nullptr;
    ScoreDialog* score_dialog_ = nullptr;
    wxButton* case_note_ = nullptr;
    wxDialog* case_note_dialog_ = nullptr;
};

}  // namespace vertebra::ui
