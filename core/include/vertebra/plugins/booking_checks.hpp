// Booking-time clinical checks of a therapy module's service: the module's contraindications
// for what the clinic recorded about the patient, and its coverage limits for the patient's
// payer over the patient's earlier appointments of the module's services (RULES.md §3-§5).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "vertebra/auth/auth.hpp"
#include "vertebra/billing/payer_settings.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core {

class NoteRepository;  // care-team lookups (vertebra/notes/notes.hpp)

/// Installed with Scheduler::set_booking_check. For a service of a running, enabled module it
///  - asks the module's check_contraindications with the patient's record (latest assessment:
///    conditions, medications, flags) and the planned service (its ServiceOffer key and codes);
///  - asks the module's check_coverage with the patient's payer and, as history, the patient's
///    non-cancelled appointments of that module's services in the `history_months` before each
///    occurrence — earlier occurrences of the same series count too.
/// Findings are per distinct rule and reason; absolute ones block (Scheduler decides), relative
/// ones are warnings. A core service (no module) has no findings.
class BookingChecks {
public:
    /// The clinical record of a patient as the module rules read it; nullopt = nothing recorded.
    using RecordLookup = std::function<std::optional<plugin_api::PatientRecord>(Id patient_id)>;

    BookingChecks(const ModuleRegistry& modules, SchedulingRepository& schedule, ClinicZone zone,
                  RecordLookup records, int history_months = 13);

    std::vector<BookingFinding> operator()(const Service& service,
                                           const std::vector<Appointment>& occurrences) const;

    /// The clinic's payer settings, read at each check (an owner may change them while the app
    /// runs): each occurrence's check gets the module's settings in force on its date as
    /// PayerRef::clinic_options. Unset: the modules' own rules only.
    using PayerSettingsSource = std::function<billing::PayerSettingTable()>;
    void set_payer_settings(PayerSettingsSource source) { payer_settings_ = std::move(source); }

    /// The payer reference for a payer id ("medicare" uses the CMS total-time method).
    static plugin_api::PayerRef payer_ref(const std::string& payer_id, LocalDate date);

private:
    const ModuleRegistry& modules_;
    SchedulingRepository& schedule_;
    ClinicZone zone_;
    RecordLookup records_;
    int history_months_;
    PayerSettingsSource payer_settings_;
};

/// Who reads the record for a booking check, asked at each check (the desktop's signed-in user
/// changes); nullptr: nobody signed in, the database login's own rights apply.
using RecordReader = std::function<const Principal*()>;

/// The record lookup over stored assessments: the patient's latest assessment (conditions,
/// medications, flags) as plugin_api::PatientRecord; nullopt when none is recorded. With a
/// reader lacking assessment.read (front desk), or a therapist neither on the patient's care
/// team (`care_team`) nor under break-glass for that patient, it refuses (PermissionDenied), as
/// PostgreSQL's row-level security would: the booking then goes ahead saying what was not
/// checked ("record_not_readable") rather than checking an empty record. The repositories must
/// outlive the lookup.
BookingChecks::RecordLookup latest_assessment_records(plans::AssessmentRepository& assessments,
                                                      RecordReader reader = {},
                                                      NoteRepository* care_team = nullptr);

}  // namespace vertebra::core
