// The plan service: ties assessments, plans, outcome scores, review and the scheduler together.
#include "vertebra/plans/plan_service.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <fmt/format.h>

namespace vertebra::core::plans {

namespace {

struct RoleDisciplines {
    const char* role;
    std::vector<std::string> disciplines;
};

// Data, not code paths: which practitioner disciplines can fill each care-team role.
const std::vector<RoleDisciplines>& role_table() {
    static const std::vector<RoleDisciplines> t = {
        {"primary_care", {"primary_care", "general_practice", "medicine"}},
        {"pain_specialist", {"pain_medicine", "injections"}},
        {"physical_therapist", {"physical_therapy"}},
        {"occupational_therapist", {"occupational_therapy"}},
        {"chiropractor", {"chiropractic"}},
        {"acupuncturist", {"acupuncture"}},
        {"massage_therapist", {"massage"}},
        {"mental_health", {"psychological_support", "psychology", "mental_health"}},
        {"spine_surgeon", {"spine_surgery", "surgery", "surgery_referral"}},
        {"pharmacist", {"pharmacy"}},
        {"care_coordinator", {"care_coordination"}},
    };
    return t;
}

bool holds_time(AppointmentStatus s) {
    return s == AppointmentStatus::Booked || s == AppointmentStatus::Confirmed ||
           s == AppointmentStatus::Arrived || s == AppointmentStatus::InSession;
}

}  // namespace

const std::vector<std::string>& role_disciplines(const std::string& role) {
    static const std::vector<std::string> none;
    for (const auto& r : role_table())
        if (role == r.role) return r.disciplines;
    return none;
}

std::optional<Id> practitioner_for_role(const std::vector<Practitioner>& practitioners,
                                        const std::string& role) {
    std::vector<std::string> wanted = role_disciplines(role);
    wanted.push_back(role);
    for (const auto& d : wanted) {
        const Practitioner* best = nullptr;
        for (const auto& p : practitioners)
            if (p.active && p.has_discipline(d) && (!best || p.id < best->id)) best = &p;
        if (best) return best->id;
    }
    return std::nullopt;
}

void to_json(nlohmann::json& j, const PlanBooking& b) {
    nlohmann::json sessions = nlohmann::json::array();
    for (std::size_t i = 0; i < b.schedule.bookings.size(); ++i) {
        nlohmann::json s = b.schedule.bookings[i];
        s["appointment_id"] = i < b.appointment_ids.size() ? nlohmann::json(b.appointment_ids[i])
                                                           : nlohmann::json(nullptr);
        sessions.push_back(std::move(s));
    }
    j = {{"dry_run", b.dry_run},
         {"booked", b.booked()},
         {"sessions", sessions},
         {"problems", b.schedule.problems},
         {"conflicts", b.conflicts}};
}

PlanService::PlanService(AssessmentRepository& assessments, OutcomeRepository& outcomes,
                         PlanRepository& plans, SchedulingRepository& book, Scheduler& scheduler,
                         PlanServiceHooks hooks)
    : assessments_(assessments),
      outcomes_(outcomes),
      plans_(plans),
      book_(book),
      scheduler_(scheduler),
      hooks_(std::move(hooks)) {}

Instant PlanService::now() const {
    return hooks_.now ? hooks_.now()
                      : std::chrono::time_point_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now());
}

Author PlanService::author(const std::string& name) const { return Author{name, now()}; }

std::string PlanService::authorize(Permission p, std::optional<Id> patient) {
    const Principal* who = actor_.who;
    if (!who) return {};
    require(*who, p);
    if (!patient) return {};
    return care_team_access(*who, actor_.care_team, *patient, now(), p);
}

void PlanService::audit(const std::string& action, Id patient, const std::string& object,
                        const std::string& detail, const std::string& break_glass) {
    if (!actor_.who || !actor_.audit) return;
    const Principal& who = *actor_.who;
    std::string d = detail;
    if (!break_glass.empty()) d = break_glass + (d.empty() ? "" : "; " + d);
    actor_.audit->append(AuditEvent{who.name, patient,
                                    break_glass.empty() ? action : action + ".break_glass",
                                    object, who.workstation, d});
}

