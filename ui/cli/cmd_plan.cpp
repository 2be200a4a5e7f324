// Treatment-plan commands: assess, outcome record/list, plan templates/create/show/list/
// add-component/acknowledge/status/schedule/review — the whole plan flow, headless.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cli.hpp"
#include "vertebra/common/json_number.hpp"
#include "vertebra/plans/plan_service.hpp"

namespace vertebra::ui::cli {

using core::Id;
using nlohmann::json;
namespace plans = core::plans;
namespace outcomes = core::outcomes;

namespace {

std::string current_user() {
    for (const char* var : {"VERTEBRA_USER", "USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return "unknown";
}

/// The author recorded on the change: the signed-in user (--user), whom --by cannot contradict;
/// without --user, --by or $VERTEBRA_USER/$USER (the audit log names the database login).
std::string author(Context& ctx, const std::string& by) {
    if (ctx.user.empty()) return by.empty() ? current_user() : by;
    const std::string& name = actor(ctx).name;
    if (!by.empty() && by != name)
        throw invalid("by", "signed in as " + name + "; --by cannot name another user");
    return name;
}

Instant now_utc() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

LocalDate clinic_today(Context& ctx) { return ctx.scheduler().zone().local_date(now_utc()); }

/// "name" or "name:class" (e.g. naproxen:nsaid).
plugin_api::Medication parse_medication(const std::string& s) {
    auto c = s.find(':');
    if (s.empty() || c == 0) throw invalid("medication", "give NAME or NAME:CLASS");
    if (c == std::string::npos) return {s, ""};
    return {s.substr(0, c), s.substr(c + 1)};
}

/// "KEY=VALUE"; Invalid naming `field` otherwise.
std::pair<std::string, std::string> parse_pair(const std::string& s, const std::string& field) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
        throw invalid(field, "'" + s + "' is not KEY=VALUE");
    return {s.substr(0, eq), s.substr(eq + 1)};
}

Id parse_id(const std::string& s, const std::string& field) {
    try {
        std::size_t n = 0;
        long long v = std::stoll(s, &n);
        if (n == s.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw invalid(field, "'" + s + "' is not an id");
}

/// A complete red-flag screen: the listed flags present, every other flag of the rules absent.
std::vector<plans::RedFlagAnswer> screen_with(const std::vector<std::string>& present) {
    const auto& rules = plans::default_clinical_rules().red_flags;
    for (const auto& p : present)
        if (!rules.find(p)) {
            std::string known;
            for (const auto& f : rules.flags) known += (known.empty() ? "" : ", ") + f.id;
            throw invalid("red-flag", "'" + p + "' is not a red flag (known: " + known + ")");
        }
    std::vector<plans::RedFlagAnswer> out;
    for (const auto& f : rules.flags)
        out.push_back({f.id, std::find(present.begin(), present.end(), f.id) != present.end()});
    return out;
}

/// The process's plan service over the context's database, scheduler and modules.
struct PlanRuntime {
    std::unique_ptr<core::AuditRepository> audit;
    std::unique_ptr<core::NoteRepository> care_team;
    std::unique_ptr<plans::AssessmentRepository> assessments;
    std::unique_ptr<plans::OutcomeRepository> outcomes;
    std::unique_ptr<plans::PlanRepository> plans;
    std::unique_ptr<plans::PlanService> service;
};

/// Checked and audited as actor(ctx): the signed-in user, else the database login.
plans::PlanService& service(Context& ctx) {
    static PlanRuntime rt;
    if (!rt.service) {
        core::Principal& who = actor(ctx);  // sign in first: the connection is the user's
        auto& db = ctx.database();
        rt.assessments = db.assessments();
        rt.outcomes = db.outcomes();
        rt.plans = db.plans();
        plans::PlanServiceHooks hooks;
        hooks.module_enabled = [&ctx](const std::string& module_id) {
            return module_id.empty() || module_registry(ctx, true).is_enabled(module_id);
        };
        hooks.module_checks = [&ctx](const plans::PlanComponent& c, const plans::Assessment& a) {
            std::vector<plugin_api::Finding> out;
            if (c.module_id.empty()) return out;
            const auto* m = module_registry(ctx, true).active(c.module_id);
            if (!m) return out;
            plugin_api::PlannedService planned;
            planned.module_id = c.module_id;
            planned.date = a.assessed_on;
            planned.details = {{"kind", plans::to_string(c.kind)}, {"title", c.title}};
            return m->check_contraindications(plans::to_patient_record(a), planned);
        };
        rt.service = std::make_unique<plans::PlanService>(
            *rt.assessments, *rt.outcomes, *rt.plans, db.scheduling(), ctx.scheduler(),
            std::move(hooks));
        rt.audit = db.audit();
        rt.care_team = db.notes();
        // A plan's sessions are booked by the same actor: ctx.scheduler() acts as actor(ctx).
        rt.service->set_actor(&who, rt.audit.get(), rt.care_team.get());
    }
    return *rt.service;
}

const plans::PlanTemplate& find_template(const std::vector<plans::PlanTemplate>& all,
                                         const std::string& id) {
    for (const auto& t : all)
        if (t.id == id) return t;
    std::string known;
    for (const auto& t : all) known += (known.empty() ? "" : ", ") + t.id;
    throw Error(ErrorKind::NotFound, "plan template '" + id + "' not found (templates: " +
                                         known + ")");
}

json plan_json(plans::PlanService& svc, const plans::TreatmentPlan& p) {
    json j = p;
    auto counts = svc.session_counts(p.id);
    for (auto& c : j["components"]) {
        auto it = counts.find(json_integer<Id>(c["id"], "id"));
        c["sessions_upcoming"] = it == counts.end() ? 0 : it->second.upcoming;
    }
    j["unacknowledged_findings"] = json::array();
    for (const auto& [cid, f] : p.unacknowledged_findings())
        j["unacknowledged_findings"].push_back(
            {{"component_id", cid},
             {"rule", f.rule},
             {"severity", plugin_api::to_string(f.severity)},
             {"reason", f.reason}});
    return j;
}

// ---- assess ----------------------------------------------------------------------------------

struct AssessArgs {
    std::string file, patient, date, by, complaint, pattern, onset, notes;
    int duration_weeks = -1, prior_weeks = -1;
    double egfr = -1, hba1c = -1;
    bool motor_weakness = false;
    std::vector<std::string> causes, diagnoses, red_flags, conditions, medications, flags, baseline;
};

void run_assess(Context& ctx, const AssessArgs& in) {
    plans::Assessment a;
    if (!in.file.empty()) {
        std::ifstream f(in.file);
        if (!f) throw invalid("file", "cannot read " + in.file);
        try {
            a = json::parse(f).get<plans::Assessment>();
        } catch (const json::exception& e) {
            throw invalid("file", in.file + " is not an assessment: " + e.what());
        }
    } else {
        a.assessed_on = clinic_today(ctx);
        // Flags only: the screen is complete (the flags given are present, the rest absent).
        a.red_flags = screen_with(in.red_flags);
    }
    if (!in.patient.empty()) a.patient_id = parse_id(in.patient, "patient");
    if (a.patient_id <= 0) throw invalid("patient", "give --patient ID (or patient_id in the file)");
    if (!in.date.empty()) a.assessed_on = parse_local_date(in.date, "date");
    a.assessed_by = author(ctx, !in.by.empty() ? in.by : a.assessed_by);
    if (!in.complaint.empty()) a.presenting_complaint = in.complaint;
    if (!in.pattern.empty()) a.pain_pattern = plans::pain_pattern_from_string(in.pattern);
    if (!in.onset.empty()) a.onset = parse_local_date(in.onset, "onset");
    if (!in.notes.empty()) a.notes = in.notes;
    if (in.duration_weeks >= 0) a.duration_weeks = in.duration_weeks;
    if (in.prior_weeks >= 0) a.prior_conservative_care_weeks = in.prior_weeks;
    if (in.egfr >= 0) a.egfr = in.egfr;
    if (in.hba1c >= 0) a.hba1c = in.hba1c;
    if (in.motor_weakness) a.objective_motor_weakness = true;
    for (const auto& c : in.causes) a.causes.push_back(c);
    for (std::size_t i = 0; i < in.diagnoses.size(); ++i)
        a.diagnoses.push_back({in.diagnoses[i], "", a.diagnoses.empty() && i == 0});
    if (!in.file.empty() && !in.red_flags.empty()) a.red_flags = screen_with(in.red_flags);
    for (const auto& c : in.conditions) a.conditions.push_back({"", c, std::nullopt, true});
    for (const auto& m : in.medications) a.medications.push_back(parse_medication(m));
    for (const auto& f : in.flags) a.flags.push_back(f);
    for (const auto& b : in.baseline) {
        auto [m, v] = parse_pair(b, "baseline");
        outcomes::Observation o;
        o.measure = outcomes::measure_from_string(m, "baseline");
        try {
            o.value = std::stod(v);
        } catch (const std::exception&) {
            throw invalid("baseline", "'" + v + "' is not a number");
        }
        o.taken_at = ctx.scheduler().zone().start_of_day(a.assessed_on) + std::chrono::hours{12};
        o.recorded_by = a.assessed_by;
        a.baseline.push_back(o);
    }
    auto& svc = service(ctx);
    Id id = svc.record_assessment(a);
    auto t = plans::triage(a.red_flags);
    if (ctx.json) {
        ctx.print_json({{"id", id}, {"triage", t}});
    } else {
        std::cout << id << "\n";
        if (t.escalate) std::cerr << "RED FLAG: " << t.action << "\n";
    }
}

// ---- outcome ---------------------------------------------------------------------------------

struct OutcomeArgs {
    Id patient = 0, plan = 0;
    std::string measure, value, date, at, by, note;
    std::vector<std::string> answers;
};

void run_outcome_record(Context& ctx, const OutcomeArgs& in) {
    outcomes::Observation o;
    o.patient_id = in.patient;
    if (in.plan > 0) o.plan_id = in.plan;
    o.measure = outcomes::measure_from_string(in.measure);
    if (o.measure == outcomes::Measure::Odi && !in.answers.empty()) {
        o.odi_answers = outcomes::parse_odi_answers(in.answers);
        o.value = outcomes::score_odi(o.odi_answers).percent;
        if (!in.value.empty()) throw invalid("value", "give --value or --answers, not both");
    } else if (o.measure == outcomes::Measure::Odi) {
        if (in.value.empty()) throw invalid("value", "give --value PERCENT or --answers A1 ... A10");
        try {
            std::size_t n = 0;
            o.value = std::stod(in.value, &n);
            if (n != in.value.size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            throw invalid("value", "'" + in.value + "' is not a number");
        }
    } else {
        if (!in.answers.empty()) throw invalid("answers", "only ODI has section answers");
        if (in.value.empty()) throw invalid("value", "give --value");
        o.value = outcomes::parse_score_integer(in.value, outcomes::to_string(o.measure));
    }
    if (!in.at.empty()) {
        o.taken_at = outcomes::parse_utc(in.at, "at");
    } else {
        LocalDate d = in.date.empty() ? clinic_today(ctx) : parse_local_date(in.date, "date");
        o.taken_at = ctx.scheduler().zone().start_of_day(d) + std::chrono::hours{12};
    }
    o.recorded_by = author(ctx, in.by);
    o.note = in.note;
    Id id = service(ctx).record_outcome(o);
    if (ctx.json)
        ctx.print_json({{"id", id},
                        {"measure", outcomes::to_string(o.measure)},
                        {"value", o.value},
                        {"band", outcomes::band_of(o.measure, o.value)}});
    else
        std::cout << id << "\n";
}

}  // namespace

void register_plan_commands(CLI::App& app, Context& ctx) {
    // ---- assess ----
    {
        auto a = std::make_shared<AssessArgs>();
        auto* cmd = app.add_subcommand(
            "assess", "Record an assessment (from a JSON file and/or flags); prints its id");
        cmd->add_option("--file", a->file, "Assessment JSON (the shape of docs/plans.md)");
        cmd->add_option("--patient", a->patient, "Patient id");
        cmd->add_option("--date", a->date, "Date assessed, YYYY-MM-DD (default: today)");
        cmd->add_option("--by", a->by, "Who assessed (default: $VERTEBRA_USER, $USER)");
        cmd->add_option("--complaint", a->complaint, "Presenting complaint");
        cmd->add_option("--onset", a->onset, "Onset date, YYYY-MM-DD");
        cmd->add_option("--duration-weeks", a->duration_weeks, "Duration of the pain in weeks");
        cmd->add_option("--pattern", a->pattern, "axial or radicular");
        cmd->add_flag("--motor-weakness", a->motor_weakness, "Objective motor weakness");
        cmd->add_option("--cause", a->causes, "Contributing cause id (repeatable)");
        cmd->add_option("--diagnosis", a->diagnoses,
                        "ICD-10-CM code, checked for the date (repeatable; the first is primary)");
        cmd->add_option("--red-flag", a->red_flags,
                        "Red flag present (repeatable); every other flag counts as screened absent");
        cmd->add_option("--condition", a->conditions, "Condition, e.g. osteoporosis (repeatable)");
        cmd->add_option("--medication", a->medications, "NAME or NAME:CLASS (repeatable)");
        cmd->add_option("--flag", a->flags, "pacemaker, icd, pregnant, ... (repeatable)");
        cmd->add_option("--egfr", a->egfr, "eGFR, mL/min/1.73 m2");
        cmd->add_option("--hba1c", a->hba1c, "HbA1c, %");
        cmd->add_option("--prior-weeks", a->prior_weeks, "Weeks of conservative care before");
        cmd->add_option("--baseline", a->baseline, "Baseline score MEASURE=VALUE, e.g. odi=46");
        cmd->add_option("--notes", a->notes, "Notes");
        cmd->callback([&ctx, a] { run_assess(ctx, *a); });
    }

    // ---- outcome ----
    {
        auto* grp = app.add_subcommand("outcome", "Outcome scores (NRS, ODI, RMDQ) over time");
        grp->require_subcommand(1);
        auto o = std::make_shared<OutcomeArgs>();
        auto* rec = grp->add_subcommand("record", "Record a score; prints its id");
        rec->add_option("--patient", o->patient, "Patient id")->required();
        rec->add_option("--measure", o->measure, "nrs, odi or rmdq")->required();
        rec->add_option("--value", o->value, "NRS 0-10, RMDQ 0-24, or ODI percent");
        rec->add_option("--answers", o->answers, "ODI: ten section answers 0-5 or -")
            ->expected(10);
        rec->add_option("--date", o->date, "Date taken, YYYY-MM-DD (default: today)");
        rec->add_option("--at", o->at, "Instant taken, YYYY-MM-DDTHH:MM:SSZ");
        rec->add_option("--plan", o->plan, "Plan id (default: the patient's current plan)");
        rec->add_option("--by", o->by, "Who recorded it");
        rec->add_option("--note", o->note, "Note");
        rec->callback([&ctx, o] { run_outcome_record(ctx, *o); });

        auto l = std::make_shared<OutcomeArgs>();
        auto* list = grp->add_subcommand("list", "A patient's scores in time order (JSON)");
        list->add_option("--patient", l->patient, "Patient id")->required();
        list->add_option("--measure", l->measure, "nrs, odi or rmdq");
        list->add_option("--plan", l->plan, "Only this plan's scores");
        list->callback([&ctx, l] {
            std::optional<outcomes::Measure> m;
            if (!l->measure.empty()) m = outcomes::measure_from_string(l->measure);
            std::optional<Id> plan;
            if (l->plan > 0) plan = l->plan;
            ctx.print_json(json(service(ctx).observations(l->patient, m, plan)));
        });
    }

    // ---- plan ----
    auto* grp = app.add_subcommand("plan", "Treatment plans");
    grp->require_subcommand(1);

    grp->add_subcommand("templates", "Plan templates (JSON array)")->callback([&ctx] {
        json arr = json::array();
        for (const auto& t : plans::shipped_plan_templates()) arr.push_back(plans::to_json(t));
        ctx.print_json(arr);
    });

    {
        struct Args {
            Id patient = 0, assessment = 0;
            std::string tmpl, start, by;
            std::vector<std::string> assign;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand("create", "A draft plan from a template; prints its id");
        cmd->add_option("--patient", a->patient, "Patient id")->required();
        cmd->add_option("--template", a->tmpl, "Template id (see plan templates)")->required();
        cmd->add_option("--assessment", a->assessment,
                        "Assessment id (default: the patient's newest, if any)");
        cmd->add_option("--start", a->start, "Start date, YYYY-MM-DD (default: today)");
        cmd->add_option("--assign", a->assign,
                        "ROLE=PRACTITIONER_ID or KIND=PRACTITIONER_ID (repeatable); other roles "
                        "get the first active practitioner of a fitting discipline");
        cmd->add_option("--by", a->by, "Author of the plan");
        cmd->callback([&ctx, a] {
            auto all = plans::shipped_plan_templates();
            const auto& t = find_template(all, a->tmpl);
            std::map<std::string, Id> chosen;
            for (const auto& s : a->assign) {
                auto [key, value] = parse_pair(s, "assign");
                Id pid = parse_id(value, "assign");
                bool known = false;
                for (const auto& role : plans::care_roles())
                    if (role == key) known = true;
                if (known) {
                    chosen[key] = pid;
                    continue;
                }
                auto kind = plans::component_kind_from_string(key, "assign");
                for (const auto& c : t.components)
                    if (c.kind == kind) {
                        chosen[c.role] = pid;
                        known = true;
                    }
                if (!known)
                    throw invalid("assign", std::string("template ") + t.id + " has no " +
                                                plans::to_string(kind) + " component");
            }
            auto staff = ctx.database().scheduling().practitioners();
            for (const auto& [role, pid] : chosen) {
                auto it = std::find_if(staff.begin(), staff.end(),
                                       [pid = pid](const auto& p) { return p.id == pid; });
                if (it == staff.end()) throw not_found("practitioner " + std::to_string(pid));
                if (!it->active) throw invalid("assign", it->name + " is inactive");
            }
            auto assign = [chosen, staff](const std::string& role) -> std::optional<Id> {
                if (auto it = chosen.find(role); it != chosen.end()) return it->second;
                return plans::practitioner_for_role(staff, role);
            };
            LocalDate start = a->start.empty() ? clinic_today(ctx)
                                               : parse_local_date(a->start, "start");
            std::optional<Id> assessment;
            if (a->assessment > 0) assessment = a->assessment;
            Id id = service(ctx).create_from_template(t, a->patient, start, assessment,
                                                      author(ctx, a->by), assign);
            ctx.print_id(id);
        });
    }

    {
        auto id = std::make_shared<Id>(0);
        auto* cmd = grp->add_subcommand("show", "A plan as JSON: goals, components, team, versions");
        cmd->add_option("id", *id, "Plan id")->required();
        cmd->callback([&ctx, id] {
            auto& svc = service(ctx);
            ctx.print_json(plan_json(svc, svc.plan(*id)));
        });
    }

    {
        auto patient = std::make_shared<Id>(0);
        auto* cmd = grp->add_subcommand("list", "A patient's plans (JSON: id, title, status, version)");
        cmd->add_option("--patient", *patient, "Patient id")->required();
        cmd->callback([&ctx, patient] {
            json arr = json::array();
            for (const auto& p : service(ctx).plans_for_patient(*patient))
                arr.push_back({{"id", p.id},
                               {"title", p.title},
                               {"template_id", p.template_id},
                               {"status", plans::to_string(p.status)},
                               {"start_date", format_date(p.start_date)},
                               {"version", p.version()}});
            ctx.print_json(arr);
        });
    }

    {
        struct Args {
            Id plan = 0, practitioner = 0, service_id = 0;
            std::string kind, title, role, notes, medication, by;
            int per_week = 0, weeks = 0, sessions = 0, minutes = 30, spacing = 1;
            std::vector<std::string> acks;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand(
            "add-component",
            "Add a component (contraindication checks run; findings need --ack); prints its id");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("--kind", a->kind,
                        "medication, physical_therapy, occupational_therapy, chiropractic, "
                        "acupuncture, massage, lifestyle, injections, surgery_referral, "
                        "psychological_support")
            ->required();
        cmd->add_option("--title", a->title, "Title");
        cmd->add_option("--practitioner", a->practitioner, "Responsible practitioner id");
        cmd->add_option("--role", a->role, "Care-team role, if the practitioner is not on the team");
        cmd->add_option("--service", a->service_id, "Service id booked for its sessions");
        cmd->add_option("--per-week", a->per_week, "Sessions per week (0 = not scheduled)");
        cmd->add_option("--weeks", a->weeks, "Duration in weeks");
        cmd->add_option("--sessions", a->sessions, "Number of sessions (wins over --weeks)");
        cmd->add_option("--minutes", a->minutes, "Minutes per session (default 30)");
        cmd->add_option("--spacing", a->spacing, "Minimum days between sessions (default 1)");
        cmd->add_option("--medication", a->medication, "NAME or NAME:CLASS (kind medication)");
        cmd->add_option("--notes", a->notes, "Notes");
        cmd->add_option("--ack", a->acks, "RULE=REASON acknowledging a finding (repeatable)");
        cmd->add_option("--by", a->by, "Author of the change");
        cmd->callback([&ctx, a] {
            plans::PlanComponent c;
            c.kind = plans::component_kind_from_string(a->kind);
            c.module_id = plans::default_module_id(c.kind);
            c.title = a->title;
            c.practitioner_id = a->practitioner;
            if (a->service_id > 0) c.service_id = a->service_id;
            c.per_week = a->per_week;
            if (a->weeks > 0) c.duration_weeks = a->weeks;
            if (a->sessions > 0) c.session_count = a->sessions;
            c.session_minutes = a->minutes;
            c.min_spacing_days = a->spacing;
            c.notes = a->notes;
            if (!a->medication.empty()) c.medication = parse_medication(a->medication);
            std::vector<plans::Acknowledgement> acks;
            for (const auto& s : a->acks) {
                auto [rule, reason] = parse_pair(s, "ack");
                acks.push_back({rule, reason, "", Instant{}});
            }
            auto& svc = service(ctx);
            Id cid = svc.add_component(a->plan, c, author(ctx, a->by), acks, a->role);
            auto p = svc.plan(a->plan);
            const auto* added = p.component(cid);
            auto open = added->unacknowledged();
            if (ctx.json) {
                json findings = json::array(), pending = json::array();
                for (const auto& f : added->findings)
                    findings.push_back({{"rule", f.rule}, {"severity", plugin_api::to_string(f.severity)},
                                        {"reason", f.reason}});
                for (const auto& f : open) pending.push_back(f.rule);
                ctx.print_json({{"id", cid}, {"findings", findings}, {"unacknowledged", pending}});
            } else {
                std::cout << cid << "\n";
                for (const auto& f : open)
                    std::cerr << "finding to acknowledge (" << plugin_api::to_string(f.severity)
                              << ") " << f.rule << ": " << f.reason << "\n";
            }
        });
    }

    {
        struct Args {
            Id plan = 0, component = 0;
            std::string rule, reason, by;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand("acknowledge",
                                        "Acknowledge a component's finding with a reason");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("--component", a->component, "Component id")->required();
        cmd->add_option("--rule", a->rule, "The finding's rule id")->required();
        cmd->add_option("--reason", a->reason, "Why it is acceptable")->required();
        cmd->add_option("--by", a->by, "Who acknowledges");
        cmd->callback([&ctx, a] {
            service(ctx).acknowledge(a->plan, a->component, a->rule, a->reason,
                                     author(ctx, a->by));
            if (ctx.json) ctx.print_json({{"acknowledged", true}});
        });
    }

    {
        struct Args {
            Id plan = 0;
            std::string status, by;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand("status", "Set draft, active, completed or stopped");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("status", a->status, "draft, active, completed or stopped")->required();
        cmd->add_option("--by", a->by, "Who changes it");
        cmd->callback([&ctx, a] {
            service(ctx).set_status(a->plan, plans::plan_status_from_string(a->status),
                                    author(ctx, a->by));
            if (ctx.json) ctx.print_json({{"status", a->status}});
        });
    }

    {
        struct Args {
            Id plan = 0;
            std::string from, day_start, by;
            bool dry_run = false;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand(
            "schedule", "Book the plan's remaining sessions, all or nothing; prints their ids");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("--from", a->from, "First day, YYYY-MM-DD")->required();
        cmd->add_option("--day-start", a->day_start, "Earliest time of day, HH:MM (default 08:00)");
        cmd->add_flag("--dry-run", a->dry_run, "Preview: list the sessions, book nothing");
        cmd->add_option("--by", a->by, "Who books");
        cmd->callback([&ctx, a] {
            plans::ScheduleOptions opt;
            opt.from = parse_local_date(a->from, "from");
            if (!a->day_start.empty()) opt.day_start_minutes = parse_hhmm(a->day_start, "day-start");
            auto& svc = service(ctx);
            if (a->dry_run) {
                auto preview = svc.preview_schedule(a->plan, opt);
                if (ctx.json) {
                    ctx.print_json(json(preview));
                    return;
                }
                for (const auto& b : preview.schedule.bookings)
                    std::cout << date::format("%Y-%m-%d %H:%M", b.start) << " " << b.minutes
                              << " min  component #" << b.component_id << " "
                              << plans::to_string(b.kind) << " session " << b.session_number
                              << "  practitioner " << b.practitioner_id << "\n";
                for (const auto& p : preview.schedule.problems) std::cout << "problem: " << p << "\n";
                for (const auto& c : preview.conflicts) std::cout << "conflict: " << c << "\n";
                return;
            }
            auto result = svc.book_schedule(a->plan, opt, author(ctx, a->by));
            if (!result.booked() &&
                (!result.schedule.problems.empty() || !result.conflicts.empty())) {
                std::string why;
                for (const auto& p : result.schedule.problems) why += "\n  " + p;
                for (const auto& c : result.conflicts) why += "\n  " + c;
                throw Error(ErrorKind::Conflict,
                            "conflict: nothing was booked (all or nothing):" + why);
            }
            if (ctx.json)
                ctx.print_json(json(result));
            else
                for (Id id : result.appointment_ids) std::cout << id << "\n";
        });
    }

    {
        struct Args {
            Id plan = 0, appointment = 0;
            std::string start, by;
            bool dry_run = false;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand(
            "move", "Move one booked session and re-flow the later ones of its component");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("--appointment", a->appointment, "Appointment id of the session")
            ->required();
        cmd->add_option("--start", a->start, "New local start, YYYY-MM-DDTHH:MM")->required();
        cmd->add_flag("--dry-run", a->dry_run, "Show the moves, change nothing");
        cmd->add_option("--by", a->by, "Who moves it");
        cmd->callback([&ctx, a] {
            auto r = service(ctx).move_session(a->plan, a->appointment,
                                               parse_local_datetime(a->start, "start"),
                                               a->dry_run, author(ctx, a->by));
            if (!a->dry_run && !r.applied && !r.problems.empty()) {
                std::string why;
                for (const auto& p : r.problems) why += "\n  " + p;
                throw Error(ErrorKind::Conflict, "conflict: nothing was moved:" + why);
            }
            if (ctx.json || a->dry_run) {
                ctx.print_json(json(r));
                return;
            }
            for (const auto& m : r.moves)
                std::cout << m.appointment_id << " " << date::format("%Y-%m-%dT%H:%M", m.to)
                          << "\n";
        });
    }

    {
        struct Args {
            Id plan = 0;
            std::string date;
            std::vector<std::string> red_flags;
            bool screened = false;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = grp->add_subcommand(
            "review", "Compare the latest scores with baseline: outcome, flag, suggestion (JSON)");
        cmd->add_option("id", a->plan, "Plan id")->required();
        cmd->add_option("--date", a->date, "Review date, YYYY-MM-DD (default: today)");
        cmd->add_option("--red-flag", a->red_flags,
                        "A red flag found at review (repeatable; a fresh screen: others absent)");
        cmd->add_flag("--screened", a->screened,
                      "A fresh red-flag screen was done at review and found none");
        cmd->callback([&ctx, a] {
            LocalDate on = a->date.empty() ? clinic_today(ctx) : parse_local_date(a->date, "date");
            std::optional<std::vector<plans::RedFlagAnswer>> screen;
            if (a->screened || !a->red_flags.empty()) screen = screen_with(a->red_flags);
            auto r = service(ctx).review(a->plan, on, screen);
            json j = r;
            j["plan_id"] = a->plan;
            ctx.print_json(j);
        });
    }
}

}  // namespace vertebra::ui::cli
