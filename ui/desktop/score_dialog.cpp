// The chart's "Record score" window. The scoring and the rules are core's (preview_score,
// record_score in the chart presenter); this file only lays out the fields.
#include "score_dialog.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "vertebra/outcomes/measures.hpp"
#include "ui_text.hpp"

namespace vertebra::ui {

namespace {

namespace outcomes = core::outcomes;

constexpr outcomes::Measure kMeasures[] = {outcomes::Measure::Nrs, outcomes::Measure::Odi,
                                           outcomes::Measure::Rmdq};

wxString section_label(int i) {
    wxString name = wx(outcomes::odi_section_names()[static_cast<std::size_t>(i)]);
    if (!name.empty()) name[0] = wxToupper(name[0]);
    return wxString::Format("%d. %s", i + 1, name);
}

Instant now_utc() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

ScoreDialog::ScoreDialog(wxWindow* parent, RecordServices& r, const core::Principal& who,
                         core::Id patient_id, const std::string& patient_name,
                         std::function<void()> recorded)
    : wxDialog(parent, wxID_ANY, wxString::Format(_("Record score - %s"), wx(patient_name)),
               wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      r_(r), who_(who), patient_id_(patient_id), recorded_(std::move(recorded)) {
    SetName("score_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);

    auto* top = new wxFlexGridSizer(2, 8, 10);
    top->AddGrowableCol(1);
    top->Add(new wxStaticText(this, wxID_ANY, _("&Measure")), 0, wxALIGN_CENTER_VERTICAL);
    measure_ = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, 0, nullptr, 0,
                            wxDefaultValidator, "score_measure");
    measure_->Append(_("Pain now (NRS, 0 to 10)"));
    measure_->Append(_("Oswestry Disability Index (ODI, ten sections)"));
    measure_->Append(_("Roland-Morris (RMDQ, 0 to 24 statements ticked)"));
    measure_->SetSelection(0);
    top->Add(measure_, 1, wxEXPAND);
    v->Add(top, 0, wxEXPAND | wxALL, 12);

    // NRS / RMDQ: one whole number.
    value_panel_ = new wxPanel(this);
    auto* vh = new wxBoxSizer(wxHORIZONTAL);
    vh->Add(new wxStaticText(value_panel_, wxID_ANY, _("&Score")), 0,
            wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
    value_ = new wxTextCtrl(value_panel_, wxID_ANY, wxString(), wxDefaultPosition, wxSize(70, -1),
                            wxTE_PROCESS_ENTER, wxDefaultValidator, "score_value");
    vh->Add(value_, 0, wxRIGHT, 8);
    value_range_ = new wxStaticText(value_panel_, wxID_ANY, wxString());
    value_range_->SetForegroundColour(wxColour(0x55, 0x55, 0x55));
    vh->Add(value_range_, 0, wxALIGN_CENTER_VERTICAL);
    value_panel_->SetSizer(vh);
    v->Add(value_panel_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);

    // ODI: each section's answer 0-5, or not answered.
    odi_panel_ = new wxPanel(this);
    auto* grid = new wxFlexGridSizer(2, 4, 10);
    grid->AddGrowableCol(0);
    wxArrayString answers;
    answers.Add(_("not answered"));
    for (int a = 0; a <= 5; ++a) answers.Add(wxString::Format("%d", a));
    for (int i = 0; i < 10; ++i) {
        grid->Add(new wxStaticText(odi_panel_, wxID_ANY, section_label(i)), 0,
                  wxALIGN_CENTER_VERTICAL);
        odi_[static_cast<std::size_t>(i)] =
            new wxChoice(odi_panel_, wxID_ANY, wxDefaultPosition, wxDefaultSize, answers, 0,
                         wxDefaultValidator, wxString::Format("score_odi_%d", i + 1));
        odi_[static_cast<std::size_t>(i)]->SetSelection(0);
        grid->Add(odi_[static_cast<std::size_t>(i)], 0);
    }
    auto* odi_box = new wxBoxSizer(wxVERTICAL);
    auto* hint = new wxStaticText(
        odi_panel_, wxID_ANY,
        _("The answer the patient ticked in each section, 0 (no problem) to 5 (worst)."));
    hint->SetForegroundColour(wxColour(0x55, 0x55, 0x55));
    odi_box->Add(hint, 0, wxBOTTOM, 6);
    odi_box->Add(grid, 0, wxEXPAND);
    odi_panel_->SetSizer(odi_box);
    v->Add(odi_panel_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);

    auto* nh = new wxBoxSizer(wxHORIZONTAL);
    nh->Add(new wxStaticText(this, wxID_ANY, _("&Note")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
    note_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(360, -1), 0,
                           wxDefaultValidator, "score_note");
    note_->SetHint(_("optional, e.g. after the third session"));
    nh->Add(note_, 1);
    v->Add(nh, 0, wxEXPAND | wxALL, 12);

    message_ = new wxStaticText(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(460, -1), 0,
                                "score_message");
    v->Add(message_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);

    auto* buttons = new wxStdDialogButtonSizer();
    auto* ok = new wxButton(this, wxID_OK, _("&Record"));
    ok->SetName("score_record");
    ok->SetDefault();
    buttons->AddButton(ok);
    buttons->AddButton(new wxButton(this, wxID_CANCEL));
    buttons->Realize();
    v->Add(buttons, 0, wxEXPAND | wxALL, 12);
    SetSizer(v);

    measure_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { measure_changed(); });
    value_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { update_preview(); });
    value_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { record(); });
    for (auto* c : odi_) c->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { update_preview(); });
    ok->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { record(); });
    measure_changed();
    value_->SetFocus();
}

