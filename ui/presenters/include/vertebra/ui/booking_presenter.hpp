// The booking dialog's logic: patient search, services, slot suggestions, recurrence, booking.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::ui {

/// What the user has filled in so far.
struct BookingForm {
    std::optional<core::Id> patient_id;
    std::optional<core::Id> practitioner_id;
    std::optional<core::Id> service_id;
    std::optional<core::Id> room_id;
    std::optional<LocalTime> start;  ///< clinic local time
    std::optional<int> minutes;      ///< empty = the service's length
    bool weekly = false;
    std::array<bool, 7> weekdays{};  ///< Monday first; none ticked = the start's weekday
    int count = 6;                   ///< occurrences, when `until` is empty
    std::optional<LocalDate> until;
    std::string notes;
    /// Documented reason to book despite a blocking coverage or contraindication finding.
    std::string override_reason;
};

/// RFC 5545 rule for a weekly form ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"); empty for one-offs.
/// Throws Error(Invalid) naming "count" or "until".
std::string weekly_rrule(const BookingForm& f);

class BookingPresenter {
public:
    BookingPresenter(core::Scheduler& scheduler, core::SchedulingRepository& repo);

    /// Type-ahead: patients whose name contains `text` (case-insensitive), by name.
    std::vector<core::Patient> search_patients(const std::string& text, int limit = 12);
    /// Creates a patient from the search box text. Throws Error(Invalid, "patient") if empty.
    core::Patient create_patient(const std::string& name);

    const std::vector<core::Service>& services() const { return services_; }
    const std::vector<core::Room>& rooms() const { return rooms_; }
    /// Active practitioners who can give the service (all active ones without a service).
    std::vector<core::Practitioner> practitioners_for(std::optional<core::Id> service_id) const;
    const core::Service* service(core::Id id) const;

    /// Free slots for the form's service (and practitioner, if chosen) from `from` on.
    std::vector<core::Slot> suggest_slots(const BookingForm& f, LocalDate from, int count = 8);
    /// Applies a suggested slot to the form (practitioner, room, start).
    void take_slot(BookingForm& f, const core::Slot& s) const;
    /// "Tue 3 Nov 10:30 · Dr Ada Park · Treatment 2".
    std::string describe_slot(const core::Slot& s) const;

    /// Builds the scheduler's request; throws Error(Invalid) naming the missing field.
    core::BookingRequest request(const BookingForm& f) const;
    /// Checks the booking without writing: empty = fine, else the scheduler's sentence
    /// (a conflict names who or what conflicts).
    std::string check(const BookingForm& f);
    /// Books; returns the new ids. Throws Error with the scheduler's sentence.
    std::vector<core::Id> book(const BookingForm& f);
    /// The modules' findings of the last successful book(): warnings, and blocks overridden.
    const std::vector<core::BookingFinding>& last_findings() const { return last_findings_; }
    /// The blocking findings (limits reached, absolute contraindications) that would refuse this
    /// booking without an override reason; empty when there are none (or another problem, which
    /// check() names, comes first).
    std::vector<std::string> blocking_findings(const BookingForm& f);

private:
    core::Scheduler& scheduler_;
    core::SchedulingRepository& repo_;
    std::vector<core::Service> services_;
    std::vector<core::Practitioner> practitioners_;
    std::vector<core::Room> rooms_;
    std::vector<core::BookingFinding> last_findings_;
};

}  // namespace vertebra::ui
