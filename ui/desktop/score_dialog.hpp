// "Record score" from the patient chart: NRS, ODI (ten sections) or RMDQ, scored by core as it is
// typed and stored through the plan service as the signed-in user.
#pragma once

#include <array>
#include <functional>

#include <wx/dialog.h>

#include "vertebra/ui/chart_presenter.hpp"

class wxChoice;
class wxPanel;
class wxStaticText;
class wxTextCtrl;

namespace vertebra::ui {

class ScoreDialog : public wxDialog {
public:
    /// `recorded` runs after a score was stored (the chart re-reads itself).
    ScoreDialog(wxWindow* parent, RecordServices& r, const core::Principal& who,
                core::Id patient_id, const std::string& patient_name,
                std::function<void()> recorded);

    /// What the fields hold now.
    ScoreEntry entry() const;
    /// The preview line or the reason nothing was stored.
    wxString message() const;
    /// Stores the score; on success closes the dialog, else shows why and stays open.
    bool record();

private:
    void measure_changed();
    void update_preview();

    RecordServices& r_;
    core::Principal who_;
    core::Id patient_id_;
    std::function<void()> recorded_;
    wxChoice* measure_ = nullptr;
    wxPanel* value_panel_ = nullptr;
    wxTextCtrl* value_ = nullptr;
    wxStaticText* value_range_ = nullptr;
    wxPanel* odi_panel_ = nullptr;
    std::array<wxChoice*, 10> odi_{};
    wxTextCtrl* note_ = nullptr;
    wxStaticText* message_ = nullptr;
};

}  // namespace vertebra::ui
