// The clinical side of an open clinic for the desktop app, and the demo clinic's clinical record.
#include "vertebra/ui/record_services.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>

#include "vertebra/common/error.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::ui {

namespace plans = core::plans;
namespace outcomes = core::outcomes;

RecordServices::RecordServices(db::Database& db, core::Scheduler& sched,
                               core::ModuleRegistry& mods)
    : book(db.scheduling()), scheduler(sched), modules(mods) {
    assessments = db.assessments();
    outcomes = db.outcomes();
    plans = db.plans();
    notes = db.notes();
    users = db.users();
    audit = db.audit();
    tasks = db.tasks();
    collaboration = std::make_unique<plans::CollaborationService>(plans::CollaborationService::Stores{
        *tasks, *plans, *assessments, *outcomes, *notes, book, *audit, users.get()});
    plans::PlanServiceHooks hooks;
    core::ModuleRegistry* registry = &modules;
    hooks.module_enabled = [registry](const std::string& module_id) {
        return module_id.empty() || registry->is_enabled(module_id);
    };
    hooks.module_checks = [registry](const plans::PlanComponent& c, const plans::Assessment& a) {
        std::vector<plugin_api::Finding> out;
        if (c.module_id.empty()) return out;
        const auto* m = registry->active(c.module_id);
        if (!m) return out;
        plugin_api::PlannedService planned;
        planned.module_id = c.module_id;
        planned.date = a.assessed_on;
        planned.details = {{"kind", plans::to_string(c.kind)}, {"title", c.title}};
        return m->check_contraindications(plans::to_patient_record(a), planned);
    };
    plan_service = std::make_unique<plans::PlanService>(*assessments, *outcomes, *plans, book,
                                                        scheduler, std::move(hooks));
    note_service = std::make_unique<core::NoteService>(
        *notes, book, *audit, [this](const std::string& module_id, const std::string& form_id) {
            return note_schema(module_id, form_id);
        });
    auth = std::make_unique<core::AuthService>(*users, *audit);
    fees = db::fee_repository(db);
}

RecordServices::~RecordServices() = default;

std::optional<plugin_api::FormSchema> RecordServices::note_schema(
    const std::string& module_id, const std::string& form_id) const {
    if (module_id.empty()) return std::nullopt;
    const auto* m = modules.active(module_id);
    if (!m) return std::nullopt;
    for (const auto& f : m->forms())
        if (form_id.empty() ? f.kind == "session_note" : f.id == form_id) return f;
    return std::nullopt;
}

