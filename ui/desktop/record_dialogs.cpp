// Sign-in, patient search and the owner's users screen; the rules are AuthService's.
#include "record_dialogs.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

#include "ui_text.hpp"
#include "vertebra/ui/calendar_presenter.hpp"
#include "vertebra/ui/chart_presenter.hpp"

namespace vertebra::ui {

namespace {
const wxColour kError(0xB0, 0x1E, 0x1E);

std::string workstation() { return utf8(wxGetHostName()); }
}  // namespace

LoginDialog::LoginDialog(wxWindow* parent, RecordServices& r, SignIn kind, const wxString& clinic)
    : wxDialog(parent, wxID_ANY, _("Sign in to Vertebra")), r_(r), kind_(kind) {
    SetName("login_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);
    wxString clinic_name;
    try {
        clinic_name = wx(r.book.load_clinic().name);
    } catch (...) {
        clinic_name = _("Vertebra");
    }
    auto* title = new wxStaticText(this, wxID_ANY, clinic_name);
    title->SetFont(title->GetFont().Bold().Scaled(1.3f));
    v->Add(title, 0, wxLEFT | wxRIGHT | wxTOP, 16);
    auto* where = new wxStaticText(this, wxID_ANY, clinic);
    where->SetForegroundColour(wxColour(0x66, 0x66, 0x66));
    v->Add(where, 0, wxLEFT | wxRIGHT | wxBOTTOM, 16);
    if (kind == SignIn::CreateOwner)
        v->Add(new wxStaticText(this, wxID_ANY,
                                _("This clinic has no users yet. Create the owner's account.")),
               0, wxLEFT | wxRIGHT | wxBOTTOM, 14);
    auto* grid = new wxFlexGridSizer(2, wxSize(10, 8));
    grid->AddGrowableCol(1);
    grid->Add(new wxStaticText(this, wxID_ANY, _("User name")), 0, wxALIGN_CENTER_VERTICAL);
    name_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(240, -1), 0,
                           wxDefaultValidator, "login_name");
    grid->Add(name_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Password")), 0, wxALIGN_CENTER_VERTICAL);
    password_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                               wxTE_PASSWORD | wxTE_PROCESS_ENTER, wxDefaultValidator,
                               "login_password");
    grid->Add(password_, 1, wxEXPAND);
    if (kind == SignIn::CreateOwner) {
        grid->Add(new wxStaticText(this, wxID_ANY, _("Repeat password")), 0, wxALIGN_CENTER_VERTICAL);
        repeat_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                                 wxTE_PASSWORD, wxDefaultValidator, "login_repeat");
        grid->Add(repeat_, 1, wxEXPAND);
        grid->AddSpacer(0);
        therapist_ = new wxCheckBox(this, wxID_ANY, _("I also treat patients (therapist)"));
        grid->Add(therapist_);
    }
    v->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 14);
    message_ = new wxStaticText(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(360, -1), 0,
                                "login_message");
    message_->SetForegroundColour(kError);
    v->Add(message_, 0, wxEXPAND | wxALL, 14);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->AddStretchSpacer();
    auto* cancel = new wxButton(this, wxID_CANCEL, _("Quit"));
    auto* ok = new wxButton(this, wxID_OK,
                            kind == SignIn::CreateOwner ? _("Create and sign in") : _("Sign in"));
    ok->SetName("login_ok");
    ok->SetDefault();
    buttons->Add(cancel, 0, wxRIGHT, 6);
    buttons->Add(ok);
    v->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 14);
    SetSizerAndFit(v);
    CentreOnScreen();
    auto go = [this](wxCommandEvent&) {
        if (!attempt()) return;
        if (IsModal()) EndModal(wxID_OK);
        else Hide();
    };
    ok->Bind(wxEVT_BUTTON, go);
    password_->Bind(wxEVT_TEXT_ENTER, go);
    name_->SetFocus();
}

bool LoginDialog::attempt() {
    SignInResult res;
    wxBusyCursor busy;
    if (kind_ == SignIn::CreateOwner)
        res = create_owner(r_, utf8(name_->GetValue()), utf8(password_->GetValue()),
                           utf8(repeat_->GetValue()), therapist_->GetValue(), workstation());
    else
        res = sign_in(r_, utf8(name_->GetValue()), utf8(password_->GetValue()), workstation());
    if (!res.who) {
        message_->SetLabel(wx(res.message));
        password_->Clear();
        password_->SetFocus();
        Layout();
        return false;
    }
    user_ = res.who;
    message_->SetLabel(wxString());
    return true;
}

wxString LoginDialog::message() const { return message_->GetLabel(); }

PatientSearchDialog::PatientSearchDialog(wxWindow* parent, RecordServices& r)
    : wxDialog(parent, wxID_ANY, _("Open a patient's chart")), r_(r) {
    SetName("patient_search");
    auto* v = new wxBoxSizer(wxVERTICAL);
    v->Add(new wxStaticText(this, wxID_ANY, _("Type part of the patient's name:")), 0, wxALL, 12);
    text_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(380, -1),
                           wxTE_PROCESS_ENTER, wxDefaultValidator, "patient_search_text");
    v->Add(text_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
    results_ = new wxListBox(this, wxID_ANY, wxDefaultPosition, wxSize(380, 260), 0, nullptr,
                             wxLB_SINGLE, wxDefaultValidator, "patient_search_results");
    v->Add(results_, 1, wxEXPAND | wxALL, 12);
    auto* buttons = CreateStdDialogButtonSizer(wxOK | wxCANCEL);
    v->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
    SetSizerAndFit(v);
    text_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { search(); });
    text_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        if (chosen()) EndModal(wxID_OK);
    });
    results_->Bind(wxEVT_LISTBOX_DCLICK, [this](wxCommandEvent&) { EndModal(wxID_OK); });
    search();
    text_->SetFocus();
}

