// Chooses where the clinic's data lives: this computer's file or a PostgreSQL server profile.
#pragma once

#include <wx/dialog.h>

#include "vertebra/ui/connection_profile.hpp"

class wxRadioButton;
class wxTextCtrl;
class wxSpinCtrl;
class wxChoice;
class wxStaticText;

namespace vertebra::ui {

class ConnectionDialog : public wxDialog {
public:
    /// `current_url` fills the fields (a server URL shows the server page).
    ConnectionDialog(wxWindow* parent, const std::string& current_url);

    /// The profile the fields describe (not validated).
    ConnectionProfile profile() const;
    /// The URL to open; empty (and the reason shown) if a field is wrong.
    std::string url();
    /// Tries to connect (no migration) and shows the outcome; true if it connected.
    bool test_connection();
    wxString message() const;

private:
    void sync_enabled();
    wxRadioButton* local_ = nullptr;
    wxRadioButton* server_ = nullptr;
    wxTextCtrl* file_ = nullptr;
    wxTextCtrl* host_ = nullptr;
    wxSpinCtrl* port_ = nullptr;
    wxTextCtrl* database_ = nullptr;
    wxTextCtrl* user_ = nullptr;
    wxChoice* tls_ = nullptr;
    wxStaticText* message_ = nullptr;
};

}  // namespace vertebra::ui
