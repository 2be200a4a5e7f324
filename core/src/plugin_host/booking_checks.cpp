#include "vertebra/plugins/booking_checks.hpp"

#include <chrono>
#include <map>
#include <set>

#include "vertebra/billing/catalog.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::core {

namespace api = plugin_api;

BookingChecks::BookingChecks(const ModuleRegistry& modules, SchedulingRepository& schedule,
                             ClinicZone zone, RecordLookup records, int history_months)
    : modules_(modules),
      schedule_(schedule),
      zone_(std::move(zone)),
      records_(std::move(records)),
      history_months_(history_months) {}

api::PayerRef BookingChecks::payer_ref(const std::string& payer_id, LocalDate date) {
    const billing::CoreRules rules = billing::load_core_rules(date);
    const billing::Payer& payer = rules.payer(payer_id);  // Invalid naming the known payers
    api::PayerRef ref;
    ref.id = payer.id;
    ref.method = payer.method == billing::TimedMethod::TotalTime
                     ? api::TimedCodeMethod::MedicareTotalTime
                     : api::TimedCodeMethod::PerCodeMidpoint;
    return ref;
}

namespace {

LocalDate months_before(LocalDate d, int months) {
    const date::year_month_day ymd{d};
    date::year_month_day back = ymd - date::months{months};
    if (!back.ok()) back = back.year() / back.month() / date::last;
    return LocalDate{back};
}

api::BilledService billed(LocalDate date, const Service& s, const api::ServiceOffer* offer) {
    api::BilledService b;
    b.date = date;
    b.module_id = s.module_id;
    b.service_key = s.offer;
    if (offer && !offer->billing_codes.empty()) b.code = offer->billing_codes.front();
    if (!s.offer.empty()) b.details = {{"procedure", s.offer}};
    return b;
}

}  // namespace

std::vector<BookingFinding> BookingChecks::operator()(
    const Service& service, const std::vector<Appointment>& occurrences) const {
    std::vector<BookingFinding> out;
    if (service.module_id.empty() || occurrences.empty()) return out;
    const ModuleHandle* module = modules_.active(service.module_id);
    if (!module) return out;  // the service guard refuses a disabled or failed module

    const Id patient_id = occurrences.front().patient_id;
    const std::optional<Patient> patient = schedule_.patient(patient_id);
    api::PatientRecord record;
    bool record_read = true;
    try {
        if (records_)
            if (auto r = records_(patient_id)) record = std::move(*r);
    } catch (const Error& e) {
        // Front desk may book but not read the clinical record (PostgreSQL refuses it too):
        // the booking goes ahead, saying what was not checked.
        if (e.kind() != ErrorKind::PermissionDenied) throw;
        record_read = false;
    }
    record.id = patient_id;
    if (patient && !record.birth_date) record.birth_date = patient->birth_date;

    const LocalDate first = zone_.local_date(occurrences.front().start);
    const api::PayerRef payer = payer_ref(patient ? patient->payer : "commercial", first);
    const billing::PayerSettingTable clinic_settings =
        payer_settings_ ? payer_settings_() : billing::PayerSettingTable{};
    const api::ServiceOffer* offer = service.offer.empty() ? nullptr : module->service(service.offer);

    // History: the patient's appointments of this module's services that happened or will
    // (not cancelled, not missed) in the window before the first occurrence.
    std::map<Id, Service> module_services;
    for (const auto& s : schedule_.services())
        if (s.module_id == service.module_id) module_services.emplace(s.id, s);
    AppointmentQuery q;
    q.from = zone_.start_of_day(months_before(first, history_months_));
    q.to = occurrences.front().start;
    q.patient_id = patient_id;
    q.include_cancelled = false;
    std::vector<api::BilledService> history;
    for (const auto& a : schedule_.appointments(q)) {
        if (!a.service_id || a.status == AppointmentStatus::NoShow) continue;
        auto it = module_services.find(*a.service_id);
        if (it == module_services.end()) continue;
        history.push_back(billed(zone_.local_date(a.start), it->second,
                                 module->service(it->second.offer)));
    }

    std::set<std::string> seen;  // one finding per rule: the first occurrence it concerns
    auto add = [&](const api::Finding& f, std::size_t index, LocalDate d) {
        if (!seen.insert(f.rule).second) return;
        BookingFinding b;
        b.blocking = f.severity == api::Severity::Absolute;
        b.rule = f.rule;
        b.reason = occurrences.size() > 1 ? format_date(d) + ": " + f.reason : f.reason;
        b.occurrence = static_cast<Id>(index);
        out.push_back(std::move(b));
    };

    if (!record_read)
        out.push_back({false, "record_not_readable",
                       "contraindications and eligibility were not checked: this user may not "
                       "read the patient's clinical record",
                       std::nullopt});
    for (std::size_t i = 0; i < occurrences.size(); ++i) {
        const LocalDate d = zone_.local_date(occurrences[i].start);
        api::PlannedService planned;
        planned.module_id = service.module_id;
        planned.service_key = service.offer;
        planned.date = d;
        // Codes are not known before the visit (e-stim or not, which level): the module judges
        // the service itself; code-specific findings come again at billing.
        planned.payer = payer;
        planned.payer.clinic_options = clinic_settings.module_options(payer.id, service.module_id, d);
        if (!service.offer.empty()) planned.details = {{"procedure", service.offer}};
        if (i == 0)
            for (const auto& f : module->check_contraindications(record, planned)) add(f, i, d);
        api::CoverageRequest req{record, planned, history};
        for (const auto& f : module->check_coverage(req)) add(f, i, d);
        history.push_back(billed(d, service, offer));  // counts for the later occurrences
    }
    return out;
}

BookingChecks::RecordLookup latest_assessment_records(plans::AssessmentRepository& assessments,
                                                      RecordReader reader,
                                                      NoteRepository* care_team) {
    return [&assessments, reader = std::move(reader),
            care_team](Id patient_id) -> std::optional<api::PatientRecord> {
        if (const Principal* who = reader ? reader() : nullptr) {
            require(*who, Permission::AssessmentRead);
            if (care_team)
                care_team_access(*who, care_team, patient_id,
                                 std::chrono::time_point_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now()),
                                 Permission::AssessmentRead);
        }
        auto all = assessments.assessments_for_patient(patient_id);  // newest first
        if (all.empty()) return std::nullopt;
        return plans::to_patient_record(all.front());
    };
}

}  // namespace vertebra::core