void PatientSearchDialog::search() {
    found_ = find_patients(r_, utf8(text_->GetValue()), 50);
    results_->Clear();
    for (const auto& p : found_)
        results_->Append(wx(p.name) + (p.birth_date ? "  (" + wx(format_date(*p.birth_date)) + ")" : wxString()));
    if (!found_.empty()) results_->SetSelection(0);
}

std::optional<core::Id> PatientSearchDialog::chosen() const {
    const int i = results_->GetSelection();
    if (i < 0 || i >= static_cast<int>(found_.size())) return std::nullopt;
    return found_[static_cast<std::size_t>(i)].id;
}

UsersDialog::UsersDialog(wxWindow* parent, RecordServices& r, const core::Principal& who)
    : wxDialog(parent, wxID_ANY, _("Users and roles"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      presenter_(r, who) {
    SetName("users_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);
    list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(560, 220),
                           wxLC_REPORT | wxLC_SINGLE_SEL, wxDefaultValidator, "users_list");
    list_->AppendColumn(_("User"), wxLIST_FORMAT_LEFT, 160);
    list_->AppendColumn(_("Roles"), wxLIST_FORMAT_LEFT, 250);
    list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 120);
    v->Add(list_, 1, wxEXPAND | wxALL, 12);
    auto* unlock = new wxButton(this, wxID_ANY, _("Unlock selected account"));
    unlock->SetName("users_unlock");
    v->Add(unlock, 0, wxLEFT | wxRIGHT, 12);
    auto* add_title = new wxStaticText(this, wxID_ANY, _("Add a user"));
    add_title->SetFont(add_title->GetFont().Bold());
    v->Add(add_title, 0, wxALL, 12);
    auto* grid = new wxFlexGridSizer(4, wxSize(10, 8));
    grid->Add(new wxStaticText(this, wxID_ANY, _("Name")), 0, wxALIGN_CENTER_VERTICAL);
    name_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(160, -1), 0,
                           wxDefaultValidator, "users_name");
    grid->Add(name_);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Role")), 0, wxALIGN_CENTER_VERTICAL);
    wxArrayString roles;
    roles.Add(_("Front desk"));
    roles.Add(_("Therapist"));
    roles.Add(_("Owner"));
    role_ = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, roles, 0,
                         wxDefaultValidator, "users_role");
    role_->SetSelection(0);
    grid->Add(role_);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Password")), 0, wxALIGN_CENTER_VERTICAL);
    password_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(160, -1),
                               wxTE_PASSWORD, wxDefaultValidator, "users_password");
    grid->Add(password_);
    grid->Add(new wxStaticText(this, wxID_ANY, _("Repeat")), 0, wxALIGN_CENTER_VERTICAL);
    repeat_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(160, -1),
                             wxTE_PASSWORD, wxDefaultValidator, "users_repeat");
    grid->Add(repeat_);
    v->Add(grid, 0, wxLEFT | wxRIGHT, 12);
    auto* add = new wxButton(this, wxID_ANY, _("Add user"));
    add->SetName("users_add");
    v->Add(add, 0, wxALL, 12);
    message_ = new wxStaticText(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(540, -1), 0,
                                "users_message");
    v->Add(message_, 0, wxLEFT | wxRIGHT | wxBOTTOM, 12);
    v->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
    SetSizerAndFit(v);
    SetEscapeId(wxID_CLOSE);
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); }, wxID_CLOSE);
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        static const char* keys[] = {"front_desk", "therapist", "owner"};
        const int i = std::max(0, role_->GetSelection());
        const std::string problem = presenter_.add(utf8(name_->GetValue()), keys[i],
                                                   utf8(password_->GetValue()),
                                                   utf8(repeat_->GetValue()));
        message_->SetForegroundColour(problem.empty() ? wxColour(0x2E, 0x6B, 0x3A) : kError);
        message_->SetLabel(problem.empty() ? wxString::Format(_("Added %s."), name_->GetValue())
                                           : wx(problem));
        if (problem.empty()) {
            name_->Clear();
            password_->Clear();
            repeat_->Clear();
        }
        reload();
    });
    unlock->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const long i = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (i < 0) {
            message_->SetLabel(_("Select a locked account first."));
            return;
        }
        const std::string problem = presenter_.unlock(utf8(list_->GetItemText(i)));
        message_->SetLabel(problem.empty() ? _("Unlocked.") : wx(problem));
        reload();
    });
    reload();
}

void UsersDialog::reload() {
    list_->DeleteAllItems();
    try {
        for (const auto& u : presenter_.rows()) {
            const long i = list_->InsertItem(list_->GetItemCount(), wx(u.name));
            list_->SetItem(i, 1, wx(u.roles));
            list_->SetItem(i, 2, wx(u.state));
            if (u.locked) list_->SetItemTextColour(i, kError);
        }
    } catch (...) {
        message_->SetLabel(wx(error_sentence(std::current_exception())));
    }
}

}  // namespace vertebra::ui
