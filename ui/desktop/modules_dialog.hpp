// The owner's module manager window: modules with state and reason, enable and disable.
#pragma once

#include <vector>

#include <wx/dialog.h>

#include "vertebra/ui/modules_presenter.hpp"

class wxListCtrl;
class wxListEvent;
class wxButton;
class wxStaticText;

namespace vertebra::ui {

class ModulesDialog : public wxDialog {
public:
    ModulesDialog(wxWindow* parent, core::ModuleRegistry& registry, const core::Principal* who);

    /// Selects the row of module `id`; false if it is not listed.
    bool select_module(const std::string& id);
    const std::vector<ModuleRow>& rows() const { return rows_; }
    /// The last refusal (empty when the last change worked).
    wxString problem() const;

private:
    void reload();
    void on_selected();
    void toggle(bool enable);
    int selected_row() const;

    ModulesPresenter presenter_;
    std::vector<ModuleRow> rows_;
    wxListCtrl* list_ = nullptr;
    wxButton* enable_ = nullptr;
    wxButton* disable_ = nullptr;
    wxStaticText* details_ = nullptr;
    wxStaticText* problem_ = nullptr;
};

}  // namespace vertebra::ui
