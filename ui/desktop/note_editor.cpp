// The note editor window. The form is built from the module's schema; every rule (ranges,
// required fields, signing, billing) is the presenter's and core's.
#include "note_editor.hpp"

#include <cstdlib>

#include <wx/accel.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/scrolwin.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/statline.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/tglbtn.h>
#include <wx/wrapsizer.h>

#include "ui_text.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

namespace {
const wxColour kError(0xB0, 0x1E, 0x1E);
const wxColour kMuted(0x66, 0x66, 0x66);
constexpr int kAutosaveMs = 5000;

/// $XDG_DATA_HOME/vertebra/unsaved-notes (default ~/.local/share/...): typed text the clinic's
/// database did not take yet (see NoteEditorPresenter::keep_unsaved).
std::string unsaved_notes_dir() {
    std::string base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) base = x;
    else if (const char* h = std::getenv("HOME"); h && *h) base = std::string(h) + "/.local/share";
    else return {};
    return base + "/vertebra/unsaved-notes";
}

wxString range_hint(const plugin_api::FormField& f) {
    wxString s;
    if (f.min && f.max)
        s = wxString::Format(_("%s to %s"), wxString::FromDouble(*f.min), wxString::FromDouble(*f.max));
    else if (f.min)
        s = wxString::Format(_("at least %s"), wxString::FromDouble(*f.min));
    else if (f.max)
        s = wxString::Format(_("at most %s"), wxString::FromDouble(*f.max));
    if (!f.unit.empty()) s = wx(f.unit) + (s.empty() ? wxString() : "  (" + s + ")");
    return s;
}
}  // namespace

NoteEditor::NoteEditor(wxWindow* parent, RecordServices& r, const core::Principal& who,
                       core::Id appointment_id)
    : wxFrame(parent, wxID_ANY, _("Session note"), wxDefaultPosition, wxSize(1200, 900)),
      presenter_(std::make_unique<NoteEditorPresenter>(r, who, appointment_id)) {
    SetName("note_editor");
    presenter_->set_recovery_dir(unsaved_notes_dir());
    const auto restored = presenter_->restore_unsaved();
    build();
    if (restored)
        set_status(wxString::Format(_("Restored what was typed on %s but not yet saved to the "
                                      "clinic's record."), wx(*restored)));
    autosave_.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { save_draft(); });
    autosave_.Start(kAutosaveMs);
    Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
        autosave_.Stop();
        if (!presenter_->is_signed()) save_draft();
        e.Skip();
    });
}

NoteEditor::~NoteEditor() { autosave_.Stop(); }