ComponentCheckContext PlanService::checks(const Assessment* a) const {
    ComponentCheckContext ctx;
    ctx.assessment = a;
    ctx.rules = hooks_.rules;
    ctx.module_enabled = hooks_.module_enabled;
    ctx.module_checks = hooks_.module_checks;
    return ctx;
}

Id PlanService::record_assessment(Assessment a) {
    authorize(Permission::AssessmentWrite);  // before any read: the database would refuse
    if (!book_.patient(a.patient_id)) throw not_found("patient " + std::to_string(a.patient_id));
    const std::string bg = authorize(Permission::AssessmentWrite, a.patient_id);
    validate_assessment(a, Icd10Table::shipped(),
                        hooks_.rules ? *hooks_.rules : default_clinical_rules());
    for (auto& o : a.baseline) {
        o.patient_id = a.patient_id;
        outcomes::validate_observation(o, hooks_.outcome_config ? *hooks_.outcome_config
                                                                : outcomes::default_outcome_config());
    }
    Id id = 0;
    plans_.atomically([&] {  // the record and its audit entry: both or neither
        id = assessments_.add_assessment(a);
        audit("assessment.create", a.patient_id, "assessment:" + std::to_string(id),
              a.baseline.empty() ? "" : std::to_string(a.baseline.size()) + " baseline scores",
              bg);
    });
    return id;
}

std::optional<Assessment> PlanService::newest_assessment(Id patient_id) {
    auto all = assessments_.assessments_for_patient(patient_id);
    if (all.empty()) return std::nullopt;
    return all.front();
}

std::optional<Assessment> PlanService::latest_assessment(Id patient_id) {
    const std::string bg = authorize(Permission::AssessmentRead, patient_id);
    auto a = newest_assessment(patient_id);
    audit("assessment.read", patient_id,
          a ? "assessment:" + std::to_string(a->id) : "patient:" + std::to_string(patient_id),
          a ? "" : "none on file", bg);
    return a;
}

Id PlanService::record_outcome(outcomes::Observation o) {
    authorize(Permission::AssessmentWrite);
    if (!book_.patient(o.patient_id)) throw not_found("patient " + std::to_string(o.patient_id));
    const std::string bg = authorize(Permission::AssessmentWrite, o.patient_id);
    outcomes::validate_observation(o, hooks_.outcome_config ? *hooks_.outcome_config
                                                            : outcomes::default_outcome_config());
    if (o.plan_id) {
        auto p = plans_.plan(*o.plan_id);
        if (!p) throw not_found("plan " + std::to_string(*o.plan_id));
        if (p->patient_id != o.patient_id)
            throw invalid("plan", "plan " + std::to_string(*o.plan_id) +
                                      " belongs to another patient");
    } else {
        auto all = plans_.plans_for_patient(o.patient_id);
        for (auto it = all.rbegin(); it != all.rend(); ++it)
            if (it->status == PlanStatus::Draft || it->status == PlanStatus::Active) {
                o.plan_id = it->id;
                break;
            }
    }
    Id id = 0;
    plans_.atomically([&] {
        id = outcomes_.add_observation(o);
        audit("outcome.create", o.patient_id, "outcome:" + std::to_string(id),
              fmt::format("{} {}{}", outcomes::to_string(o.measure), o.value,
                          o.plan_id ? fmt::format(", plan #{}", *o.plan_id) : std::string()),
              bg);
    });
    return id;
}

