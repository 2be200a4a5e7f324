// The owner's "Fees and payers" window: the fee list for a date, changing a fee, the payers and
// the payer options the clinic sets. What may be set, and how, is core's and the modules' rule.
#include "fees_dialog.hpp"

#include <chrono>

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/datectrl.h>
#include <wx/dateevt.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "ui_text.hpp"

namespace vertebra::ui {

namespace {

const wxColour kClinicRow(0xFF, 0xF4, 0xD6);
const wxColour kProblem(0xB0, 0x1E, 0x1E);
const wxColour kDone(0x1E, 0x6E, 0x32);

/// Adds "label control" to a row of edit fields, names the control (tests find it by name) and
/// returns it. The Change-a-fee and Change-a-setting rows are built alike.
template <class W>
W* labelled(wxBoxSizer* row, const wxString& label, W* control, const char* name,
            int proportion = 0) {
    row->Add(new wxStaticText(control->GetParent(), wxID_ANY, label), 0,
             wxALIGN_CENTER_VERTICAL | wxRIGHT, 5);
    control->SetName(name);
    row->Add(control, proportion, wxRIGHT, 12);
    return control;
}

/// The first date a change applies to (today to start with).
wxDatePickerCtrl* date_field(wxWindow* parent, LocalDate today) {
    return new wxDatePickerCtrl(parent, wxID_ANY, to_wx_date(today), wxDefaultPosition,
                                wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
}

/// Why a change is made; Enter sets it.
wxTextCtrl* reason_field(wxWindow* parent, int width) {
    return new wxTextCtrl(parent, wxID_ANY, wxString(), wxDefaultPosition, wxSize(width, -1),
                          wxTE_PROCESS_ENTER);
}

Instant wall_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

FeesDialog::FeesDialog(wxWindow* parent, core::billing::FeeRepository& fees,
                       const core::ModuleRegistry& modules, const core::Principal& who,
                       LocalDate today)
    : wxDialog(parent, wxID_ANY, _("Fees and payers"), wxDefaultPosition, wxSize(1180, 700),
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      presenter_(fees, modules, who, today) {
    SetName("fees_dialog");
    auto* v = new wxBoxSizer(wxVERTICAL);
    book_ = new wxNotebook(this, wxID_ANY);
    book_->SetName("fees_book");

    // ---- Fees page
    auto* page = new wxPanel(book_, wxID_ANY);
    auto* pv = new wxBoxSizer(wxVERTICAL);
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    top->Add(new wxStaticText(page, wxID_ANY, _("Fees in force on")), 0,
             wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    date_ = new wxDatePickerCtrl(page, wxID_ANY, to_wx_date(today), wxDefaultPosition,
                                 wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
    date_->SetName("fees_date");
    top->Add(date_, 0, wxRIGHT, 14);
    top->Add(new wxStaticText(page, wxID_ANY, _("as billed to")), 0,
             wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    filter_ = new wxChoice(page, wxID_ANY);
    filter_->SetName("fees_payer_filter");
    top->Add(filter_, 0, wxRIGHT, 14);
    pv->Add(top, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
    auto* hint = new wxStaticText(page, wxID_ANY, wx(presenter_.edit_hint()));
    hint->SetName("fees_hint");
    hint->SetForegroundColour(wxColour(0x55, 0x5B, 0x66));
    pv->Add(hint, 0, wxEXPAND | wxALL, 10);

    list_ = new wxListCtrl(page, wxID_ANY, wxDefaultPosition, wxSize(-1, 300),
                           wxLC_REPORT | wxLC_SINGLE_SEL);
    list_->SetName("fees_list");
    list_->AppendColumn(_("Code"), wxLIST_FORMAT_LEFT, 70);
    list_->AppendColumn(_("Description"), wxLIST_FORMAT_LEFT, 270);
    list_->AppendColumn(_("Module"), wxLIST_FORMAT_LEFT, 120);
    list_->AppendColumn(_("Payer"), wxLIST_FORMAT_LEFT, 130);
    list_->AppendColumn(_("Shipped fee"), wxLIST_FORMAT_RIGHT, 95);
    list_->AppendColumn(_("Clinic fee"), wxLIST_FORMAT_RIGHT, 90);
    list_->AppendColumn(_("Since"), wxLIST_FORMAT_LEFT, 95);
    list_->AppendColumn(_("Set by and why"), wxLIST_FORMAT_LEFT, 300);
    pv->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);

    auto* box = new wxStaticBoxSizer(wxVERTICAL, page, _("Change a fee"));
    wxWindow* sb = box->GetStaticBox();
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    code_ = labelled(row, _("Code"), new wxTextCtrl(sb, wxID_ANY, wxString(), wxDefaultPosition,
                                                    wxSize(80, -1)), "fees_code");
    amount_ = labelled(row, _("Fee per unit ($)"),
                       new wxTextCtrl(sb, wxID_ANY, wxString(), wxDefaultPosition, wxSize(90, -1)),
                       "fees_amount");
    from_ = labelled(row, _("From"), date_field(sb, today), "fees_from");
    payer_ = labelled(row, _("Payer"), new wxChoice(sb, wxID_ANY), "fees_payer");
    reason_ = labelled(row, _("Reason"), reason_field(sb, 220), "fees_reason", 1);
    set_ = new wxButton(sb, wxID_ANY, _("&Set fee"));
    set_->SetName("fees_set");
    row->Add(set_, 0);
    box->Add(row, 0, wxEXPAND | wxALL, 6);
    message_ = new wxStaticText(sb, wxID_ANY, wxString());
    message_->SetName("fees_message");
    box->Add(message_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);
    pv->Add(box, 0, wxEXPAND | wxALL, 10);
    page->SetSizer(pv);
    book_->AddPage(page, _("Fees"));

    // ---- Payers page
    auto* ppage = new wxPanel(book_, wxID_ANY);
    auto* ppv = new wxBoxSizer(wxVERTICAL);
    auto* about = new wxStaticText(
        ppage, wxID_ANY,
        _("Payer rules (timed-code method, modifiers, coverage options) are effective-dated rule "
          "data shipped with Vertebra and its modules, shown here as in force on the chosen date. "
          "The options a module lets the clinic set (a plan's yearly visit cap, what it covers) "
          "are set below from a date; a payer's own fees are set on the Fees page."));
    about->Wrap(1080);
    ppv->Add(about, 0, wxALL, 10);
    payers_ = new wxListCtrl(ppage, wxID_ANY, wxDefaultPosition, wxSize(-1, 150),
                             wxLC_REPORT | wxLC_SINGLE_SEL);
    payers_->SetName("payers_list");
    payers_->AppendColumn(_("Payer"), wxLIST_FORMAT_LEFT, 140);
    payers_->AppendColumn(_("Name"), wxLIST_FORMAT_LEFT, 220);
    payers_->AppendColumn(_("Timed codes"), wxLIST_FORMAT_LEFT, 160);
    payers_->AppendColumn(_("Modifiers"), wxLIST_FORMAT_LEFT, 90);
    payers_->AppendColumn(_("Clinic fees"), wxLIST_FORMAT_LEFT, 90);
    payers_->AppendColumn(_("Options in force"), wxLIST_FORMAT_LEFT, 420);
    ppv->Add(payers_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
    auto* split = new wxBoxSizer(wxHORIZONTAL);
    options_ = new wxListCtrl(ppage, wxID_ANY, wxDefaultPosition, wxSize(-1, 170),
                              wxLC_REPORT | wxLC_SINGLE_SEL);
    options_->SetName("payer_options_list");
    options_->AppendColumn(_("Option the clinic may set"), wxLIST_FORMAT_LEFT, 420);
    options_->AppendColumn(_("In force"), wxLIST_FORMAT_LEFT, 80);
    options_->AppendColumn(_("From"), wxLIST_FORMAT_LEFT, 280);
    split->Add(options_, 5, wxEXPAND | wxRIGHT, 10);
    payer_details_ = new wxTextCtrl(ppage, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize,
                                    wxTE_MULTILINE | wxTE_READONLY);
    payer_details_->SetName("payer_details");
    split->Add(payer_details_, 3, wxEXPAND);
    ppv->Add(split, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);

    auto* sbox = new wxStaticBoxSizer(wxVERTICAL, ppage, _("Change a setting of the selected payer"));
    wxWindow* ssb = sbox->GetStaticBox();
    auto* srow = new wxBoxSizer(wxHORIZONTAL);
    option_ = labelled(srow, _("Option"),
                       new wxChoice(ssb, wxID_ANY, wxDefaultPosition, wxSize(300, -1)),
                       "payer_option");
    value_ = labelled(srow, _("Value"),
                      new wxComboBox(ssb, wxID_ANY, wxString(), wxDefaultPosition, wxSize(150, -1)),
                      "payer_value");
    setting_from_ = labelled(srow, _("From"), date_field(ssb, today), "payer_from");
    setting_reason_ = labelled(srow, _("Reason"), reason_field(ssb, 200), "payer_reason", 1);
    setting_set_ = new wxButton(ssb, wxID_ANY, _("Set &value"));
    setting_set_->SetName("payer_set");
    srow->Add(setting_set_, 0);
    sbox->Add(srow, 0, wxEXPAND | wxALL, 6);
    value_hint_ = new wxStaticText(ssb, wxID_ANY, wxString());
    value_hint_->SetName("payer_value_hint");
    value_hint_->SetForegroundColour(wxColour(0x55, 0x5B, 0x66));
    sbox->Add(value_hint_, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    setting_message_ = new wxStaticText(ssb, wxID_ANY, wxString());
    setting_message_->SetName("payer_message");
    sbox->Add(setting_message_, 0, wxEXPAND | wxALL, 6);
    ppv->Add(sbox, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
    ppage->SetSizer(ppv);
    book_->AddPage(ppage, _("Payers"));

    v->Add(book_, 1, wxEXPAND | wxALL, 8);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, _("Close")), 0);
    v->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
    SetSizer(v);

    // Who may change fees is core's rule (fee.manage); the view only follows it.
    const bool edit = presenter_.can_edit();
    for (wxWindow* w : std::initializer_list<wxWindow*>{code_, amount_, from_, payer_, reason_, set_,
                                                        option_, value_, setting_from_,
                                                        setting_reason_, setting_set_})
        w->Enable(edit);
    if (!edit) setting_message_->SetLabel(wx(presenter_.edit_hint()));

    list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { on_selected(); });
    payers_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { on_payer_selected(); });
    options_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) {
        option_->SetSelection(static_cast<int>(e.GetIndex()));
        on_option_chosen();
    });
    option_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { on_option_chosen(); });
    setting_set_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_set_setting(); });
    setting_reason_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { on_set_setting(); });
    date_->Bind(wxEVT_DATE_CHANGED, [this](wxDateEvent& e) {
        presenter_.set_date(from_wx_date(e.GetDate()));
        reload();
    });
    filter_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        const int i = filter_->GetSelection();
        presenter_.set_payer_filter(i <= 0 ? std::string() : payer_ids_[static_cast<std::size_t>(i - 1)]);
        reload();
    });
    set_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_set(); });
    reason_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { on_set(); });
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (IsModal()) EndModal(wxID_CLOSE); else Hide();
    }, wxID_CLOSE);
    reload();
}

