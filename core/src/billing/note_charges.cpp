#include "vertebra/billing/note_charges.hpp"

namespace vertebra::core::billing {

nlohmann::json visit_from_note(const SessionNote& note, LocalDate date_of_service) {
    nlohmann::json visit = {{"date", format_date(date_of_service)}};
    const NoteContent& c = note.content;
    if (c.module_id.empty() || !c.fields.is_object()) return visit;
    nlohmann::json section = nlohmann::json::object();
    for (auto it = c.fields.begin(); it != c.fields.end(); ++it) {
        const std::string& key = it.key();
        if (key.rfind("part_", 0) == 0) {
            if (it->is_array() && !it->empty()) section["findings"][key.substr(5)] = *it;
        } else {
            section[key] = *it;
        }
    }
    visit[c.module_id] = std::move(section);
    return visit;
}

VisitBill charges_for_appointment(const Principal& who, NoteService& notes,
                                  SchedulingRepository& schedule, const ModuleRegistry& modules,
                                  const ClinicZone& zone, Id appointment_id,
                                  const std::string& payer, Instant now,
                                  const ClinicFeeTable* clinic_fees,
                                  const PayerSettingTable* payer_settings) {
    const auto appt = schedule.appointment(appointment_id);
    if (!appt) throw not_found("appointment #" + std::to_string(appointment_id));
    if (appt->status == AppointmentStatus::Cancelled || appt->status == AppointmentStatus::NoShow)
        throw Error(ErrorKind::Conflict,
                    "appointment #" + std::to_string(appointment_id) + " is " +
                        to_string(appt->status) + ": there is no visit to charge",
                    "appointment");
    const NoteStatusRow gate = notes.signed_note_for_charges(who, appointment_id);
    const SessionNote note = notes.read(who, gate.id, now);
    BillOptions options;
    options.payer = payer;
    options.clinic_fees = clinic_fees;
    options.payer_settings = payer_settings;
    if (options.payer.empty()) {
        const auto patient = schedule.patient(appt->patient_id);
        options.payer = patient ? patient->payer : "commercial";
    }
    return bill_visit(visit_from_note(note, zone.local_date(appt->start)), modules, options);
}

}  // namespace vertebra::core::billing
