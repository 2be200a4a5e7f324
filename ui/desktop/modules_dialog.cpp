// The owner's module manager window: modules with state and reason, enable and disable.
#include "modules_dialog.hpp"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include "ui_text.hpp"

namespace vertebra::ui {

namespace {

wxString state_name(core::ModuleState s) {
    switch (s) {
    case core::ModuleState::Running: return _("Running");
    case core::ModuleState::Disabled: return _("Disabled");
    case core::ModuleState::Failed: return _("Failed to load");
    case core::ModuleState::NotInstalled: return _("Not installed");
    }
    return wxString();
}

}  // namespace

ModulesDialog::ModulesDialog(wxWindow* parent, core::ModuleRegistry& registry,
                             const core::Principal* who)
    : wxDialog(parent, wxID_ANY, _("Therapy modules"), wxDefaultPosition, wxSize(760, 460),
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      presenter_(registry, who) {
    SetName("modules_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);
    v->Add(new wxStaticText(this, wxID_ANY,
                            _("Disabling a module stops new bookings of its services; its records "
                              "stay and come back when it is enabled again.")),
           0, wxALL, 10);
    list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 220),
                           wxLC_REPORT | wxLC_SINGLE_SEL);
    list_->SetName("modules_list");
    list_->AppendColumn(_("Module"), wxLIST_FORMAT_LEFT, 200);
    list_->AppendColumn(_("Version"), wxLIST_FORMAT_LEFT, 80);
    list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 120);
    list_->AppendColumn(_("Details"), wxLIST_FORMAT_LEFT, 330);
    v->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
    details_ = new wxStaticText(this, wxID_ANY, wxString());
    details_->SetName("module_details");
    v->Add(details_, 0, wxEXPAND | wxALL, 10);
    problem_ = new wxStaticText(this, wxID_ANY, wx(presenter_.notice()));
    problem_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
    v->Add(problem_, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    enable_ = new wxButton(this, wxID_ANY, _("&Enable"));
    enable_->SetName("enable_module");
    disable_ = new wxButton(this, wxID_ANY, _("&Disable"));
    disable_->SetName("disable_module");
    buttons->Add(enable_, 0, wxRIGHT, 6);
    buttons->Add(disable_, 0);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, _("Close")), 0);
    v->Add(buttons, 0, wxEXPAND | wxALL, 10);
    SetSizer(v);

    list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { on_selected(); });
    enable_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggle(true); });
    disable_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggle(false); });
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (IsModal()) EndModal(wxID_CLOSE); else Hide();
    }, wxID_CLOSE);
    reload();
}

void ModulesDialog::reload() {
    const int keep = selected_row();
    const std::string keep_id = keep >= 0 ? rows_[static_cast<std::size_t>(keep)].id : "";
    rows_ = presenter_.rows();
    list_->DeleteAllItems();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const auto& r = rows_[i];
        const long item = list_->InsertItem(static_cast<long>(i), wx(r.name));
        list_->SetItem(item, 1, wx(r.version));
        list_->SetItem(item, 2, state_name(r.state));
        list_->SetItem(item, 3, wx(r.details));
        if (r.state == core::ModuleState::Failed)
            list_->SetItemTextColour(item, wxColour(0xB0, 0x1E, 0x1E));
        else if (r.state != core::ModuleState::Running)
            list_->SetItemTextColour(item, wxColour(0x80, 0x80, 0x80));
    }
    if (!keep_id.empty()) select_module(keep_id);
    on_selected();
}

int ModulesDialog::selected_row() const {
    if (!list_) return -1;
    return static_cast<int>(list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED));
}

bool ModulesDialog::select_module(const std::string& id) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id != id) continue;
        list_->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                            wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        on_selected();
        return true;
    }
    return false;
}

void ModulesDialog::on_selected() {
    const int i = selected_row();
    if (i < 0) {
        enable_->Enable(false);
        disable_->Enable(false);
        details_->SetLabel(_("Select a module."));
        return;
    }
    const auto& r = rows_[static_cast<std::size_t>(i)];
    enable_->Enable(r.can_enable);
    disable_->Enable(r.can_disable);
    details_->SetLabel(wx(r.name) + " (" + wx(r.id) + "): " + state_name(r.state) +
                       (r.details.empty() ? wxString() : ". " + wx(r.details)));
    details_->Wrap(GetClientSize().x - 20);
    Layout();
}

void ModulesDialog::toggle(bool enable) {
    const int i = selected_row();
    if (i < 0) return;
    const auto r = presenter_.set_enabled(rows_[static_cast<std::size_t>(i)].id, enable);
    problem_->SetLabel(r.ok ? wxString() : wx(r.message));
    reload();
}

wxString ModulesDialog::problem() const { return problem_->GetLabel(); }

}  // namespace vertebra::ui