std::vector<outcomes::Observation> PlanService::observations(Id patient_id,
                                                             std::optional<outcomes::Measure> m,
                                                             std::optional<Id> plan_id) {
    const std::string bg = authorize(Permission::AssessmentRead, patient_id);
    auto out = outcomes_.observations(patient_id, m, plan_id);
    audit("outcome.read", patient_id, "patient:" + std::to_string(patient_id),
          std::to_string(out.size()) + " scores" +
              (m ? std::string(" of ") + outcomes::to_string(*m) : std::string()) +
              (plan_id ? ", plan #" + std::to_string(*plan_id) : std::string()),
          bg);
    return out;
}

std::vector<TreatmentPlan> PlanService::plans_for_patient(Id patient_id) {
    const std::string bg = authorize(Permission::AssessmentRead, patient_id);
    auto out = plans_.plans_for_patient(patient_id);
    audit("plan.read", patient_id, "patient:" + std::to_string(patient_id),
          std::to_string(out.size()) + " plans", bg);
    return out;
}

Id PlanService::create_from_template(const PlanTemplate& t, Id patient_id, LocalDate start,
                                     std::optional<Id> assessment_id, const std::string& who,
                                     std::function<std::optional<Id>(const std::string&)> assign) {
    authorize(Permission::AssessmentWrite);
    if (!book_.patient(patient_id)) throw not_found("patient " + std::to_string(patient_id));
    const std::string bg = authorize(Permission::AssessmentWrite, patient_id);
    std::optional<Assessment> a;
    if (assessment_id) {
        a = assessments_.assessment(*assessment_id);
        if (!a) throw not_found("assessment " + std::to_string(*assessment_id));
        if (a->patient_id != patient_id)
            throw invalid("assessment", "assessment " + std::to_string(*assessment_id) +
                                            " is of another patient");
    } else {
        a = newest_assessment(patient_id);
    }
    if (!assign) {
        auto staff = book_.practitioners();
        assign = [staff](const std::string& role) { return practitioner_for_role(staff, role); };
    }
    TemplateInstantiation in;
    in.patient_id = patient_id;
    in.start_date = start;
    in.assessment = a ? &*a : nullptr;
    in.practitioner_for_role = assign;
    in.checks = checks(in.assessment);
    TreatmentPlan p = instantiate_template(t, in, author(who));
    Id id = 0;
    plans_.atomically([&] {
        id = plans_.add_plan(p);
        audit("plan.create", patient_id, "plan:" + std::to_string(id),
              "template " + t.id + (a ? ", assessment #" + std::to_string(a->id) : std::string()),
              bg);
    });
    return id;
}

TreatmentPlan PlanService::load(Id plan_id) {
    auto p = plans_.plan(plan_id);
    if (!p) throw not_found("plan " + std::to_string(plan_id));
    return *p;
}

TreatmentPlan PlanService::plan(Id plan_id) {
    authorize(Permission::AssessmentRead);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentRead, p.patient_id);
    audit("plan.read", p.patient_id, "plan:" + std::to_string(plan_id),
          "version " + std::to_string(p.version()), bg);
    return p;
}

std::map<Id, SessionCounts> PlanService::session_counts(Id plan_id) {
    authorize(Permission::AssessmentRead);
    const TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentRead, p.patient_id);
    auto out = counts(plan_id);
    audit("plan.read", p.patient_id, "plan:" + std::to_string(plan_id), "session counts", bg);
    return out;
}

std::map<Id, SessionCounts> PlanService::counts(Id plan_id) {
    std::map<Id, SessionCounts> out;
    for (const auto& link : plans_.plan_appointments(plan_id)) {
        auto appt = book_.appointment(link.appointment_id);
        if (!appt) continue;
        if (appt->status == AppointmentStatus::Completed)
            ++out[link.component_id].completed;
        else if (holds_time(appt->status))
            ++out[link.component_id].upcoming;
    }
    return out;
}

Assessment PlanService::assessment_for(const TreatmentPlan& p) {
    if (p.assessment_id) {
        if (auto a = assessments_.assessment(*p.assessment_id)) return *a;
    }
    if (auto a = newest_assessment(p.patient_id)) return *a;
    Assessment none;  // no assessment on file: review from the scores alone
    none.patient_id = p.patient_id;
    none.assessed_on = p.start_date;
    return none;
}

