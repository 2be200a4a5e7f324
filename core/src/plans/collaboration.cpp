#include "vertebra/plans/collaboration.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "vertebra/outcomes/measures.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {

nlohmann::json to_json(const PlanTask& t) {
    return {{"id", t.id},
            {"plan_id", t.plan_id},
            {"patient_id", t.patient_id},
            {"title", t.title},
            {"assignee", t.assignee},
            {"due", t.due ? nlohmann::json(format_date(*t.due)) : nullptr},
            {"created_by", t.created_by},
            {"created_at", format_utc(t.created_at)},
            {"done", t.done},
            {"done_by", t.done_by},
            {"done_at", t.done_at ? nlohmann::json(format_utc(*t.done_at)) : nullptr}};
}

nlohmann::json to_json(const TimelineEntry& e) {
    return {{"at", format_utc(e.at)},
            {"kind", e.kind},
            {"title", e.title},
            {"detail", e.detail},
            {"ref", e.ref ? nlohmann::json(*e.ref) : nullptr}};
}

std::vector<std::string> medication_changes(const std::vector<plugin_api::Medication>& before,
                                            const std::vector<plugin_api::Medication>& after) {
    auto label = [](const plugin_api::Medication& m) {
        return m.drug_class.empty() ? m.name : m.name + " (" + m.drug_class + ")";
    };
    std::map<std::string, const plugin_api::Medication*> was, now;
    for (const auto& m : before) was[m.name] = &m;
    for (const auto& m : after) now[m.name] = &m;
    std::vector<std::string> out;
    for (const auto& [name, m] : now)
        if (!was.count(name)) out.push_back("started: " + label(*m));
    for (const auto& [name, m] : was)
        if (!now.count(name)) out.push_back("stopped: " + label(*m));
    return out;
}

namespace {

/// The audit action and detail of an access that only break-glass let through.
void mark_break_glass(AuditEvent& e, const std::string& break_glass) {
    if (break_glass.empty()) return;
    e.action += ".break_glass";
    e.detail = break_glass + (e.detail.empty() ? "" : "; " + e.detail);
}

}  // namespace

std::string CollaborationService::require_clinical(const Principal& who, Id patient_id,
                                                   Instant now, Permission p) {
    require(who, p);
    return care_team_access(who, &s_.notes, patient_id, now, p);
}

TreatmentPlan CollaborationService::plan_of(Id plan_id) {
    auto p = s_.plans.plan(plan_id);
    if (!p) throw not_found("plan " + std::to_string(plan_id));
    return *p;
}

Id CollaborationService::add_task(const Principal& who, Id plan_id, const std::string& title,
                                  const std::string& assignee, std::optional<LocalDate> due,
                                  Instant now) {
    require(who, Permission::AssessmentWrite);  // before any read: the database would refuse
    const TreatmentPlan plan = plan_of(plan_id);
    const std::string bg = require_clinical(who, plan.patient_id, now, Permission::AssessmentWrite);
    const auto first = title.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) throw invalid("title", "a task needs a title");
    if (title.size() > 500) throw invalid("title", "at most 500 characters");
    if (!assignee.empty() && s_.users) {
        auto u = s_.users->find(assignee);
        if (!u || !u->active)
            throw invalid("assignee", "no active clinic user named '" + assignee + "'");
    }
    if (due && *due < plan.start_date)
        throw invalid("due", "is before the plan's start (" + format_date(plan.start_date) + ")");
    PlanTask t;
    t.plan_id = plan_id;
    t.patient_id = plan.patient_id;
    t.title = title.substr(first);
    t.assignee = assignee;
    t.due = due;
    t.created_by = who.name;
    t.created_at = now;
    AuditEvent e{who.name, plan.patient_id, "task.create", "plan:" + std::to_string(plan_id),
                 who.workstation, assignee.empty() ? "" : "assignee " + assignee};
    mark_break_glass(e, bg);
    return s_.tasks.add_task(t, e);
}

void CollaborationService::set_done(const Principal& who, Id task_id, bool done, Instant now) {
    require(who, Permission::AssessmentWrite);
    auto t = s_.tasks.task(task_id);
    if (!t) throw not_found("task " + std::to_string(task_id));
    const std::string bg = require_clinical(who, t->patient_id, now, Permission::AssessmentWrite);
    AuditEvent e{who.name, t->patient_id, done ? "task.done" : "task.reopen",
                 "task:" + std::to_string(task_id), who.workstation, ""};
    mark_break_glass(e, bg);
    if (!s_.tasks.set_done(task_id, done, who.name, now, e))
        throw Error(ErrorKind::Conflict, "task #" + std::to_string(task_id) + " is already " +
                                             (done ? "done" : "open"),
                    "task");
}

std::vector<PlanTask> CollaborationService::tasks(const Principal& who, Id plan_id, Instant now) {
    require(who, Permission::AssessmentRead);
    const TreatmentPlan plan = plan_of(plan_id);
    const std::string bg = require_clinical(who, plan.patient_id, now, Permission::AssessmentRead);
    auto out = s_.tasks.tasks_for_plan(plan_id);
    AuditEvent e{who.name, plan.patient_id, "plan.read", "plan:" + std::to_string(plan_id),
                 who.workstation, std::to_string(out.size()) + " tasks"};
    mark_break_glass(e, bg);
    s_.audit.append(e);
    return out;
}

std::vector<PlanTask> CollaborationService::my_open_tasks(const Principal& who) {
    require(who, Permission::AssessmentRead);
    auto out = s_.tasks.open_tasks_for(who.name);
    // The worklist names tasks of several patients: one read per patient.
    std::map<Id, int> per_patient;
    for (const auto& t : out) ++per_patient[t.patient_id];
    for (const auto& [patient, n] : per_patient)
        s_.audit.append(AuditEvent{who.name, patient, "plan.read", "tasks:" + who.name,
                                   who.workstation, std::to_string(n) + " open tasks"});
    return out;
}