void FeesDialog::reload() {
    presenter_.refresh();
    payer_ids_ = presenter_.payer_ids();
    const int keep_filter = filter_->GetSelection();
    const int keep_payer = payer_->GetSelection();
    filter_->Clear();
    payer_->Clear();
    filter_->Append(_("All payers"));
    payer_->Append(_("All payers"));
    for (const auto& id : payer_ids_) {
        filter_->Append(wx(id));
        payer_->Append(wx(id));
    }
    filter_->SetSelection(keep_filter >= 0 && keep_filter < static_cast<int>(filter_->GetCount())
                              ? keep_filter : 0);
    payer_->SetSelection(keep_payer >= 0 && keep_payer < static_cast<int>(payer_->GetCount())
                             ? keep_payer : 0);

    rows_ = presenter_.rows();
    list_->Freeze();
    list_->DeleteAllItems();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const auto& r = rows_[i];
        const long item = list_->InsertItem(static_cast<long>(i), wx(r.code));
        list_->SetItem(item, 1, wx(r.description));
        list_->SetItem(item, 2, wx(r.module));
        list_->SetItem(item, 3, wx(r.payer));
        list_->SetItem(item, 4, wx(r.default_fee));
        list_->SetItem(item, 5, wx(r.clinic_fee));
        list_->SetItem(item, 6, wx(r.since));
        list_->SetItem(item, 7, wx(r.set_by));
        if (r.clinic) list_->SetItemBackgroundColour(item, kClinicRow);
    }
    list_->Thaw();
    if (!presenter_.problem().empty()) {
        message_->SetForegroundColour(kProblem);
        message_->SetLabel(wx(presenter_.problem()));
    }

    const std::string keep_selected = selected_payer();
    payer_rows_ = presenter_.payers();
    payers_->DeleteAllItems();
    for (std::size_t i = 0; i < payer_rows_.size(); ++i) {
        const auto& p = payer_rows_[i];
        const long item = payers_->InsertItem(static_cast<long>(i), wx(p.id));
        payers_->SetItem(item, 1, wx(p.name));
        payers_->SetItem(item, 2, wx(p.timed_method));
        payers_->SetItem(item, 3, wx(p.modifiers));
        payers_->SetItem(item, 4, wx(p.clinic_fees));
        payers_->SetItem(item, 5, wx(p.options));
    }
    if (payer_rows_.empty() || !select_payer(keep_selected)) {
        if (!payer_rows_.empty())
            payers_->SetItemState(0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                                  wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        on_payer_selected();
    }
}