void NoteEditor::build() {
    auto& p = *presenter_;
    SetTitle(wx(p.title()));
    auto* root = new wxPanel(this);
    auto* v = new wxBoxSizer(wxVERTICAL);
    auto* title = new wxStaticText(root, wxID_ANY, wx(p.title()));
    title->SetFont(title->GetFont().Bold().Scaled(1.3f));
    v->Add(title, 0, wxLEFT | wxRIGHT | wxTOP, 14);
    signature_ = new wxStaticText(root, wxID_ANY, wxString());
    signature_->SetName("note_signature");
    signature_->SetForegroundColour(wxColour(0x2E, 0x6B, 0x3A));
    v->Add(signature_, 0, wxLEFT | wxRIGHT | wxTOP, 14);

    auto* columns = new wxBoxSizer(wxHORIZONTAL);
    // Left: the module's form.
    auto* left = new wxBoxSizer(wxVERTICAL);
    auto* form_title = new wxStaticText(root, wxID_ANY,
                                        p.schema() ? wx(p.schema()->title) : _("No module form"));
    form_title->SetFont(form_title->GetFont().Bold());
    form_title->SetForegroundColour(wxColour(0x1F, 0x4E, 0x79));
    left->Add(form_title, 0, wxBOTTOM, 6);
    form_ = new wxScrolledWindow(root, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                 wxVSCROLL | wxBORDER_THEME);
    form_->SetScrollRate(0, 12);
    form_->SetBackgroundColour(wxColour(0xFB, 0xFB, 0xFB));
    auto* grid = new wxFlexGridSizer(2, wxSize(14, 4));
    grid->AddGrowableCol(1, 1);
    if (p.schema())
        for (const auto& f : p.schema()->fields) add_field(form_, grid, f);
    else
        grid->Add(new wxStaticText(form_, wxID_ANY,
                                   _("This visit's service has no therapy-module form; write the "
                                     "note in the sections on the right.")));
    auto* pad = new wxBoxSizer(wxVERTICAL);
    pad->Add(grid, 1, wxEXPAND | wxALL, 12);
    form_->SetSizer(pad);
    form_error_ = new wxStaticText(root, wxID_ANY, wxString());
    form_error_->SetForegroundColour(kError);
    left->Add(form_, 1, wxEXPAND);
    left->Add(form_error_, 0, wxTOP, 4);
    columns->Add(left, 3, wxEXPAND | wxALL, 14);

    // Right: SOAP sections.
    auto* right = new wxBoxSizer(wxVERTICAL);
    const std::pair<const char*, wxString> sections[] = {{"subjective", _("Subjective")},
                                                         {"objective", _("Objective")},
                                                         {"assessment", _("Assessment")},
                                                         {"plan", _("Plan")}};
    for (const auto& [key, label] : sections) {
        auto* l = new wxStaticText(root, wxID_ANY, label);
        l->SetFont(l->GetFont().Bold());
        right->Add(l, 0, wxBOTTOM, 3);
        const std::string k = key;
        const auto& c = p.content();
        const std::string& text = k == "subjective" ? c.subjective
                                  : k == "objective" ? c.objective
                                  : k == "assessment" ? c.assessment
                                                      : c.plan;
        auto* t = new wxTextCtrl(root, wxID_ANY, wx(text), wxDefaultPosition, wxSize(-1, 60),
                                 wxTE_MULTILINE, wxDefaultValidator, "soap_" + k);
        t->Bind(wxEVT_TEXT, [this, k, t](wxCommandEvent&) {
            presenter_->set_section(k, utf8(t->GetValue()));
            set_status(_("Changed; the draft is saved every few seconds."));
        });
        soap_[k] = t;
        right->Add(t, 1, wxEXPAND | wxBOTTOM, 8);
    }
    // Billing preview (after signing), under the sections.
    auto* bill_label = new wxStaticText(root, wxID_ANY, _("Billing preview"));
    bill_label->SetFont(bill_label->GetFont().Bold());
    right->Add(bill_label, 0, wxTOP, 4);
    billing_ = new wxListCtrl(root, wxID_ANY, wxDefaultPosition, wxSize(-1, 92),
                              wxLC_REPORT | wxLC_SINGLE_SEL, wxDefaultValidator, "note_billing");
    billing_->AppendColumn(_("Code"), wxLIST_FORMAT_LEFT, 80);
    billing_->AppendColumn(_("Units"), wxLIST_FORMAT_RIGHT, 55);
    billing_->AppendColumn(_("Modifiers"), wxLIST_FORMAT_LEFT, 90);
    billing_->AppendColumn(_("Fee"), wxLIST_FORMAT_RIGHT, 90);
    right->Add(billing_, 0, wxEXPAND | wxTOP, 4);
    billing_note_ = new wxStaticText(root, wxID_ANY, wxString());
    billing_note_->SetForegroundColour(kMuted);
    right->Add(billing_note_, 0, wxEXPAND | wxTOP, 4);
    columns->Add(right, 2, wxEXPAND | wxTOP | wxBOTTOM | wxRIGHT, 14);
    v->Add(columns, 1, wxEXPAND);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    status_ = new wxStaticText(root, wxID_ANY, wxString());
    status_->SetName("note_status");
    buttons->Add(status_, 1, wxALIGN_CENTER_VERTICAL);
    save_button_ = new wxButton(root, wxID_SAVE, _("Save draft"));
    save_button_->SetToolTip(_("Save the draft now (Ctrl+S); it is also saved every few seconds"));
    addendum_button_ = new wxButton(root, wxID_ANY, _("Addendum..."));
    addendum_button_->SetName("note_addendum");
    addendum_button_->SetToolTip(_("Add a correction to the signed note (Ctrl+D)"));
    sign_button_ = new wxButton(root, wxID_ANY, _("Sign"));
    sign_button_->SetName("note_sign");
    sign_button_->SetToolTip(_("Check the form, sign and lock the note (Ctrl+Enter)"));
    auto* close = new wxButton(root, wxID_CLOSE, _("Close"));
    buttons->Add(save_button_, 0, wxLEFT, 6);
    buttons->Add(addendum_button_, 0, wxLEFT, 6);
    buttons->Add(sign_button_, 0, wxLEFT, 6);
    buttons->Add(close, 0, wxLEFT, 6);
    v->Add(buttons, 0, wxEXPAND | wxALL, 14);
    root->SetSizer(v);

    save_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save_draft(); });
    sign_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { sign(); });
    addendum_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { addendum(); });
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
    const int kSign = wxWindow::NewControlId();
    const int kAdd = wxWindow::NewControlId();
    wxAcceleratorEntry keys[] = {{wxACCEL_CTRL, 'S', wxID_SAVE},
                                 {wxACCEL_CTRL, WXK_RETURN, kSign},
                                 {wxACCEL_CTRL, 'D', kAdd},
                                 {wxACCEL_NORMAL, WXK_ESCAPE, wxID_CLOSE},
                                 {wxACCEL_CTRL, 'W', wxID_CLOSE}};
    SetAcceleratorTable(wxAcceleratorTable(5, keys));
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { save_draft(); }, wxID_SAVE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { sign(); }, kSign);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { addendum(); }, kAdd);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_CLOSE);

    show_signed_state();
    if (!p.is_signed())
        set_status(p.note_id() ? _("Draft. Changes are saved every few seconds.")
                               : _("New note. It is saved as a draft once the form is complete."));
}

