// Asks why an appointment is cancelled (the reason is kept with the appointment).
#pragma once

#include <wx/dialog.h>

class wxComboBox;

namespace vertebra::ui {

class CancelDialog : public wxDialog {
public:
    CancelDialog(wxWindow* parent, const wxString& appointment);
    wxString reason() const;
    void set_reason(const wxString& r);

private:
    wxComboBox* reason_ = nullptr;
};

}  // namespace vertebra::ui