std::string FeesDialog::selected_payer() const {
    const long i = payers_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (i < 0 || static_cast<std::size_t>(i) >= payer_rows_.size()) return {};
    return payer_rows_[static_cast<std::size_t>(i)].id;
}

bool FeesDialog::select_payer(const std::string& id) {
    for (std::size_t i = 0; i < payer_rows_.size(); ++i) {
        if (payer_rows_[i].id != id) continue;
        payers_->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                              wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        on_payer_selected();
        return true;
    }
    return false;
}

void FeesDialog::on_payer_selected() {
    const long i = payers_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    wxString text;
    if (i >= 0 && static_cast<std::size_t>(i) < payer_rows_.size())
        for (const auto& line : payer_rows_[static_cast<std::size_t>(i)].detail_lines)
            text += wx(line) + "\n";
    payer_details_->ChangeValue(text);

    const int keep = option_->GetSelection();
    const std::string payer = selected_payer();
    option_lines_ = payer.empty() ? std::vector<PayerOptionLine>{} : presenter_.payer_options(payer);
    options_->DeleteAllItems();
    option_->Clear();
    for (std::size_t k = 0; k < option_lines_.size(); ++k) {
        const auto& o = option_lines_[k];
        const long item = options_->InsertItem(static_cast<long>(k), wx(o.label));
        options_->SetItem(item, 1, wx(o.value));
        options_->SetItem(item, 2, wx(o.source));
        if (o.clinic) options_->SetItemBackgroundColour(item, kClinicRow);
        option_->Append(wx(o.label + " (" + o.option + ")"));
    }
    if (!option_lines_.empty())
        option_->SetSelection(keep >= 0 && keep < static_cast<int>(option_lines_.size()) ? keep : 0);
    on_option_chosen();
}

