// The note editor: the module's session-note form (rendered from its schema), SOAP sections,
// inline validation under each field, draft autosave, sign, addendum and the billing preview.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <wx/frame.h>
#include <wx/timer.h>

#include "vertebra/ui/note_editor_presenter.hpp"

class wxStaticText;
class wxTextCtrl;
class wxListCtrl;
class wxButton;
class wxScrolledWindow;

namespace vertebra::ui {

class NoteEditor : public wxFrame {
public:
    NoteEditor(wxWindow* parent, RecordServices& r, const core::Principal& who,
               core::Id appointment_id);
    ~NoteEditor() override;

    NoteEditorPresenter& presenter() { return *presenter_; }
    /// Saves the draft now if it changed (auto log-off calls this). Returns false with the
    /// reason shown when it could not be saved.
    bool save_draft();
    /// Sign: shows the problems inline (and returns false), or signs and shows the preview.
    bool sign();
    /// The inline message under a field ("" when none is shown).
    wxString field_error(const std::string& key) const;
    wxString status() const;
    /// Scrolls the form to a field and puts the cursor in it.
    void show_field(const std::string& key);
    /// Fired after the note was signed or addended (the calendar and chart refresh).
    std::function<void()> on_changed;

private:
    void build();
    void add_field(wxWindow* parent, wxSizer* sizer, const plugin_api::FormField& f);
    void touched(const std::string& key);
    void show_errors(bool all);
    void show_signed_state();
    void show_billing();
    void addendum();
    void set_status(const wxString& s, bool problem = false);

    std::unique_ptr<NoteEditorPresenter> presenter_;
    wxScrolledWindow* form_ = nullptr;
    std::map<std::string, wxStaticText*> errors_;
    std::map<std::string, wxWindow*> controls_;
    std::map<std::string, bool> touched_;
    std::map<std::string, wxTextCtrl*> soap_;
    wxStaticText* status_ = nullptr;
    wxStaticText* form_error_ = nullptr;
    wxStaticText* signature_ = nullptr;
    wxListCtrl* billing_ = nullptr;
    wxStaticText* billing_note_ = nullptr;
    wxButton* sign_button_ = nullptr;
    wxButton* save_button_ = nullptr;
    wxButton* addendum_button_ = nullptr;
    wxTimer autosave_;
};

}  // namespace vertebra::ui
