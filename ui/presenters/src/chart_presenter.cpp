// The patient chart: demographics, active plan, timeline, outcome trends and tasks, from core.
#include "vertebra/ui/chart_presenter.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "vertebra/common/error.hpp"
#include "vertebra/common/text.hpp"
#include "vertebra/plans/review.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

namespace plans = core::plans;
namespace outcomes = core::outcomes;

namespace {

std::string number(double v) {
    if (std::abs(v - std::round(v)) < 1e-9) return fmt::format("{}", static_cast<long long>(std::round(v)));
    return fmt::format("{:.1f}", v);
}

std::string measure_title(outcomes::Measure m) {
    switch (m) {
    case outcomes::Measure::Nrs: return "Pain (NRS 0-10)";
    case outcomes::Measure::Odi: return "Disability (ODI %)";
    case outcomes::Measure::Rmdq: return "Disability (RMDQ 0-24)";
    }
    return "";
}

std::string measure_short(outcomes::Measure m) {
    switch (m) {
    case outcomes::Measure::Nrs: return "NRS";
    case outcomes::Measure::Odi: return "ODI";
    case outcomes::Measure::Rmdq: return "RMDQ";
    }
    return "";
}

}  // namespace

TrendSeries make_trend(outcomes::Measure m, const std::vector<outcomes::Observation>& observations,
                       const ClinicZone& zone, std::optional<double> target) {
    TrendSeries s;
    s.measure = m;
    s.title = measure_title(m);
    s.scale_max = outcomes::measure_max(m);
    s.target = target;
    std::vector<outcomes::Observation> mine;
    for (const auto& o : observations)
        if (o.measure == m) mine.push_back(o);
    if (mine.empty()) {
        s.summary = "no scores yet";
        return s;
    }
    const auto points = outcomes::trend(m, mine);
    for (const auto& p : points)
        s.points.push_back({p.taken_at, zone.local_date(p.taken_at), p.value,
                            p.from_baseline.met() && &p != &points.front()});
    s.baseline = points.front().value;
    const auto& t = outcomes::default_outcome_config().mcid(m);
    // Met when the drop reaches either threshold: the line is the higher (easier) of the two.
    s.mcid_line = std::max(*s.baseline - t.absolute_points, *s.baseline * (1 - t.relative_fraction));
    if (*s.mcid_line < 0) s.mcid_line = 0;
    const auto& last = points.back();
    if (points.size() == 1) {
        s.summary = fmt::format("baseline {}", number(last.value));
    } else {
        const double change = last.value - *s.baseline;
        s.summary = fmt::format("{} → {} ({}{}{})", number(*s.baseline), number(last.value),
                                change > 0 ? "+" : (change < 0 ? "−" : "±"),
                                number(std::abs(change)),
                                last.from_baseline.met() ? ", MCID met" : ", MCID not met");
    }
    return s;
}

namespace {
Instant clock_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// The plan service checks and audits as `who` for one chart, then acts for whoever it acted
/// for before (the desktop's signed-in user, or nobody).
class ActingAs {
public:
    ActingAs(RecordServices& r, const core::Principal& who)
        : service_(*r.plan_service), before_(service_.actor()) {
        service_.set_actor(&who, r.audit.get(), r.notes.get());
    }
    ~ActingAs() { service_.set_actor(before_); }
    ActingAs(const ActingAs&) = delete;
    ActingAs& operator=(const ActingAs&) = delete;

private:
    plans::PlanService& service_;
    plans::PlanActor before_;
};
}  // namespace