void NoteEditor::add_field(wxWindow* parent, wxSizer* grid, const plugin_api::FormField& f) {
    using plugin_api::FieldType;
    auto& p = *presenter_;
    const std::string key = f.key;
    auto* label = new wxStaticText(parent, wxID_ANY, wx(f.label) + (f.required ? " *" : ""));
    label->SetFont(label->GetFont().Bold());
    grid->Add(label, 0, wxALIGN_TOP | wxTOP, 6);
    auto* cell = new wxBoxSizer(wxVERTICAL);
    const nlohmann::json value = p.field(key);
    auto name = "field_" + key;
    wxWindow* control = nullptr;
    switch (f.type) {
    case FieldType::Number:
    case FieldType::Integer:
    case FieldType::Date: {
        wxString initial;
        if (const auto typed = p.unparsed_text(key)) initial = wx(*typed);
        else if (value.is_number_integer()) initial = wxString::Format("%lld", value.get<long long>());
        else if (value.is_number()) initial = wxString::FromDouble(value.get<double>());
        else if (value.is_string()) initial = wx(value.get<std::string>());
        auto* row = new wxBoxSizer(wxHORIZONTAL);
        auto* t = new wxTextCtrl(parent, wxID_ANY, initial, wxDefaultPosition,
                                 wxSize(f.type == FieldType::Date ? 120 : 80, -1), 0,
                                 wxDefaultValidator, name);
        if (f.type == FieldType::Date) t->SetHint("YYYY-MM-DD");
        t->Bind(wxEVT_TEXT, [this, key, t](wxCommandEvent&) {
            presenter_->set_field_text(key, utf8(t->GetValue()));
            touched(key);
        });
        row->Add(t, 0, wxALIGN_CENTER_VERTICAL);
        const wxString hint = f.type == FieldType::Date ? wxString() : range_hint(f);
        if (!hint.empty()) {
            auto* u = new wxStaticText(parent, wxID_ANY, hint);
            u->SetForegroundColour(kMuted);
            row->Add(u, 0, wxALIGN_CENTER_VERTICAL | wxLEFT, 8);
        }
        cell->Add(row);
        control = t;
        break;
    }
    case FieldType::Choice:
    case FieldType::YesNo: {
        wxArrayString items;
        items.Add(_("(choose)"));
        std::vector<nlohmann::json> values = {nullptr};
        if (f.type == FieldType::YesNo) {
            items.Add(_("Yes"));
            items.Add(_("No"));
            values.push_back(true);
            values.push_back(false);
        } else {
            for (const auto& c : f.choices) {
                items.Add(wx(c.label.empty() ? c.value : c.label));
                values.push_back(c.value);
            }
        }
        auto* ch = new wxChoice(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, items, 0,
                                wxDefaultValidator, name);
        int sel = 0;
        for (std::size_t i = 1; i < values.size(); ++i)
            if (values[i] == value) sel = static_cast<int>(i);
        ch->SetSelection(sel);
        ch->Bind(wxEVT_CHOICE, [this, key, ch, values](wxCommandEvent&) {
            const int i = ch->GetSelection();
            presenter_->set_field(key, i > 0 ? values[static_cast<std::size_t>(i)] : nlohmann::json());
            touched(key);
        });
        cell->Add(ch, 0);
        control = ch;
        break;
    }
    case FieldType::MultiChoice:
    case FieldType::BodyRegions: {
        // Multi-choice: check boxes. Body regions: the spine-region picker, toggle buttons in
        // spinal order (cervical at the top of the spine) then the extraspinal regions.
        std::vector<std::pair<std::string, wxString>> options;
        if (f.type == FieldType::MultiChoice) {
            for (const auto& c : f.choices)
                options.emplace_back(c.value, wx(c.label.empty() ? c.value : c.label));
        } else {
            std::vector<std::string> regions = f.regions;
            if (regions.empty()) {
                regions = plugin_api::spinal_regions();
                for (const auto& r : plugin_api::extraspinal_regions()) regions.push_back(r);
            }
            for (const auto& r : regions) options.emplace_back(r, key_label(r));
        }
        auto* panel = new wxPanel(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                  wxTAB_TRAVERSAL, name);
        panel->SetBackgroundColour(parent->GetBackgroundColour());
        auto* wrap = new wxWrapSizer(wxHORIZONTAL);
        auto selected = std::make_shared<std::vector<std::string>>();
        if (value.is_array())
            for (const auto& e : value) selected->push_back(e.get<std::string>());
        auto update = [this, key, selected, options](const std::string& opt, bool on) {
            auto& s = *selected;
            s.erase(std::remove(s.begin(), s.end(), opt), s.end());
            if (on) s.push_back(opt);
            // Keep the schema's order.
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& [v, l] : options)
                if (std::find(s.begin(), s.end(), v) != s.end()) arr.push_back(v);
            presenter_->set_field(key, arr);
            touched(key);
        };
        for (const auto& [opt, text] : options) {
            const bool on = std::find(selected->begin(), selected->end(), opt) != selected->end();
            const std::string o = opt;
            if (f.type == FieldType::BodyRegions) {
                auto* b = new wxToggleButton(panel, wxID_ANY, text, wxDefaultPosition,
                                             wxDefaultSize, 0, wxDefaultValidator,
                                             name + "_" + opt);
                b->SetValue(on);
                b->Bind(wxEVT_TOGGLEBUTTON, [update, o, b](wxCommandEvent&) { update(o, b->GetValue()); });
                wrap->Add(b, 0, wxRIGHT | wxBOTTOM, 4);
            } else {
                auto* c = new wxCheckBox(panel, wxID_ANY, text, wxDefaultPosition, wxDefaultSize,
                                         0, wxDefaultValidator, name + "_" + opt);
                c->SetValue(on);
                c->Bind(wxEVT_CHECKBOX, [update, o, c](wxCommandEvent&) { update(o, c->GetValue()); });
                wrap->Add(c, 0, wxRIGHT | wxBOTTOM, 10);
            }
        }
        panel->SetSizer(wrap);
        cell->Add(panel, 0, wxEXPAND);
        control = panel;
        break;
    }
    case FieldType::Text: {
        const bool multi = f.max_length == 0 || f.max_length > 200;
        auto* t = new wxTextCtrl(parent, wxID_ANY,
                                 value.is_string() ? wx(value.get<std::string>()) : wxString(),
                                 wxDefaultPosition, wxSize(-1, multi ? 54 : -1),
                                 multi ? wxTE_MULTILINE : 0, wxDefaultValidator, name);
        // GTK limits only single-line boxes; the module's check names a too-long text anyway.
        if (f.max_length > 0 && !multi) t->SetMaxLength(static_cast<unsigned long>(f.max_length));
        t->Bind(wxEVT_TEXT, [this, key, t](wxCommandEvent&) {
            presenter_->set_field_text(key, utf8(t->GetValue()));
            touched(key);
        });
        cell->Add(t, 0, wxEXPAND);
        control = t;
        break;
    }
    }
    if (!f.help.empty()) {
        auto* h = new wxStaticText(parent, wxID_ANY, wx(f.help));
        h->SetForegroundColour(kMuted);
        cell->Add(h, 0, wxTOP, 2);
    }
    auto* err = new wxStaticText(parent, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize, 0,
                                 "error_" + key);
    err->SetForegroundColour(kError);
    err->Hide();
    cell->Add(err, 0, wxTOP, 2);
    errors_[key] = err;
    controls_[key] = control;
    grid->Add(cell, 1, wxEXPAND | wxBOTTOM, 6);
}

