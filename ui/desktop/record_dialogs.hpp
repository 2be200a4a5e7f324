// Sign-in, patient search and the owner's users screen.
#pragma once

#include <optional>

#include <wx/dialog.h>

#include "vertebra/ui/login_presenter.hpp"

class wxTextCtrl;
class wxStaticText;
class wxListBox;
class wxListCtrl;
class wxChoice;
class wxCheckBox;

namespace vertebra::ui {

/// Name and password (or, for a clinic without users, the first owner account).
class LoginDialog : public wxDialog {
public:
    LoginDialog(wxWindow* parent, RecordServices& r, SignIn kind, const wxString& clinic);
    const std::optional<core::Principal>& user() const { return user_; }
    /// Tries the typed name and password; shows why not and stays open on failure.
    bool attempt();
    wxString message() const;

private:
    RecordServices& r_;
    SignIn kind_;
    wxTextCtrl* name_ = nullptr;
    wxTextCtrl* password_ = nullptr;
    wxTextCtrl* repeat_ = nullptr;
    wxCheckBox* therapist_ = nullptr;
    wxStaticText* message_ = nullptr;
    std::optional<core::Principal> user_;
};

/// Type part of a name; Enter or double-click opens the chart.
class PatientSearchDialog : public wxDialog {
public:
    PatientSearchDialog(wxWindow* parent, RecordServices& r);
    std::optional<core::Id> chosen() const;

private:
    void search();
    RecordServices& r_;
    wxTextCtrl* text_ = nullptr;
    wxListBox* results_ = nullptr;
    std::vector<core::Patient> found_;
};

/// The owner's users screen: the list, add a user with a role, unlock a locked account.
class UsersDialog : public wxDialog {
public:
    UsersDialog(wxWindow* parent, RecordServices& r, const core::Principal& who);

private:
    void reload();
    UsersPresenter presenter_;
    wxListCtrl* list_ = nullptr;
    wxTextCtrl* name_ = nullptr;
    wxChoice* role_ = nullptr;
    wxTextCtrl* password_ = nullptr;
    wxTextCtrl* repeat_ = nullptr;
    wxStaticText* message_ = nullptr;
};

}  // namespace vertebra::ui