std::string human_key(const std::string& key) {
    std::string s = key;
    std::replace(s.begin(), s.end(), '_', ' ');
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

namespace {

Instant at_local(const core::Scheduler& s, LocalDate d, int hour) {
    return s.zone().to_utc(LocalTime{d} + std::chrono::hours{hour});
}

/// A plausible recovery: pain and disability falling over the weeks, a little noise.
double nrs_at(int patient_index, int week) {
    static const int start[] = {8, 7, 6, 7};
    const int drop[] = {1, 1, 0, 1};
    const int v = start[patient_index % 4] - (week * (1 + drop[patient_index % 4])) / 2;
    return std::max(1, v);
}
double odi_at(int patient_index, int week) {
    static const double start[] = {48, 42, 36, 40};
    const double v = start[patient_index % 4] - week * (patient_index % 4 == 2 ? 1.0 : 4.0);
    return std::max(6.0, v);
}

}  // namespace

DemoRecordReport seed_demo_record(RecordServices& r, LocalDate today) {
    DemoRecordReport rep;
    if (r.users->any_users()) return rep;
    const auto practitioners = r.book.practitioners();
    std::optional<core::Id> chiro;
    for (const auto& p : practitioners)
        if (p.has_discipline("chiropractic") && !chiro) chiro = p.id;
    core::User demo;
    demo.name = kDemoUser;
    demo.roles = {core::Role::Owner, core::Role::Therapist};
    demo.practitioner_id = chiro;
    core::Principal who = r.auth->bootstrap_owner(demo, kDemoPassword, "demo");
    if (!chiro) return rep;

    // Patients the chiropractor has seen in the last weeks, most visits first.
    const auto& sched = r.scheduler;
    core::AppointmentQuery q;
    q.from = sched.zone().start_of_day(today - date::days{56});
    q.to = sched.zone().start_of_day(today + date::days{28});
    q.practitioner_ids = {*chiro};
    q.include_cancelled = false;
    const auto appts = r.book.appointments(q);
    std::map<core::Id, int> past_visits;
    const Instant now = sched.zone().start_of_day(today);
    for (const auto& a : appts)
        if (a.start < now) ++past_visits[a.patient_id];
    std::vector<std::pair<int, core::Id>> ranked;
    for (const auto& [pid, n] : past_visits) ranked.emplace_back(-n, pid);
    std::sort(ranked.begin(), ranked.end());
    if (ranked.size() > 4) ranked.resize(4);

    const auto templates = plans::shipped_plan_templates();
    const plans::PlanTemplate* tpl = nullptr;
    for (const auto& t : templates)
        if (t.id == "osteoarthritis") tpl = &t;
    if (!tpl && !templates.empty()) tpl = &templates.front();
    if (!tpl) return rep;

    int index = 0;
    for (const auto& [neg, pid] : ranked) {
        (void)neg;
        const int i = index++;
        try {
            const LocalDate start = today - date::days{42};
            plans::Assessment a;
            a.patient_id = pid;
            a.assessed_on = start;
            a.assessed_by = kDemoUser;
            a.presenting_complaint = "Low back pain, worse after sitting, stiff in the morning";
            a.duration_weeks = 14 + 3 * i;
            a.causes = {tpl->cause};
            a.diagnoses = {plans::Diagnosis{"M47.816", "", true}};
            a.prior_conservative_care_weeks = 4;
            // The first visit's scores are the baseline the plan's goals are set from.
            for (auto m : {outcomes::Measure::Nrs, outcomes::Measure::Odi}) {
                outcomes::Observation b;
                b.patient_id = pid;
                b.measure = m;
                b.value = m == outcomes::Measure::Nrs ? nrs_at(i, 0) : odi_at(i, 0);
                b.taken_at = at_local(sched, start, 9);
                b.recorded_by = kDemoUser;
                a.baseline.push_back(b);
            }
            const core::Id assessment = r.plan_service->record_assessment(a);
            const core::Id plan = r.plan_service->create_from_template(*tpl, pid, start,
                                                                       assessment, kDemoUser);
            // Scores every week from the first visit on: the first is the baseline.
            for (int week = 0; week <= 6; ++week) {
                const LocalDate d = start + date::days{7 * week};
                if (d > today) break;
                outcomes::Observation o;
                o.patient_id = pid;
                o.plan_id = plan;
                o.measure = outcomes::Measure::Nrs;
                o.value = nrs_at(i, week);
                o.taken_at = at_local(sched, d, 9);
                o.recorded_by = kDemoUser;
                r.plan_service->record_outcome(o);
                ++rep.observations;
                if (week % 2 == 0) {
                    o.measure = outcomes::Measure::Odi;
                    o.value = odi_at(i, week);
                    r.plan_service->record_outcome(o);
                    ++rep.observations;
                }
            }
            // The chiropractor's visits count as the plan's chiropractic sessions.
            auto p = r.plan_service->plan(plan);
            std::vector<plans::PlanAppointment> links;
            for (const auto& c : p.components) {
                if (c.kind != plans::ComponentKind::Chiropractic) continue;
                int n = 0;
                for (const auto& ap : appts)
                    if (ap.patient_id == pid) links.push_back({plan, c.id, ap.id, ++n});
            }
            if (!links.empty()) r.plans->link_appointments(links);
            try {
                r.plan_service->set_status(plan, plans::PlanStatus::Active, kDemoUser);
            } catch (const Error& e) {
                std::cerr << "vertebra: demo plan " << plan << " stays a draft: " << e.what()
                          << "\n";
            }
            ++rep.plans;
            // Care-team tasks: one done, two open (one for the physical therapist's team).
            const Instant created = at_local(sched, start, 12);
            const core::Id first = r.collaboration->add_task(
                who, plan, "Send the home exercise sheet", kDemoUser, start + date::days{7}, created);
            r.collaboration->set_done(who, first, true, at_local(sched, start + date::days{3}, 17));
            r.collaboration->add_task(who, plan, "Re-measure ODI before the review", kDemoUser,
                                      today + date::days{7}, created);
            r.collaboration->add_task(who, plan, "Ask primary care about the NSAID course", "",
                                      today - date::days{2}, created);
            rep.tasks += 3;
            // A signed note for each past chiropractic visit.
            for (const auto& ap : appts) {
                if (ap.patient_id != pid || ap.start >= now) continue;
                if (!ap.service_id) continue;
                core::NoteContent c;
                c.subjective = "Back pain " + std::to_string(static_cast<int>(nrs_at(i, 1))) +
                               "/10 this morning; sitting is easier than last week.";
                c.objective = "Restricted lumbar flexion; tender L4-L5 paraspinals.";
                c.assessment = "Improving as planned.";
                c.plan = "Continue care; home exercises twice a day.";
                c.module_id = "chiropractic";
                if (r.note_schema("chiropractic"))
                    c.fields = {{"care", "active"},
                                {"spinal_regions", {"lumbar", "pelvic"}},
                                {"part_lumbar", {"P", "R"}},
                                {"symptoms", "Low back pain radiating to the left buttock"},
                                {"pain_before", 6},
                                {"pain_after", 4}};
                else
                    c.module_id.clear();
                const core::Id note =
                    r.note_service->create_for_appointment(who, ap.id, c, ap.end);
                r.note_service->sign(who, note, ap.end);
                ++rep.notes;
            }
        } catch (const Error& e) {
            std::cerr << "vertebra: demo record for patient " << pid << " left out: " << e.what()
                      << "\n";
        }
    }
    return rep;
}

}  // namespace vertebra::ui