void NoteEditor::touched(const std::string& key) {
    touched_[key] = true;
    show_errors(false);
    set_status(_("Changed; the draft is saved every few seconds."));
}

void NoteEditor::show_errors(bool all) {
    const auto problems = presenter_->validate();
    for (auto& [key, label] : errors_) {
        const auto it = problems.find(key);
        const bool show = it != problems.end() && (all || touched_[key]);
        const wxString text = show ? wx(it->second) : wxString();
        if (label->GetLabel() != text) label->SetLabel(text);
        label->Show(show);
        if (auto* c = controls_[key]) {
            if (dynamic_cast<wxTextCtrl*>(c))
                c->SetBackgroundColour(show ? wxColour(0xFF, 0xEE, 0xEE)
                                            : wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW));
        }
    }
    const auto form = problems.find("");
    form_error_->SetLabel(all && form != problems.end() ? wx(form->second) : wxString());
    form_->FitInside();
    form_->Layout();
}

void NoteEditor::show_field(const std::string& key) {
    const auto it = controls_.find(key);
    if (it == controls_.end() || !it->second) return;
    it->second->SetFocus();
    // Scroll the form so the field (and the message under it) is in view.
    int ppu_x = 1, ppu_y = 1;
    form_->GetScrollPixelsPerUnit(&ppu_x, &ppu_y);
    int view_x = 0, view_y = 0;
    form_->GetViewStart(&view_x, &view_y);
    const int y = it->second->GetPosition().y + view_y * ppu_y;  // virtual position
    form_->Scroll(0, std::max(0, (y - 80) / std::max(1, ppu_y)));
}