void PlanService::save(TreatmentPlan& p, int expected_version) {
    plans_.save_plan(p, expected_version);
}

Id PlanService::add_component(Id plan_id, PlanComponent c, const std::string& who,
                              std::vector<Acknowledgement> acks, const std::string& role) {
    authorize(Permission::AssessmentWrite);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentWrite, p.patient_id);
    const int expected = p.version();
    const Author by = author(who);
    if (c.practitioner_id > 0 && !p.on_team(c.practitioner_id)) {
        if (role.empty())
            throw invalid("practitioner", "practitioner " + std::to_string(c.practitioner_id) +
                                              " is not on the care team; give their role");
        add_team_member(p, CareTeamMember{c.practitioner_id, role, p.care_team.empty()}, by);
    }
    std::optional<Assessment> a;
    if (p.assessment_id) a = assessments_.assessment(*p.assessment_id);
    Id id = plans::add_component(p, std::move(c), checks(a ? &*a : nullptr), by, std::move(acks));
    plans_.atomically([&] {
        save(p, expected);
        audit("plan.change", p.patient_id, "plan:" + std::to_string(plan_id),
              "component #" + std::to_string(id) + " added; version " +
                  std::to_string(p.version()),
              bg);
    });
    return id;
}

void PlanService::acknowledge(Id plan_id, Id component_id, const std::string& rule,
                              const std::string& reason, const std::string& who) {
    authorize(Permission::AssessmentWrite);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentWrite, p.patient_id);
    const int expected = p.version();
    plans::acknowledge(p, component_id, rule, reason, author(who));
    plans_.atomically([&] {
        save(p, expected);
        audit("plan.change", p.patient_id, "plan:" + std::to_string(plan_id),
              "acknowledged " + rule + " on component #" + std::to_string(component_id), bg);
    });
}

void PlanService::set_status(Id plan_id, PlanStatus status, const std::string& who) {
    authorize(Permission::AssessmentWrite);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentWrite, p.patient_id);
    const int expected = p.version();
    plans::set_status(p, status, author(who));
    if (p.version() == expected) return;  // already in that status
    plans_.atomically([&] {
        save(p, expected);
        audit("plan.change", p.patient_id, "plan:" + std::to_string(plan_id),
              std::string("status ") + to_string(status), bg);
    });
}

FirstFreeSlot PlanService::free_slot(Id patient_id, LocalDate from) {
    const ClinicZone zone = scheduler_.zone();
    const int horizon = std::max(7, hooks_.slot_horizon_days);
    // The patient's own appointments: find_slots looks at practitioners and rooms only.
    AppointmentQuery busy_query;
    busy_query.from = zone.start_of_day(from);
    busy_query.to = zone.start_of_day(from + date::days{horizon + 31});
    busy_query.patient_id = patient_id;
    busy_query.include_cancelled = false;
    auto patient_busy = std::make_shared<std::vector<Appointment>>(book_.appointments(busy_query));
    return [this, zone, horizon, from, patient_busy](
               Id practitioner, int minutes, LocalTime not_before) -> std::optional<LocalTime> {
        const LocalDate first = date::floor<date::days>(not_before);
        const LocalDate last = from + date::days{horizon};
        for (LocalDate d = first; d <= last; d += date::days{7}) {
            SlotQuery q;
            q.practitioner_id = practitioner;
            q.minutes = minutes;
            q.from = d;
            q.days = 7;
            q.count = 500;
            for (const auto& s : scheduler_.find_slots(q)) {
                const LocalTime local = zone.to_local(s.start);
                if (local < not_before) continue;
                bool clash = std::any_of(patient_busy->begin(), patient_busy->end(),
                                         [&](const Appointment& a) {
                                             return overlaps(s.start, s.end, a.start, a.end);
                                         });
                if (!clash) return local;
            }
        }
        return std::nullopt;
    };
}