ScoreEntry ScoreDialog::entry() const {
    ScoreEntry e;
    const int m = measure_->GetSelection();
    e.measure = kMeasures[m < 0 ? 0 : m];
    e.value = utf8(value_->GetValue().Strip(wxString::both));
    for (std::size_t i = 0; i < odi_.size(); ++i) {
        const int sel = odi_[i]->GetSelection();
        e.odi_answers[i] = sel <= 0 ? std::string() : std::to_string(sel - 1);
    }
    e.note = utf8(note_->GetValue().Strip(wxString::both));
    return e;
}

wxString ScoreDialog::message() const { return message_->GetLabel(); }

void ScoreDialog::measure_changed() {
    const auto m = entry().measure;
    odi_panel_->Show(m == outcomes::Measure::Odi);
    value_panel_->Show(m != outcomes::Measure::Odi);
    value_range_->SetLabel(m == outcomes::Measure::Nrs ? _("0 = no pain, 10 = worst imaginable")
                                                       : _("statements ticked, 0 to 24"));
    update_preview();
    GetSizer()->SetSizeHints(this);
    Layout();
}

void ScoreDialog::update_preview() {
    const auto e = entry();
    // Nothing typed yet is not a problem worth a red sentence.
    bool any_answer = false;
    for (const auto& a : e.odi_answers) any_answer = any_answer || !a.empty();
    if (e.measure == outcomes::Measure::Odi ? !any_answer : e.value.empty()) {
        message_->SetLabel(wxString());
        return;
    }
    const auto p = preview_score(e);
    message_->SetForegroundColour(p.observation ? wxColour(0x1B, 0x6E, 0x20)
                                                : wxColour(0xB0, 0x1E, 0x1E));
    message_->SetLabel(wx(p.text));
    message_->Wrap(460);
}

bool ScoreDialog::record() {
    const std::string problem = record_score(r_, who_, patient_id_, entry(), now_utc());
    if (!problem.empty()) {
        message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
        message_->SetLabel(wx(problem));
        message_->Wrap(460);
        Layout();
        return false;
    }
    if (recorded_) recorded_();
    if (IsModal())
        EndModal(wxID_OK);
    else
        Hide();
    return true;
}

}  // namespace vertebra::ui
