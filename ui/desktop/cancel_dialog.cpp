// Asks why an appointment is cancelled (the reason is kept with the appointment).
#include "cancel_dialog.hpp"

#include <wx/button.h>
#include <wx/combobox.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::ui {

CancelDialog::CancelDialog(wxWindow* parent, const wxString& appointment)
    : wxDialog(parent, wxID_ANY, _("Cancel appointment")) {
    SetName("cancel_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);
    auto* what = new wxStaticText(this, wxID_ANY, appointment);
    what->Wrap(420);
    v->Add(what, 0, wxALL, 10);
    v->Add(new wxStaticText(this, wxID_ANY, _("Reason:")), 0, wxLEFT | wxRIGHT, 10);
    wxArrayString common;
    common.Add(_("Patient request"));
    common.Add(_("Patient ill"));
    common.Add(_("Practitioner unavailable"));
    common.Add(_("Clinic closed"));
    common.Add(_("Booked in error"));
    reason_ = new wxComboBox(this, wxID_ANY, common[0], wxDefaultPosition, wxSize(420, -1), common);
    reason_->SetName("reason");
    v->Add(reason_, 0, wxEXPAND | wxALL, 10);
    v->Add(new wxStaticText(this, wxID_ANY,
                            wxString::Format(_("A cancellation with less than %d hours' notice is "
                                               "recorded as late."),
                                             core::Scheduler::kLateCancelHours)),
           0, wxLEFT | wxRIGHT, 10);
    auto* buttons = new wxStdDialogButtonSizer;
    buttons->AddButton(new wxButton(this, wxID_OK, _("Cancel appointment")));
    buttons->AddButton(new wxButton(this, wxID_CANCEL, _("Keep it")));
    buttons->Realize();
    v->Add(buttons, 0, wxEXPAND | wxALL, 10);
    SetSizerAndFit(v);
    reason_->SetFocus();
}

wxString CancelDialog::reason() const { return reason_->GetValue().Strip(wxString::both); }
void CancelDialog::set_reason(const wxString& r) { reason_->SetValue(r); }

}  // namespace vertebra::ui