void FeesDialog::on_option_chosen() {
    const int k = option_->GetSelection();
    value_->Clear();
    if (k < 0 || static_cast<std::size_t>(k) >= option_lines_.size()) {
        value_hint_->SetLabel(wxString());
        return;
    }
    const auto& o = option_lines_[static_cast<std::size_t>(k)];
    for (const auto& c : o.choices) value_->Append(wx(c));
    value_->ChangeValue(wx(o.value));
    value_hint_->SetLabel(wxString::Format(_("%s takes %s; now %s (%s)."), wx(o.option),
                                           wx(o.accepts), wx(o.value), wx(o.source)));
}

void FeesDialog::on_set_setting() {
    if (!setting_set_->IsEnabled()) return;
    const int k = option_->GetSelection();
    const std::string payer = selected_payer();
    if (k < 0 || static_cast<std::size_t>(k) >= option_lines_.size() || payer.empty()) {
        setting_message_->SetForegroundColour(kProblem);
        setting_message_->SetLabel(_("Choose a payer and one of its options first."));
        return;
    }
    const std::string option = option_lines_[static_cast<std::size_t>(k)].option;
    const auto r = presenter_.set_payer_option(payer, option, utf8(value_->GetValue()),
                                               from_wx_date(setting_from_->GetValue()),
                                               utf8(setting_reason_->GetValue()), wall_now());
    setting_message_->SetForegroundColour(r.ok ? kDone : kProblem);
    setting_message_->SetLabel(wx(r.message));
    if (!r.ok) return;
    setting_reason_->ChangeValue(wxString());
    reload();
    setting_message_->SetForegroundColour(kDone);
    setting_message_->SetLabel(wx(r.message));
}

