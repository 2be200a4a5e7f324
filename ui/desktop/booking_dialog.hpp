// The booking dialog: type-ahead patient, service, practitioner, free-time suggestions, weekly repeat.
#pragma once

#include <vector>

#include <wx/dialog.h>

#include "vertebra/ui/booking_presenter.hpp"

class wxTextCtrl;
class wxListBox;
class wxChoice;
class wxDatePickerCtrl;
class wxSpinCtrl;
class wxCheckBox;
class wxStaticText;
class wxButton;

namespace vertebra::ui {

class BookingDialog : public wxDialog {
public:
    BookingDialog(wxWindow* parent, core::Scheduler& scheduler, core::SchedulingRepository& repo,
                  LocalDate suggest_from);

    void set_start(LocalTime t);
    void set_practitioner(core::Id id);
    void set_service(core::Id id);
    void set_room(core::Id id);

    /// What the controls say now (no validation).
    BookingForm form() const;
    /// The problem shown under the form (empty when the booking looks fine).
    wxString problem() const;
    const std::vector<core::Id>& booked_ids() const { return booked_; }
    wxString summary() const { return summary_; }
    /// Number of free-time suggestions listed.
    int suggestion_count() const { return static_cast<int>(slots_.size()); }
    /// Takes suggestion `i` as if the user clicked it.
    void take_suggestion(int i);
    /// Presses "Book" (also what the button does). Returns true if booked.
    bool try_book();

private:
    void on_search(wxCommandEvent& e);
    void on_new_patient(wxCommandEvent& e);
    void on_service(wxCommandEvent& e);
    void refill_practitioners();
    void refresh_suggestions();
    void schedule_check();
    void run_check();
    void set_problem(const wxString& text);

    BookingPresenter presenter_;
    LocalDate suggest_from_;
    std::vector<core::Patient> patients_;
    std::vector<core::Practitioner> practitioners_;
    std::vector<core::Slot> slots_;
    std::vector<core::Id> booked_;
    wxString summary_;
    bool check_pending_ = false;

    wxTextCtrl* search_ = nullptr;
    wxListBox* patient_list_ = nullptr;
    wxChoice* service_ = nullptr;
    wxChoice* practitioner_ = nullptr;
    wxChoice* room_ = nullptr;
    wxDatePickerCtrl* date_ = nullptr;
    wxTextCtrl* time_ = nullptr;
    wxSpinCtrl* minutes_ = nullptr;
    wxListBox* slot_list_ = nullptr;
    wxCheckBox* weekly_ = nullptr;
    wxCheckBox* weekdays_[7] = {};
    wxSpinCtrl* count_ = nullptr;
    wxCheckBox* use_until_ = nullptr;
    wxDatePickerCtrl* until_ = nullptr;
    wxTextCtrl* notes_ = nullptr;
    wxStaticText* problem_ = nullptr;
    wxButton* book_ = nullptr;
};

}  // namespace vertebra::ui