std::string add_task(RecordServices& r, const core::Principal& who, core::Id plan_id,
                     const std::string& title, const std::string& assignee,
                     const std::string& due_text) {
    try {
        std::optional<LocalDate> due;
        if (!due_text.empty()) due = parse_local_date(due_text, "due");
        r.collaboration->add_task(who, plan_id, title, assignee, due, clock_now());
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

std::string add_case_note(RecordServices& r, const core::Principal& who, core::Id plan_id,
                          const std::string& text, Instant now) {
    try {
        core::NoteContent content;
        content.text = trim(text);
        const core::Id id = r.collaboration->add_case_note(who, *r.note_service, plan_id,
                                                           std::move(content), now);
        r.note_service->sign(who, id, now);
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

ScorePreview preview_score(const ScoreEntry& e) {
    ScorePreview p;
    try {
        outcomes::Observation o;
        o.measure = e.measure;
        o.note = e.note;
        std::string band;
        if (e.measure == outcomes::Measure::Odi) {
            std::vector<std::string> texts;
            for (const auto& a : e.odi_answers) texts.push_back(a.empty() ? "-" : a);
            o.odi_answers = outcomes::parse_odi_answers(texts);
            const auto s = outcomes::score_odi(o.odi_answers);
            o.value = s.percent;
            p.text = fmt::format("ODI {} % ({}), {} of 10 sections answered", number(s.percent),
                                 s.band, s.answered);
        } else {
            const std::string field = outcomes::to_string(e.measure);
            if (e.value.empty()) throw invalid(field, "type the score");
            const int v = outcomes::parse_score_integer(e.value, field);
            const auto s = e.measure == outcomes::Measure::Nrs ? outcomes::score_nrs(v)
                                                                : outcomes::score_rmdq(v);
            o.value = s.score;
            p.text = fmt::format("{} {} ({})", measure_short(e.measure), s.score, s.band);
        }
        p.observation = o;
    } catch (const Error& err) {
        // "nrs: pain rating 11 is outside 0-10" -> "NRS: pain rating 11 is outside 0-10."
        std::string why = err.what();
        const std::string prefix = err.field() + ": ";
        if (!err.field().empty() && why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
        p.text = err.kind() == ErrorKind::Invalid
                     ? error_sentence(std::make_exception_ptr(
                           Error(err.kind(), measure_short(e.measure) + ": " + why)))
                     : error_sentence(std::current_exception());
    }
    return p;
}

std::string record_score(RecordServices& r, const core::Principal& who, core::Id patient_id,
                         const ScoreEntry& entry, Instant now) {
    const auto preview = preview_score(entry);
    if (!preview.observation) return preview.text;
    try {
        auto o = *preview.observation;
        o.patient_id = patient_id;
        o.taken_at = now;
        o.recorded_by = who.name;
        ActingAs acting(r, who);
        r.plan_service->record_outcome(o);
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

std::string set_task_done(RecordServices& r, const core::Principal& who, core::Id task_id,
                          bool done) {
    try {
        r.collaboration->set_done(who, task_id, done, clock_now());
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

std::vector<core::Patient> find_patients(RecordServices& r, const std::string& text, int limit) {
    return r.book.find_patients(text, limit);
}

ChartData load_chart(RecordServices& r, const core::Principal& who, core::Id patient_id,
                     LocalDate today) {
    ChartData c;
    auto patient = r.book.patient(patient_id);
    if (!patient) throw not_found("patient " + std::to_string(patient_id));
    c.patient = *patient;
    const auto zone = r.scheduler.zone();
    std::vector<std::string> parts;
    if (patient->birth_date) {
        const date::year_month_day b{*patient->birth_date};
        const date::year_month_day t{today};
        int age = static_cast<int>(t.year()) - static_cast<int>(b.year());
        if (t.month() < b.month() || (t.month() == b.month() && t.day() < b.day())) --age;
        c.age = age;
        parts.push_back(fmt::format("{} years", age));
        parts.push_back("born " + format_date(*patient->birth_date));
    }
    if (!patient->phone.empty()) parts.push_back("phone " + patient->phone);
    if (!patient->email.empty()) parts.push_back(patient->email);
    parts.push_back(fmt::format("patient #{}", patient->id));
    std::string header;
    for (const auto& p : parts) header += (header.empty() ? "" : " · ") + p;
    c.header = header;

    std::map<core::Id, std::string> practitioner_names;
    for (const auto& p : r.book.practitioners()) practitioner_names[p.id] = p.name;
    std::map<core::Id, core::Service> services;
    for (const auto& s : r.book.services()) services[s.id] = s;
    auto prac = [&](core::Id id) {
        auto it = practitioner_names.find(id);
        return it == practitioner_names.end() ? std::string() : it->second;
    };

    // The plan and the scores through the plan service, as `who` (assessment.read and the care
    // team, or break-glass; audited). Without them the chart shows no clinical data.
    ActingAs acting(r, who);
    std::vector<plans::TreatmentPlan> all_plans;
    std::vector<outcomes::Observation> observations;
    try {
        all_plans = r.plan_service->plans_for_patient(patient_id);
        observations = r.plan_service->observations(patient_id);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::PermissionDenied) throw;
        all_plans.clear();
        c.flags.push_back("No plan or scores shown: " + std::string(e.what()));
    }
    // The plan: the active one, else the newest draft.
    std::optional<plans::TreatmentPlan> plan;
    for (const auto& p : all_plans)
        if (p.status == plans::PlanStatus::Active && (!plan || p.id > plan->id)) plan = p;
    if (!plan)
        for (const auto& p : all_plans)
            if (p.status == plans::PlanStatus::Draft && (!plan || p.id > plan->id)) plan = p;

    std::optional<double> nrs_target, odi_target;
    if (plan) {
        const auto& p = *plan;
        const auto counts = r.plan_service->session_counts(p.id);
        c.has_plan = true;
        c.plan_id = p.id;
        c.plan_title = p.title;
        c.plan_status = plans::to_string(p.status);
        c.plan_start = p.start_date;
        for (const auto& d : p.review_dates)
            if (d >= today && (!c.next_review || d < *c.next_review)) c.next_review = d;
        for (const auto& g : p.goals) {
            std::string line;
            if (g.measure && g.target) {
                line = fmt::format("{} to {} or lower", measure_short(*g.measure), number(*g.target));
                if (g.baseline) line += fmt::format(" (baseline {})", number(*g.baseline));
                if (*g.measure == outcomes::Measure::Nrs) nrs_target = g.target;
                if (*g.measure == outcomes::Measure::Odi) odi_target = g.target;
            } else {
                line = g.description;
            }
            line += " by " + format_date(g.target_date);
            if (g.achieved) line += " — achieved";
            c.goals.push_back(line);
        }
        for (const auto& comp : p.components) {
            if (!comp.active) continue;
            ComponentRow row;
            row.title = comp.title;
            row.kind = human_key(plans::to_string(comp.kind));
            row.practitioner = prac(comp.practitioner_id);
            const auto it = counts.find(comp.id);
            row.done = it == counts.end() ? comp.sessions_completed : it->second.completed;
            row.booked = it == counts.end() ? 0 : it->second.upcoming;
            row.planned = comp.planned_sessions();
            row.left = std::max(0, row.planned - row.done);
            c.components.push_back(row);
        }
        for (const auto& m : p.care_team)
            c.care_team.push_back(prac(m.practitioner_id) + " — " + human_key(m.role) +
                                  (m.lead ? " (lead)" : ""));
        // Who a task can be given to: the users working as the care team, and whoever is
        // signed in. A login that may not list users (PostgreSQL grants) offers the team only.
        try {
            for (const auto& u : r.users->list()) {
                if (!u.active || !u.practitioner_id) continue;
                for (const auto& m : p.care_team)
                    if (m.practitioner_id == *u.practitioner_id)
                        c.assignees.push_back({u.name, u.name + " (" + prac(m.practitioner_id) +
                                                           ", " + human_key(m.role) + ")"});
            }
        } catch (const Error&) {
        }
        bool listed = false;
        for (const auto& a : c.assignees) listed = listed || a.user == who.name;
        if (!listed && !who.name.empty()) c.assignees.push_back({who.name, who.name + " (me)"});
        try {
            const auto review = r.plan_service->review(p.id, today);
            if (!review.flag.empty()) c.flags.push_back("Review: " + review.flag);
            c.review_sentence = review.suggestion;
        } catch (const Error& e) {
            c.review_sentence = e.what();
        }
        for (const auto& [component, finding] : p.unacknowledged_findings()) {
            (void)component;
            c.flags.push_back("Finding to acknowledge: " + finding.reason);
        }
        for (const auto& v : p.versions)
            c.timeline.push_back({v.at, "plan", "Plan: " + v.summary + " (" + v.author + ")"});
        for (const auto& comp : p.components)
            if (comp.medication)
                c.timeline.push_back({zone.start_of_day(p.start_date), "medication",
                                      "Medication started: " + comp.medication->name + " — " +
                                          comp.title});
        if (c.next_review && *c.next_review <= today + date::days{7})
            c.tasks.push_back({0, "Review the plan (" + c.plan_title + ")", "", c.next_review,
                               false, false});
        for (const auto& [component, finding] : p.unacknowledged_findings()) {
            (void)component;
            c.tasks.push_back({0, "Acknowledge: " + finding.reason, "", std::nullopt, false, false});
        }
    }

    c.nrs = make_trend(outcomes::Measure::Nrs, observations, zone, nrs_target);
    c.odi = make_trend(outcomes::Measure::Odi, observations, zone, odi_target);
    for (const auto& o : observations)
        c.timeline.push_back({o.taken_at, "score",
                              fmt::format("{} {}{}", measure_short(o.measure), number(o.value),
                                          o.measure == outcomes::Measure::Odi ? " %" : "")});

    // The care team's tasks on the plan, then reminders the chart derives below.
    std::vector<TaskRow> reminders;
    reminders.swap(c.tasks);
    if (c.has_plan && who.has(core::Permission::AssessmentRead)) {
        try {
            for (const auto& t : r.collaboration->tasks(who, c.plan_id, clock_now()))
                c.tasks.push_back({t.id, t.title, t.assignee, t.due, t.done, t.overdue(today)});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::PermissionDenied) throw;
        }
    }
    // The timeline: core's PatientTimeline when this user may read clinical data.
    bool core_timeline = false;
    if (who.has(core::Permission::AssessmentRead)) {
        try {
            auto entries = r.collaboration->timeline(who, patient_id, clock_now(), zone);
            std::vector<TimelineEntry> plan_entries;
            for (auto& e : c.timeline)
                if (e.kind == "medication") plan_entries.push_back(e);  // in the plan
            c.timeline = plan_entries;
            for (const auto& e : entries)
                c.timeline.push_back({e.at, e.kind, e.detail.empty() ? e.title : e.title + " — " + e.detail});
            core_timeline = true;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::PermissionDenied) throw;
        }
    }

    // Appointments, injections and their notes.
    core::AppointmentQuery q;
    q.from = from_epoch(0);
    q.to = from_epoch(4102444800);  // 2100
    q.patient_id = patient_id;
    const auto appts = r.book.appointments(q);
    const bool may_read_status = who.has(core::Permission::NoteStatus);
    for (const auto& a : appts) {
        std::string service = "Appointment";
        bool injection = false;
        if (a.service_id) {
            const auto it = services.find(*a.service_id);
            if (it != services.end()) {
                service = it->second.name;
                injection = it->second.module_id == "injections";
            }
        }
        std::string text = fmt::format("{} with {} — {}", service, prac(a.practitioner_id),
                                       core::to_string(a.status));
        if (a.status == core::AppointmentStatus::Cancelled && !a.cancel_reason.empty())
            text += " (" + a.cancel_reason + ")";
        if (!core_timeline) c.timeline.push_back({a.start, injection ? "injection" : "appointment", text});
        if (!may_read_status) continue;
        if (const auto note = r.notes->status_for_appointment(a.id)) {
            if (note->status == core::NoteStatus::Signed) {
                if (!core_timeline)
                    c.timeline.push_back({note->signed_at.value_or(a.end), "note",
                                          "Note signed by " + note->author + " (" + service + ")"});
            } else {
                if (!core_timeline)
                    c.timeline.push_back({a.end, "note", "Draft note by " + note->author + " (" +
                                                             service + ")"});
                reminders.push_back({0, "Sign the note of " + zone.format_short(a.start) + " " + service,
                                   note->author, zone.local_date(a.start), false,
                                   zone.local_date(a.start) < today});
            }
        }
    }
    for (auto& t : reminders) c.tasks.push_back(std::move(t));
    std::stable_sort(c.timeline.begin(), c.timeline.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.at > b.at; });
    return c;
}

}  // namespace vertebra::ui