Id CollaborationService::add_case_note(const Principal& who, NoteService& notes, Id plan_id,
                                       NoteContent content, Instant now) {
    require(who, Permission::NoteWrite);
    const TreatmentPlan plan = plan_of(plan_id);
    if (content.text.empty() && content.subjective.empty() && content.objective.empty() &&
        content.assessment.empty() && content.plan.empty())
        throw invalid("text", "a case note needs some text");
    return notes.create_case_note(who, plan.patient_id, std::move(content), now);
}

std::vector<TimelineEntry> CollaborationService::timeline(const Principal& who, Id patient_id,
                                                          Instant now, const ClinicZone& zone) {
    require(who, Permission::AssessmentRead);
    if (!s_.schedule.patient(patient_id)) throw not_found("patient " + std::to_string(patient_id));
    const std::string bg = require_clinical(who, patient_id, now, Permission::AssessmentRead);
    std::vector<TimelineEntry> out;

    // Appointments (injection procedures get their own kind).
    std::map<Id, Service> services;
    for (const auto& s : s_.schedule.services()) services.emplace(s.id, s);
    std::map<Id, std::string> staff;
    for (const auto& p : s_.schedule.practitioners()) staff.emplace(p.id, p.name);
    AppointmentQuery q;
    q.from = Instant{} + std::chrono::seconds{0};
    q.to = now + std::chrono::hours{24 * 366 * 2};
    q.patient_id = patient_id;
    for (const auto& a : s_.schedule.appointments(q)) {
        const Service* sv = a.service_id && services.count(*a.service_id)
                                ? &services.at(*a.service_id)
                                : nullptr;
        TimelineEntry e;
        e.at = a.start;
        e.kind = sv && sv->module_id == "injections" ? "injection" : "appointment";
        e.title = (sv ? sv->name : std::string("Appointment")) + " with " +
                  (staff.count(a.practitioner_id) ? staff.at(a.practitioner_id)
                                                  : "practitioner #" + std::to_string(a.practitioner_id));
        e.detail = std::string(to_string(a.status)) + ", " + zone.format_short(a.start) +
                   (a.cancel_reason.empty() ? "" : " (" + a.cancel_reason + ")");
        e.ref = a.id;
        out.push_back(std::move(e));
    }
    // Notes: status only (the text stays behind note.read and the note's own audit).
    for (const auto& n : s_.notes.notes_for_patient(patient_id)) {
        TimelineEntry e;
        e.at = n.signed_at.value_or(n.created_at);
        e.kind = "note";
        e.title = std::string(n.appointment_id ? "Session note" : "Case note") + " by " + n.author;
        e.detail = n.status == NoteStatus::Signed ? "signed" : "draft";
        e.ref = n.id;
        out.push_back(std::move(e));
    }
    // Outcome scores.
    for (const auto& o : s_.outcomes.observations(patient_id)) {
        TimelineEntry e;
        e.at = o.taken_at;
        e.kind = "score";
        std::string m = outcomes::to_string(o.measure);
        std::transform(m.begin(), m.end(), m.begin(), ::toupper);
        char buf[32];
        std::snprintf(buf, sizeof buf, o.measure == outcomes::Measure::Odi ? "%.1f%%" : "%.0f",
                      o.value);
        e.title = m + " " + buf;
        e.detail = o.note;
        e.ref = o.id;
        out.push_back(std::move(e));
    }
    // Medication changes between successive assessments.
    auto assessments = s_.assessments.assessments_for_patient(patient_id);  // newest first
    std::reverse(assessments.begin(), assessments.end());
    for (std::size_t i = 0; i < assessments.size(); ++i) {
        const auto& a = assessments[i];
        const std::vector<plugin_api::Medication> none;
        const auto changes =
            medication_changes(i == 0 ? none : assessments[i - 1].medications, a.medications);
        for (const auto& c : changes) {
            TimelineEntry e;
            e.at = zone.start_of_day(a.assessed_on);
            e.kind = "medication";
            e.title = "Medication " + c;
            e.detail = "assessment #" + std::to_string(a.id);
            e.ref = a.id;
            out.push_back(std::move(e));
        }
    }
    // Plan versions and tasks.
    for (const auto& p : s_.plans.plans_for_patient(patient_id)) {
        for (const auto& v : p.versions) {
            TimelineEntry e;
            e.at = v.at;
            e.kind = "plan";
            e.title = "Plan #" + std::to_string(p.id) + " v" + std::to_string(v.number) + " by " +
                      v.author;
            e.detail = v.summary;
            e.ref = p.id;
            out.push_back(std::move(e));
        }
    }
    for (const auto& t : s_.tasks.tasks_for_patient(patient_id)) {
        TimelineEntry e;
        e.at = t.done_at.value_or(t.created_at);
        e.kind = "task";
        e.title = std::string(t.done ? "Task done: " : "Task: ") + t.title;
        e.detail = (t.assignee.empty() ? std::string("care team") : t.assignee) +
                   (t.due ? ", due " + format_date(*t.due) : std::string());
        e.ref = t.id;
        out.push_back(std::move(e));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
    AuditEvent e{who.name, patient_id, "timeline.read", "patient:" + std::to_string(patient_id),
                 who.workstation, std::to_string(out.size()) + " entries"};
    mark_break_glass(e, bg);
    s_.audit.append(e);
    return out;
}

}  // namespace vertebra::core::plans
