// Chooses where the clinic's data lives: this computer's file or a PostgreSQL server profile.
#include "connection_dialog.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/radiobut.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "ui_text.hpp"
#include "vertebra/db/database.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

ConnectionDialog::ConnectionDialog(wxWindow* parent, const std::string& current_url)
    : wxDialog(parent, wxID_ANY, _("Connect to the clinic's database")) {
    SetName("connection_dialog");
    ConnectionProfile p;
    try {
        p = profile_from_url(current_url);
    } catch (const std::exception&) {
        p.sqlite_path = db::default_sqlite_path();
    }
    if (p.sqlite_path.empty()) p.sqlite_path = db::default_sqlite_path();

    auto* v = new wxBoxSizer(wxVERTICAL);
    local_ = new wxRadioButton(this, wxID_ANY, _("This computer (a database file)"),
                               wxDefaultPosition, wxDefaultSize, wxRB_GROUP);
    local_->SetName("local");
    file_ = new wxTextCtrl(this, wxID_ANY, wx(p.sqlite_path), wxDefaultPosition, wxSize(420, -1));
    file_->SetName("file");
    server_ = new wxRadioButton(this, wxID_ANY, _("The clinic's server (PostgreSQL)"));
    server_->SetName("server");
    v->Add(local_, 0, wxALL, 8);
    v->Add(file_, 0, wxEXPAND | wxLEFT | wxRIGHT, 28);
    v->Add(server_, 0, wxALL, 8);

    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    host_ = new wxTextCtrl(this, wxID_ANY, wx(p.host));
    host_->SetName("host");
    port_ = new wxSpinCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(140, -1),
                           wxSP_ARROW_KEYS, 1, 65535, p.port);
    port_->SetName("port");
    database_ = new wxTextCtrl(this, wxID_ANY, wx(p.database));
    database_->SetName("database");
    user_ = new wxTextCtrl(this, wxID_ANY, wx(p.user));
    user_->SetName("user");
    tls_ = new wxChoice(this, wxID_ANY);
    tls_->SetName("tls");
    tls_->Append(_("Off"));
    tls_->Append(_("If the server offers it"));
    tls_->Append(_("Required"));
    tls_->Append(_("Required, and check the server's certificate"));
    tls_->SetSelection(static_cast<int>(p.tls));
    const std::pair<wxString, wxWindow*> rows[] = {{_("Server"), host_},
                                                   {_("Port"), port_},
                                                   {_("Database"), database_},
                                                   {_("User"), user_},
                                                   {_("Encryption (TLS)"), tls_}};
    for (const auto& [label, w] : rows) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(w, 1, wxEXPAND);
    }
    v->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 28);
    v->Add(new wxStaticText(this, wxID_ANY,
                            _("The password comes from ~/.pgpass or PGPASSWORD; it is not stored "
                              "here.")),
           0, wxALL, 8);
    message_ = new wxStaticText(this, wxID_ANY, wxString());
    message_->SetName("message");
    v->Add(message_, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* test = new wxButton(this, wxID_ANY, _("&Test connection"));
    test->SetName("test_connection");
    buttons->Add(test, 0);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CANCEL), 0, wxRIGHT, 6);
    auto* ok = new wxButton(this, wxID_OK, _("&Open"));
    ok->SetDefault();
    buttons->Add(ok, 0);
    v->Add(buttons, 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(v);

    (p.local ? local_ : server_)->SetValue(true);
    sync_enabled();
    local_->Bind(wxEVT_RADIOBUTTON, [this](wxCommandEvent&) { sync_enabled(); });
    server_->Bind(wxEVT_RADIOBUTTON, [this](wxCommandEvent&) { sync_enabled(); });
    test->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { test_connection(); });
    ok->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (!url().empty()) EndModal(wxID_OK);
    });
}

void ConnectionDialog::sync_enabled() {
    const bool local = local_->GetValue();
    file_->Enable(local);
    for (wxWindow* w : {static_cast<wxWindow*>(host_), static_cast<wxWindow*>(port_),
                        static_cast<wxWindow*>(database_), static_cast<wxWindow*>(user_),
                        static_cast<wxWindow*>(tls_)})
        w->Enable(!local);
}

ConnectionProfile ConnectionDialog::profile() const {
    ConnectionProfile p;
    p.local = local_->GetValue();
    p.sqlite_path = utf8(file_->GetValue().Strip(wxString::both));
    p.host = utf8(host_->GetValue().Strip(wxString::both));
    p.port = port_->GetValue();
    p.database = utf8(database_->GetValue().Strip(wxString::both));
    p.user = utf8(user_->GetValue().Strip(wxString::both));
    p.tls = static_cast<TlsMode>(std::max(0, tls_->GetSelection()));
    return p;
}

std::string ConnectionDialog::url() {
    try {
        std::string u = connection_url(profile());
        message_->SetLabel(wxString());  // an earlier complaint no longer applies
        return u;
    } catch (...) {
        message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
        message_->SetLabel(wx(error_sentence(std::current_exception())));
        Layout();
        return {};
    }
}

bool ConnectionDialog::test_connection() {
    const std::string u = url();
    if (u.empty()) return false;
    try {
        wxBusyCursor busy;
        auto database = db::Database::open(u);
        const int have = database->schema_version();
        const int want = db::Database::binary_schema_version(database->backend());
        message_->SetForegroundColour(wxColour(0x2E, 0x7D, 0x32));
        message_->SetLabel(have == want ? _("Connected.")
                                        : wxString::Format(_("Connected. The database will be "
                                                             "brought up to date (version %d to "
                                                             "%d) when it is opened."),
                                                           have, want));
        Layout();
        return true;
    } catch (...) {
        message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
        message_->SetLabel(wx(error_sentence(std::current_exception())));
        Layout();
        return false;
    }
}

wxString ConnectionDialog::message() const { return message_->GetLabel(); }

}  // namespace vertebra::ui
