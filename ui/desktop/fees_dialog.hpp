// The owner's "Fees and payers" window: the fee list for a date, changing a fee, the payers and
// the payer options the clinic sets.
#pragma once

#include <string>
#include <vector>

#include <wx/dialog.h>

#include "vertebra/ui/fees_presenter.hpp"

class wxListCtrl;
class wxDatePickerCtrl;
class wxChoice;
class wxComboBox;
class wxTextCtrl;
class wxButton;
class wxStaticText;
class wxNotebook;

namespace vertebra::ui {

class FeesDialog : public wxDialog {
public:
    /// `who` decides what the window allows: owners (fee.manage) change fees, others read.
    FeesDialog(wxWindow* parent, core::billing::FeeRepository& fees,
               const core::ModuleRegistry& modules, const core::Principal& who, LocalDate today);

    /// Shows the list for `d` (the date picker follows).
    void show_date(LocalDate d);
    /// Selects the row of `code` (all-payer row first) and copies it into the edit fields.
    bool select_code(const std::string& code);
    const std::vector<FeeListRow>& rows() const { return rows_; }
    const std::vector<PayerRow>& payer_rows() const { return payer_rows_; }
    /// The last message under the edit fields (a refusal, or what was set).
    wxString message() const;
    /// Shows the list as visits of `payer` are billed ("" = all payers).
    void show_payer(const std::string& payer);
    /// Selects payer `id` on the Payers page (its settings show below the list).
    bool select_payer(const std::string& id);
    /// Shows the payers page (1) or the fees page (0).
    void show_page(int page);
    /// The settable options of the payer selected on the Payers page.
    const std::vector<PayerOptionLine>& option_lines() const { return option_lines_; }
    /// The last message under the payer-setting fields.
    wxString setting_message() const;

private:
    void reload();
    void on_selected();
    void on_set();
    void on_payer_selected();
    void on_option_chosen();
    void on_set_setting();
    /// The payer selected on the Payers page ("" when none).
    std::string selected_payer() const;

    FeesPresenter presenter_;
    std::vector<FeeListRow> rows_;
    std::vector<PayerRow> payer_rows_;
    std::vector<std::string> payer_ids_;
    wxNotebook* book_ = nullptr;
    wxDatePickerCtrl* date_ = nullptr;
    wxChoice* filter_ = nullptr;
    wxListCtrl* list_ = nullptr;
    wxTextCtrl* code_ = nullptr;
    wxTextCtrl* amount_ = nullptr;
    wxDatePickerCtrl* from_ = nullptr;
    wxChoice* payer_ = nullptr;
    wxTextCtrl* reason_ = nullptr;
    wxButton* set_ = nullptr;
    wxStaticText* message_ = nullptr;
    wxListCtrl* payers_ = nullptr;
    wxTextCtrl* payer_details_ = nullptr;
    std::vector<PayerOptionLine> option_lines_;
    wxListCtrl* options_ = nullptr;
    wxChoice* option_ = nullptr;
    wxComboBox* value_ = nullptr;
    wxStaticText* value_hint_ = nullptr;
    wxDatePickerCtrl* setting_from_ = nullptr;
    wxTextCtrl* setting_reason_ = nullptr;
    wxButton* setting_set_ = nullptr;
    wxStaticText* setting_message_ = nullptr;
};

}  // namespace vertebra::ui