PlanBooking PlanService::propose(const TreatmentPlan& stored, const ScheduleOptions& options) {
    if (stored.status == PlanStatus::Completed || stored.status == PlanStatus::Stopped)
        throw Error(ErrorKind::Conflict, std::string("conflict: plan ") +
                                             std::to_string(stored.id) + " is " +
                                             to_string(stored.status) + " and cannot be booked");
    // Sessions already in the book (completed or still upcoming) are not proposed again.
    TreatmentPlan p = stored;
    const auto booked = counts(p.id);
    for (auto& c : p.components) {
        auto it = booked.find(c.id);
        if (it != booked.end()) c.sessions_completed = it->second.completed + it->second.upcoming;
    }

    FirstFreeSlot slot = free_slot(p.patient_id, options.from);
    PlanBooking out;
    out.schedule = generate_schedule(p, options, slot);
    return out;
}

PlanBooking PlanService::preview_schedule(Id plan_id, const ScheduleOptions& options) {
    authorize(Permission::AssessmentRead);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentRead, p.patient_id);
    audit("plan.read", p.patient_id, "plan:" + std::to_string(plan_id),
          "schedule preview from " + format_date(options.from), bg);
    PlanBooking out = propose(p, options);
    out.dry_run = true;
    // Let the scheduler check each session too (hours, time off, rooms), so the preview shows
    // what booking would refuse.
    for (const auto& b : out.schedule.bookings) {
        try {
            BookingRequest req;
            req.patient_id = p.patient_id;
            req.practitioner_id = b.practitioner_id;
            req.service_id = b.service_id;
            req.start = b.start;
            req.minutes = b.minutes;
            scheduler_.prepare_booking(req);
        } catch (const Error& e) {
            out.conflicts.push_back(fmt::format("session {} of component #{} at {}: {}",
                                                b.session_number, b.component_id,
                                                date::format("%Y-%m-%d %H:%M", b.start), e.what()));
        }
    }
    return out;
}

PlanBooking PlanService::book_schedule(Id plan_id, const ScheduleOptions& options,
                                       const std::string& who) {
    authorize(Permission::AssessmentWrite);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentWrite, p.patient_id);
    const int expected = p.version();
    PlanBooking out = propose(p, options);
    if (!out.schedule.complete()) return out;  // all or nothing: the problems say why
    if (out.schedule.bookings.empty()) return out;

    AppointmentBatch batch;
    for (const auto& b : out.schedule.bookings) {
        const PlanComponent* c = p.component(b.component_id);
        BookingRequest req;
        req.patient_id = p.patient_id;
        req.practitioner_id = b.practitioner_id;
        req.service_id = b.service_id;
        req.start = b.start;
        req.minutes = b.minutes;
        req.notes = fmt::format("Plan #{}: {}, session {} of {}", p.id,
                                c && !c->title.empty() ? c->title : to_string(b.kind),
                                b.session_number, c ? c->planned_sessions() : 0);
        try {
            AppointmentBatch one = scheduler_.prepare_booking(req);
            for (auto& a : one.inserts) batch.inserts.push_back(std::move(a));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Conflict && e.kind() != ErrorKind::Invalid) throw;
            out.conflicts.push_back(fmt::format("session {} of component #{} at {}: {}",
                                                b.session_number, b.component_id,
                                                date::format("%Y-%m-%d %H:%M", b.start), e.what()));
        }
    }
    if (!out.conflicts.empty()) return out;
    // The appointments, their links to the plan, the plan version recording them and the audit
    // entries are one transaction: a failure in between (a lost race, a dropped connection, a
    // full disk) leaves none of them.
    try {
        plans_.atomically([&] {
            out.appointment_ids = scheduler_.commit(batch);
            std::vector<PlanAppointment> links;
            for (std::size_t i = 0; i < out.appointment_ids.size(); ++i) {
                const auto& b = out.schedule.bookings[i];
                links.push_back({p.id, b.component_id, out.appointment_ids[i], b.session_number});
            }
            plans_.link_appointments(links);

            const Author by = author(who);
            PlanVersion v;
            v.author = by.name;
            v.at = by.at;
            v.summary = fmt::format("booked {} sessions from {}", out.appointment_ids.size(),
                                    format_date(options.from));
            for (std::size_t i = 0; i < out.appointment_ids.size(); ++i) {
                const auto& b = out.schedule.bookings[i];
                v.changes.push_back(fmt::format("appointment {}: component #{} session {} at {}",
                                                out.appointment_ids[i], b.component_id,
                                                b.session_number,
                                                date::format("%Y-%m-%d %H:%M", b.start)));
            }
            const std::string summary = v.summary;
            record_version(plan_id, p, expected, std::move(v));
            audit("plan.schedule", p.patient_id, "plan:" + std::to_string(plan_id), summary, bg);
        });
    } catch (const Error& e) {
        out.appointment_ids.clear();
        if (e.kind() != ErrorKind::Conflict) throw;
        out.conflicts.push_back(e.what());
        return out;
    }
    return out;
}