wxString NoteEditor::field_error(const std::string& key) const {
    const auto it = errors_.find(key);
    if (it == errors_.end() || !it->second->IsShown()) return {};
    return it->second->GetLabel();
}

wxString NoteEditor::status() const { return status_->GetLabel(); }

void NoteEditor::set_status(const wxString& s, bool problem) {
    status_->SetLabel(s);
    status_->SetForegroundColour(problem ? kError : kMuted);
}

bool NoteEditor::save_draft() {
    auto& p = *presenter_;
    if (p.is_signed() || !p.dirty()) return true;
    const auto problems = p.validate();
    // Core keeps only drafts whose form passes the module's checks (and needs the database):
    // until then what is typed is kept on this computer, and the status says so.
    auto keep = [&](const wxString& reason) {
        std::string why;
        if (p.keep_unsaved(&why))
            set_status(wxString::Format(_("Not saved to the clinic's record yet: %s. What you typed "
                                          "is kept on this computer and comes back when the note "
                                          "is opened again."), reason), true);
        else
            set_status(wxString::Format(_("Not saved: %s; and %s."), reason, wx(why)), true);
    };
    if (!problems.empty()) {
        keep(wx(problems.begin()->second));
        return false;
    }
    try {
        p.autosave();
        set_status(wxString::Format(_("Draft saved at %s."), wxDateTime::Now().Format("%H:%M:%S")));
        return true;
    } catch (...) {
        keep(wx(error_sentence(std::current_exception())));
        return false;
    }
}

