// Charges come only from a signed note: appointment -> signed note -> the module's form values
// as the visit's billing section -> the payer's rules (docs/billing.md "From a signed note").
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core::billing {

/// The visit (bill input, docs/cli.md "bill") a note stands for: `date` and, for a module note,
/// the module's section built from the form values, with "part_REGION" PART findings grouped
/// under "findings" by region as the billing section names them.
nlohmann::json visit_from_note(const SessionNote& note, LocalDate date_of_service);

/// The claim for an appointment, from its signed note only: Conflict ("charges come only from a
/// signed note") when it has none or it is a draft; reading the note needs note.read and the
/// care team and is audited. `payer` empty = the patient's payer. `clinic_fees`: the clinic's
/// own fees (FeeService::table()), priced by the appointment's local date; null = shipped fees.
/// `payer_settings`: the clinic's payer settings for the modules; null = their own rules.
VisitBill charges_for_appointment(const Principal& who, NoteService& notes,
                                  SchedulingRepository& schedule, const ModuleRegistry& modules,
                                  const ClinicZone& zone, Id appointment_id,
                                  const std::string& payer, Instant now,
                                  const ClinicFeeTable* clinic_fees = nullptr,
                                  const PayerSettingTable* payer_settings = nullptr);

}  // namespace vertebra::core::billing