void PlanService::record_version(Id plan_id, TreatmentPlan p, int expected, PlanVersion v) {
    // The change is written (in the caller's transaction): if someone changed the plan
    // meanwhile, record it on top of their version rather than fail.
    for (int attempt = 0;; ++attempt) {
        v.number = p.version() + 1;
        p.versions.push_back(v);
        try {
            save(p, expected);
            return;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Conflict || attempt >= 3) throw;
            p = load(plan_id);
            expected = p.version();
        }
    }
}

void to_json(nlohmann::json& j, const PlanReflow& r) {
    nlohmann::json moves = nlohmann::json::array();
    for (const auto& m : r.moves)
        moves.push_back({{"appointment_id", m.appointment_id},
                         {"session_number", m.session_number},
                         {"from", date::format("%Y-%m-%d %H:%M", m.from)},
                         {"to", date::format("%Y-%m-%d %H:%M", m.to)}});
    j = {{"dry_run", r.dry_run}, {"applied", r.applied}, {"moves", moves},
         {"problems", r.problems}};
}

PlanReflow PlanService::move_session(Id plan_id, Id appointment_id, LocalTime new_start,
                                     bool dry_run, const std::string& who) {
    const Permission need = dry_run ? Permission::AssessmentRead : Permission::AssessmentWrite;
    authorize(need);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(need, p.patient_id);
    if (dry_run)
        audit("plan.read", p.patient_id, "plan:" + std::to_string(plan_id),
              "move preview of appointment " + std::to_string(appointment_id), bg);
    const int expected = p.version();
    const auto links = plans_.plan_appointments(plan_id);
    auto link = std::find_if(links.begin(), links.end(), [&](const PlanAppointment& l) {
        return l.appointment_id == appointment_id;
    });
    if (link == links.end())
        throw not_found("appointment " + std::to_string(appointment_id) + " of plan " +
                        std::to_string(plan_id));
    const PlanComponent* c = p.component(link->component_id);
    if (!c) throw not_found("plan component #" + std::to_string(link->component_id));
    const ClinicZone zone = scheduler_.zone();

    // The component's sessions still ahead (booked or confirmed), in time order.
    std::vector<std::pair<Appointment, int>> rows;
    for (const auto& l : links) {
        if (l.component_id != link->component_id) continue;
        auto a = book_.appointment(l.appointment_id);
        if (!a) continue;
        const bool movable = a->status == AppointmentStatus::Booked ||
                             a->status == AppointmentStatus::Confirmed;
        if (!movable && l.appointment_id == appointment_id)
            throw invalid("appointment", "appointment " + std::to_string(appointment_id) + " is " +
                                             to_string(a->status) + " and cannot move");
        if (movable) rows.emplace_back(*a, l.session_number);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& x, const auto& y) { return x.first.start < y.first.start; });
    std::vector<ProposedBooking> sessions;
    std::size_t moved = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Appointment& a = rows[i].first;
        if (a.id == appointment_id) moved = i;
        sessions.push_back({c->id, c->kind, a.practitioner_id, a.service_id, rows[i].second,
                            zone.to_local(a.start),
                            static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(
                                                 a.end - a.start)
                                                 .count())});
    }

    if (sessions.empty()) throw not_found("appointment " + std::to_string(appointment_id));

    PlanReflow out;
    out.dry_run = dry_run;
    // The moved session itself must fit hours and time off (its old slot does not count).
    {
        BookingRequest req;
        req.patient_id = p.patient_id;
        req.practitioner_id = sessions[moved].practitioner_id;
        req.start = new_start;
        req.minutes = sessions[moved].minutes;
        try {
            scheduler_.prepare_booking(req);
        } catch (const BookingConflict& e) {
            bool self = std::any_of(rows.begin(), rows.end(), [&](const auto& r) {
                return r.first.id == e.conflicting_id();
            });
            if (!self) out.problems.push_back(e.what());
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Invalid && e.kind() != ErrorKind::Conflict) throw;
            out.problems.push_back(e.what());
        }
    }
    auto next = reflow_after_move(sessions, moved, new_start, c->min_spacing_days,
                                  free_slot(p.patient_id, date::floor<date::days>(new_start)),
                                  8 * 60, &out.problems);
    for (std::size_t i = 0; i < next.size(); ++i)
        if (next[i].start != sessions[i].start)
            out.moves.push_back({rows[i].first.id, next[i].session_number, sessions[i].start,
                                 next[i].start});
    if (dry_run || !out.problems.empty() || out.moves.empty()) return out;

    AppointmentBatch batch;
    for (const auto& m : out.moves) {
        auto it = std::find_if(rows.begin(), rows.end(),
                               [&](const auto& r) { return r.first.id == m.appointment_id; });
        Appointment a = it->first;
        const auto length = a.end - a.start;
        a.start = zone.to_utc(m.to);
        a.end = a.start + length;
        batch.updates.push_back(a);
    }
    const Author by = author(who);
    PlanVersion v;
    v.author = by.name;
    v.at = by.at;
    v.summary = fmt::format("moved session {} of component #{}; {} later re-flowed",
                            out.moves.front().session_number, c->id, out.moves.size() - 1);
    for (const auto& m : out.moves)
        v.changes.push_back(fmt::format("appointment {} (session {}): {} -> {}", m.appointment_id,
                                        m.session_number, date::format("%Y-%m-%d %H:%M", m.from),
                                        date::format("%Y-%m-%d %H:%M", m.to)));
    // The moves, the plan version and the audit entries: all or nothing.
    try {
        plans_.atomically([&] {
            scheduler_.commit(batch);
            const std::string summary = v.summary;
            record_version(plan_id, p, expected, v);
            audit("plan.schedule", p.patient_id, "plan:" + std::to_string(plan_id), summary, bg);
        });
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Conflict) throw;
        out.problems.push_back(e.what());
        return out;
    }
    out.applied = true;
    return out;
}

PlanReview PlanService::review(Id plan_id, LocalDate on,
                               const std::optional<std::vector<RedFlagAnswer>>& screen) {
    authorize(Permission::AssessmentRead);
    TreatmentPlan p = load(plan_id);
    const std::string bg = authorize(Permission::AssessmentRead, p.patient_id);
    Assessment a = assessment_for(p);
    auto observations = outcomes_.observations(p.patient_id);
    PlanReview r = review_plan(p, a, observations, on, screen,
                               hooks_.rules ? *hooks_.rules : default_clinical_rules(),
                               hooks_.outcome_config ? *hooks_.outcome_config
                                                     : outcomes::default_outcome_config());
    audit("plan.review", p.patient_id, "plan:" + std::to_string(plan_id),
          "review on " + format_date(on) + (r.flag.empty() ? std::string() : ": " + r.flag), bg);
    return r;
}

}  // namespace vertebra::core::plans