wxString FeesDialog::setting_message() const { return setting_message_->GetLabel(); }

void FeesDialog::show_date(LocalDate d) {
    date_->SetValue(to_wx_date(d));
    presenter_.set_date(d);
    reload();
}

void FeesDialog::show_payer(const std::string& payer) {
    int sel = 0;
    for (std::size_t k = 0; k < payer_ids_.size(); ++k)
        if (payer_ids_[k] == payer) sel = static_cast<int>(k) + 1;
    filter_->SetSelection(sel);
    presenter_.set_payer_filter(sel == 0 ? std::string() : payer);
    reload();
}

void FeesDialog::show_page(int page) { book_->SetSelection(static_cast<std::size_t>(page)); }

bool FeesDialog::select_code(const std::string& code) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].code != code) continue;
        list_->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                            wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        list_->EnsureVisible(static_cast<long>(i));
        on_selected();
        return true;
    }
    return false;
}

void FeesDialog::on_selected() {
    const long i = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (i < 0 || static_cast<std::size_t>(i) >= rows_.size()) return;
    const auto& r = rows_[static_cast<std::size_t>(i)];
    code_->ChangeValue(wx(r.code));
    const std::string& shown = r.clinic ? r.clinic_fee : r.default_fee;
    amount_->ChangeValue(shown == "-" ? wxString() : wx(shown.substr(shown[0] == '$' ? 1 : 0)));
    int sel = 0;
    for (std::size_t k = 0; k < payer_ids_.size(); ++k)
        if (payer_ids_[k] == r.payer_id) sel = static_cast<int>(k) + 1;
    payer_->SetSelection(sel);
}

void FeesDialog::on_set() {
    if (!set_->IsEnabled()) return;
    const int p = payer_->GetSelection();
    const std::string payer = p <= 0 ? std::string() : payer_ids_[static_cast<std::size_t>(p - 1)];
    const auto r = presenter_.set_fee(utf8(code_->GetValue()), utf8(amount_->GetValue()),
                                      from_wx_date(from_->GetValue()), payer,
                                      utf8(reason_->GetValue()), wall_now());
    message_->SetForegroundColour(r.ok ? kDone : kProblem);
    message_->SetLabel(wx(r.message));
    if (!r.ok) return;
    const std::string code = utf8(code_->GetValue());
    reason_->ChangeValue(wxString());
    reload();
    message_->SetForegroundColour(kDone);
    message_->SetLabel(wx(r.message));
    select_code(code);
}

wxString FeesDialog::message() const { return message_->GetLabel(); }

}  // namespace vertebra::ui