bool NoteEditor::sign() {
    auto& p = *presenter_;
    if (p.is_signed()) return true;
    std::map<std::string, std::string> problems;
    try {
        problems = p.sign();
    } catch (...) {
        set_status(wx(error_sentence(std::current_exception())), true);
        return false;
    }
    if (!problems.empty()) {
        show_errors(true);
        set_status(wxString::Format(_("Not signed: %s"), wx(problems.begin()->second)), true);
        // Put the cursor on the first field with a problem.
        for (const auto& [key, msg] : problems)
            if (auto it = controls_.find(key); it != controls_.end() && it->second) {
                it->second->SetFocus();

                break;
            }
        return false;
    }
    show_errors(false);
    show_signed_state();
    if (on_changed) on_changed();
    return true;
}

void NoteEditor::show_signed_state() {
    auto& p = *presenter_;
    const bool locked = p.is_signed();
    wxString sig;
    for (const auto& line : p.signature_lines()) sig += wx(line) + "\n";
    signature_->SetLabel(sig.Trim());
    signature_->Show(locked);
    for (auto& [key, c] : controls_)
        if (c) c->Enable(!locked);
    for (auto& [key, t] : soap_) t->SetEditable(!locked);
    sign_button_->Enable(!locked);
    save_button_->Enable(!locked);
    addendum_button_->Enable(locked);
    if (locked) {
        autosave_.Stop();
        set_status(_("Signed and locked. Corrections go in an addendum."));
    }
    show_billing();
    GetChildren().front()->Layout();
}

void NoteEditor::show_billing() {
    billing_->DeleteAllItems();
    const auto b = presenter_->billing_preview();
    if (!b.problem.empty()) {
        billing_note_->SetLabel(wx(b.problem));
        return;
    }
    for (const auto& l : b.lines) {
        const long i = billing_->InsertItem(billing_->GetItemCount(), wx(l.code));
        billing_->SetItem(i, 1, wxString::Format("%d", l.units));
        billing_->SetItem(i, 2, wx(l.modifiers));
        billing_->SetItem(i, 3, wx(money(l.fee_cents)));
    }
    wxString note = wxString::Format(_("From the module's billing rules (payer: %s). Total %s."),
                                     wx(b.payer), wx(money(b.total_cents)));
    for (const auto& w : b.warnings) note += "\n" + wx(w);
    billing_note_->SetLabel(note);
    billing_note_->Wrap(std::max(200, billing_->GetSize().x));
}

void NoteEditor::addendum() {
    auto& p = *presenter_;
    if (!p.is_signed()) {
        set_status(_("The note is still a draft: edit it instead of adding an addendum."), true);
        return;
    }
    wxTextEntryDialog reason_dlg(this, _("Why is the signed note corrected?"), _("Addendum"));
    if (reason_dlg.ShowModal() != wxID_OK) return;
    wxTextEntryDialog text_dlg(this, _("The correction:"), _("Addendum"), wxString(),
                               wxOK | wxCANCEL | wxTE_MULTILINE);
    if (text_dlg.ShowModal() != wxID_OK) return;
    try {
        p.addend(utf8(reason_dlg.GetValue()), utf8(text_dlg.GetValue()));
        show_signed_state();
        set_status(_("Addendum added."));
        if (on_changed) on_changed();
    } catch (...) {
        set_status(wx(error_sentence(std::current_exception())), true);
    }
}

}  // namespace vertebra::ui
