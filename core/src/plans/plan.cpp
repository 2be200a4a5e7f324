// Treatment-plan editing: validation, contraindication findings, acknowledgements, versions.
#include "vertebra/plans/plan.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::core::plans {

namespace pa = plugin_api;

namespace {

struct KindInfo {
    ComponentKind kind;
    const char* name;
    const char* module;
    bool elective;
};

constexpr std::array<KindInfo, 10> kKinds{{
    {ComponentKind::Medication, "medication", "", false},
    {ComponentKind::PhysicalTherapy, "physical_therapy", "", true},
    {ComponentKind::OccupationalTherapy, "occupational_therapy", "", true},
    {ComponentKind::Chiropractic, "chiropractic", "chiropractic", true},
    {ComponentKind::Acupuncture, "acupuncture", "acupuncture", true},
    {ComponentKind::Massage, "massage", "massage", true},
    {ComponentKind::Lifestyle, "lifestyle", "", false},
    {ComponentKind::Injections, "injections", "injections", true},
    {ComponentKind::SurgeryReferral, "surgery_referral", "surgery_referral", false},
    {ComponentKind::PsychologicalSupport, "psychological_support", "", false},
}};

const KindInfo& info(ComponentKind k) {
    return *std::find_if(kKinds.begin(), kKinds.end(), [k](const auto& i) { return i.kind == k; });
}

void record(TreatmentPlan& plan, const Author& who, std::string summary,
            std::vector<std::string> changes = {}) {
    if (who.name.empty()) throw invalid("author", "every plan change needs the name of its author");
    PlanVersion v;
    v.number = plan.version() + 1;
    v.author = who.name;
    v.at = who.at;
    v.summary = std::move(summary);
    v.changes = std::move(changes);
    plan.versions.push_back(std::move(v));
}

PlanComponent& find_component(TreatmentPlan& plan, Id id) {
    auto it = std::find_if(plan.components.begin(), plan.components.end(),
                           [id](const auto& c) { return c.id == id; });
    if (it == plan.components.end()) throw not_found("plan component #" + std::to_string(id));
    return *it;
}

std::string describe(const PlanComponent& c) {
    std::string s = fmt::format("#{} {}", c.id, to_string(c.kind));
    if (!c.title.empty()) s += " \"" + c.title + "\"";
    if (c.medication) s += " " + c.medication->name;
    if (c.per_week > 0) {
        s += fmt::format(", {}/week", c.per_week);
        if (c.session_count)
            s += fmt::format(", {} sessions", *c.session_count);
        else if (c.duration_weeks)
            s += fmt::format(" for {} weeks", *c.duration_weeks);
        s += fmt::format(", {} min", c.session_minutes);
    }
    if (c.practitioner_id) s += fmt::format(", practitioner {}", c.practitioner_id);
    return s;
}

void validate_component(const TreatmentPlan& plan, PlanComponent& c) {
    if (c.per_week < 0 || c.per_week > 14) throw invalid("per_week", "must be 0-14 sessions a week");
    if (c.duration_weeks && (*c.duration_weeks < 1 || *c.duration_weeks > 104))
        throw invalid("duration_weeks", "must be 1-104 weeks");
    if (c.session_count && (*c.session_count < 1 || *c.session_count > 200))
        throw invalid("session_count", "must be 1-200 sessions");
    if (c.per_week > 0 && !c.duration_weeks && !c.session_count)
        throw invalid("duration_weeks", "a scheduled component needs a duration in weeks or a "
                                        "session count");
    if (c.session_minutes < 5 || c.session_minutes > 480)
        throw invalid("session_minutes", "must be 5-480 minutes");
    if (c.min_spacing_days < 0 || c.min_spacing_days > 28)
        throw invalid("min_spacing_days", "must be 0-28 days");
    if (c.per_week > 0 && c.min_spacing_days * (c.per_week - 1) > 6)
        throw invalid("min_spacing_days", fmt::format("{} sessions a week cannot be {} days apart",
                                                      c.per_week, c.min_spacing_days));
    if (c.kind == ComponentKind::Medication && (!c.medication || c.medication->name.empty()))
        throw invalid("medication", "a medication component needs the medication's name");
    if (c.practitioner_id < 0) throw invalid("practitioner_id", "is not a practitioner id");
    if (c.practitioner_id > 0 && !plan.on_team(c.practitioner_id))
        throw invalid("practitioner_id", fmt::format("practitioner {} is not on the care team; add "
                                                     "them with a role first",
                                                     c.practitioner_id));
    if (c.sessions_completed < 0) throw invalid("sessions_completed", "cannot be negative");
    if (c.module_id.empty()) c.module_id = default_module_id(c.kind);
}

void run_checks(PlanComponent& c, const ComponentCheckContext& ctx,
                const std::vector<Acknowledgement>& acks,
                const std::vector<Acknowledgement>& previous) {
    if (!c.module_id.empty() && ctx.module_enabled && !ctx.module_enabled(c.module_id))
        throw Error(ErrorKind::Conflict,
                    "the " + c.module_id + " module is disabled: a " + to_string(c.kind) +
                        " component cannot be added until the owner enables it",
                    "kind");
    c.findings.clear();
    c.acknowledgements.clear();
    if (ctx.assessment) {
        const auto& rules = ctx.rules ? *ctx.rules : default_clinical_rules();
        c.findings = core_component_findings(c, *ctx.assessment, rules);
        if (ctx.module_checks) {
            auto more = ctx.module_checks(c, *ctx.assessment);
            c.findings.insert(c.findings.end(), more.begin(), more.end());
        }
    }
    for (const auto& f : c.findings) {
        auto match = [&](const Acknowledgement& a) { return a.rule == f.rule && !a.reason.empty(); };
        if (auto it = std::find_if(acks.begin(), acks.end(), match); it != acks.end())
            c.acknowledgements.push_back(*it);
        else if (auto p = std::find_if(previous.begin(), previous.end(), match); p != previous.end())
            c.acknowledgements.push_back(*p);
    }
    for (const auto& a : acks)
        if (std::none_of(c.findings.begin(), c.findings.end(),
                         [&](const auto& f) { return f.rule == a.rule; }))
            throw invalid("acknowledgements", "there is no finding \"" + a.rule + "\" to acknowledge");
}

std::vector<std::string> finding_lines(const PlanComponent& c) {
    std::vector<std::string> out;
    for (const auto& f : c.findings) {
        auto ack = std::find_if(c.acknowledgements.begin(), c.acknowledgements.end(),
                                [&](const auto& a) { return a.rule == f.rule; });
        out.push_back(fmt::format("finding on #{} [{}] {}: {}{}", c.id, severity_name(f.severity),
                                  f.rule, f.reason,
                                  ack == c.acknowledgements.end()
                                      ? std::string(" (not yet acknowledged)")
                                      : " (acknowledged: " + ack->reason + ")"));
    }
    return out;
}

nlohmann::json finding_json(const pa::Finding& f) {
    return {{"severity", severity_name(f.severity)}, {"rule", f.rule}, {"reason", f.reason},
            {"code", f.code}};
}

nlohmann::json opt(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json opt(const std::optional<Id>& v, int) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

template <class T>
std::optional<T> read_opt(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return j.at(key).get<T>();
}

}  // namespace

const char* to_string(ComponentKind k) { return info(k).name; }

ComponentKind component_kind_from_string(const std::string& s, const std::string& field) {
    for (const auto& i : kKinds)
        if (s == i.name) return i.kind;
    std::string known;
    for (const auto& i : kKinds) known += std::string(known.empty() ? "" : ", ") + i.name;
    throw invalid(field, "\"" + s + "\" is not a component kind (" + known + ")");
}

const std::vector<ComponentKind>& all_component_kinds() {
    static const std::vector<ComponentKind> kinds = [] {
        std::vector<ComponentKind> v;
        for (const auto& i : kKinds) v.push_back(i.kind);
        return v;
    }();
    return kinds;
}

std::string default_module_id(ComponentKind k) { return info(k).module; }
bool is_elective_therapy(ComponentKind k) { return info(k).elective; }

const std::vector<std::string>& care_roles() {
    static const std::vector<std::string> roles{
        "primary_care",  "pain_specialist",   "physical_therapist", "occupational_therapist",
        "chiropractor",  "acupuncturist",     "massage_therapist",  "mental_health",
        "spine_surgeon", "pharmacist",        "care_coordinator"};
    return roles;
}

const char* to_string(PlanStatus s) {
    switch (s) {
        case PlanStatus::Draft: return "draft";
        case PlanStatus::Active: return "active";
        case PlanStatus::Completed: return "completed";
        case PlanStatus::Stopped: return "stopped";
    }
    return "draft";
}

PlanStatus plan_status_from_string(const std::string& s) {
    for (auto st : {PlanStatus::Draft, PlanStatus::Active, PlanStatus::Completed, PlanStatus::Stopped})
        if (s == to_string(st)) return st;
    throw invalid("status", "\"" + s + "\" is not a plan status (draft, active, completed, stopped)");
}

int PlanComponent::planned_sessions() const {
    if (session_count) return *session_count;
    if (duration_weeks) return per_week * *duration_weeks;
    return 0;
}

int PlanComponent::remaining_sessions() const {
    return std::max(0, planned_sessions() - sessions_completed);
}

std::vector<pa::Finding> PlanComponent::unacknowledged() const {
    std::vector<pa::Finding> out;
    for (const auto& f : findings)
        if (std::none_of(acknowledgements.begin(), acknowledgements.end(),
                         [&](const auto& a) { return a.rule == f.rule && !a.reason.empty(); }))
            out.push_back(f);
    return out;
}

const PlanComponent* TreatmentPlan::component(Id cid) const {
    auto it = std::find_if(components.begin(), components.end(),
                           [cid](const auto& c) { return c.id == cid; });
    return it == components.end() ? nullptr : &*it;
}

bool TreatmentPlan::on_team(Id pid) const {
    return std::any_of(care_team.begin(), care_team.end(),
                       [pid](const auto& m) { return m.practitioner_id == pid; });
}

std::vector<std::pair<Id, pa::Finding>> TreatmentPlan::unacknowledged_findings() const {
    std::vector<std::pair<Id, pa::Finding>> out;
    for (const auto& c : components)
        if (c.active)
            for (auto& f : c.unacknowledged()) out.emplace_back(c.id, f);
    return out;
}

TreatmentPlan new_plan(Id patient_id, LocalDate start_date, const std::string& title,
                       const Author& who, const std::string& summary) {
    if (patient_id <= 0) throw invalid("patient_id", "a plan needs a patient");
    TreatmentPlan p;
    p.patient_id = patient_id;
    p.start_date = start_date;
    p.title = title;
    record(p, who, summary, {"start date " + format_date(start_date)});
    return p;
}

std::vector<pa::Finding> check_medication(const pa::Medication& m, const Assessment& a,
                                          const MedicationRules& rules) {
    std::vector<pa::Finding> out;
    const std::string cls = rules.class_of(m);
    auto takes_any = [&](const std::vector<std::string>& classes) {
        return std::any_of(a.medications.begin(), a.medications.end(), [&](const auto& cur) {
            const auto c = rules.class_of(cur);
            return std::find(classes.begin(), classes.end(), c) != classes.end();
        });
    };
    auto has_condition = [&](const std::vector<std::string>& names) {
        return std::any_of(a.conditions.begin(), a.conditions.end(), [&](const auto& c) {
            return c.active && std::find(names.begin(), names.end(), c.name) != names.end();
        });
    };
    auto has_flag = [&](const std::vector<std::string>& names) {
        return std::any_of(a.flags.begin(), a.flags.end(), [&](const auto& f) {
            return std::find(names.begin(), names.end(), f) != names.end();
        });
    };
    for (const auto& r : rules.rules) {
        if (cls.empty() || r.drug_class != cls) continue;
        if ((r.egfr_below || r.egfr_at_least) && !a.egfr) continue;
        if (r.egfr_below && !(*a.egfr < *r.egfr_below)) continue;
        if (r.egfr_at_least && !(*a.egfr >= *r.egfr_at_least)) continue;
        if (!r.takes_any_class.empty() && !takes_any(r.takes_any_class)) continue;
        if (!r.and_takes_any_class.empty() && !takes_any(r.and_takes_any_class)) continue;
        if (!r.has_any_condition.empty() && !has_condition(r.has_any_condition)) continue;
        if (!r.has_any_flag.empty() && !has_flag(r.has_any_flag)) continue;
        std::string reason = r.reason;
        if (r.egfr_below || r.egfr_at_least) reason += fmt::format(" (eGFR {:g})", *a.egfr);
        out.push_back({r.severity, r.id, reason, ""});
    }
    return out;
}

std::vector<pa::Finding> core_component_findings(const PlanComponent& c, const Assessment& a,
                                                 const ClinicalRules& rules) {
    std::vector<pa::Finding> out;
    if (c.kind == ComponentKind::Medication && c.medication)
        out = check_medication(*c.medication, a, rules.medication);
    if (is_elective_therapy(c.kind)) {
        const auto t = triage(a.red_flags, rules.red_flags);
        if (t.escalate) {
            std::string flags;
            for (const auto& p : t.present)
                if (p.tier >= rules.red_flags.escalate_from)
                    flags += (flags.empty() ? "" : "; ") + p.label;
            out.push_back({pa::Severity::Absolute, "red_flag_blocks_elective",
                           "Red flag (" + flags + "): elective therapy is blocked; " + t.action,
                           ""});
        }
    }
    return out;
}

Id add_component(TreatmentPlan& plan, PlanComponent c, const ComponentCheckContext& ctx,
                 const Author& who, std::vector<Acknowledgement> acks) {
    validate_component(plan, c);
    for (auto& a : acks) {
        if (a.by.empty()) a.by = who.name;
        if (a.at == Instant{}) a.at = who.at;
    }
    run_checks(c, ctx, acks, {});
    Id next = 1;
    for (const auto& x : plan.components) next = std::max(next, x.id + 1);
    c.id = next;
    auto changes = std::vector<std::string>{"added component " + describe(c)};
    auto lines = finding_lines(c);
    changes.insert(changes.end(), lines.begin(), lines.end());
    plan.components.push_back(std::move(c));
    record(plan, who, "component added", std::move(changes));
    return next;
}

void update_component(TreatmentPlan& plan, Id component_id, PlanComponent c,
                      const ComponentCheckContext& ctx, const Author& who,
                      std::vector<Acknowledgement> acks) {
    auto& old = find_component(plan, component_id);
    if (!old.active) throw invalid("component", "component #" + std::to_string(component_id) +
                                                    " was removed and cannot change");
    c.id = component_id;
    validate_component(plan, c);
    for (auto& a : acks) {
        if (a.by.empty()) a.by = who.name;
        if (a.at == Instant{}) a.at = who.at;
    }
    run_checks(c, ctx, acks, old.acknowledgements);
    std::vector<std::string> changes{"component " + describe(old) + " is now " + describe(c)};
    if (old.notes != c.notes) changes.push_back("notes: " + c.notes);
    auto lines = finding_lines(c);
    changes.insert(changes.end(), lines.begin(), lines.end());
    old = std::move(c);
    record(plan, who, "component changed", std::move(changes));
}

void remove_component(TreatmentPlan& plan, Id component_id, const std::string& reason,
                      const Author& who) {
    auto& c = find_component(plan, component_id);
    if (reason.empty()) throw invalid("reason", "say why the component is removed");
    if (!c.active) return;
    c.active = false;
    record(plan, who, "component removed", {"removed component " + describe(c) + ": " + reason});
}

void acknowledge(TreatmentPlan& plan, Id component_id, const std::string& rule,
                 const std::string& reason, const Author& who) {
    auto& c = find_component(plan, component_id);
    auto f = std::find_if(c.findings.begin(), c.findings.end(),
                          [&](const auto& x) { return x.rule == rule; });
    if (f == c.findings.end())
        throw invalid("rule", "component #" + std::to_string(component_id) +
                                  " has no finding \"" + rule + "\"");
    if (reason.empty())
        throw invalid("reason", f->severity == pa::Severity::Absolute
                                    ? "overriding an absolute contraindication needs a documented reason"
                                    : "acknowledging a finding needs a reason");
    std::erase_if(c.acknowledgements, [&](const auto& a) { return a.rule == rule; });
    c.acknowledgements.push_back({rule, reason, who.name, who.at});
    record(plan, who, "finding acknowledged",
           {fmt::format("{} [{}] {} on #{}: {}",
                        f->severity == pa::Severity::Absolute ? "overrode" : "acknowledged",
                        severity_name(f->severity), rule, component_id, reason)});
}

Id add_goal(TreatmentPlan& plan, Goal g, const Author& who) {
    std::string what;
    if (g.measure) {
        if (!g.target) throw invalid("target", "a measure goal needs a target score");
        const double max = outcomes::measure_max(*g.measure);
        if (*g.target < 0 || *g.target > max)
            throw invalid("target", fmt::format("must be 0-{:g}", max));
        if (g.baseline && (*g.baseline < 0 || *g.baseline > max))
            throw invalid("baseline", fmt::format("must be 0-{:g}", max));
        if (g.baseline && *g.target >= *g.baseline)
            throw invalid("target", "must be below the baseline (lower scores are better)");
        what = fmt::format("{} from {} to {:g}", outcomes::to_string(*g.measure),
                           g.baseline ? fmt::format("{:g}", *g.baseline) : std::string("?"),
                           *g.target);
    } else {
        if (g.description.empty())
            throw invalid("description", "a goal needs a measure and target, or a functional "
                                         "description");
        what = "\"" + g.description + "\"";
    }
    if (g.target_date < plan.start_date)
        throw invalid("target_date", "is before the plan starts (" + format_date(plan.start_date) + ")");
    Id next = 1;
    for (const auto& x : plan.goals) next = std::max(next, x.id + 1);
    g.id = next;
    plan.goals.push_back(g);
    record(plan, who, "goal added",
           {fmt::format("goal #{}: {} by {}", next, what, format_date(g.target_date))});
    return next;
}

void set_goal_achieved(TreatmentPlan& plan, Id goal_id, bool achieved, const Author& who) {
    auto it = std::find_if(plan.goals.begin(), plan.goals.end(),
                           [&](const auto& g) { return g.id == goal_id; });
    if (it == plan.goals.end()) throw not_found("goal #" + std::to_string(goal_id));
    it->achieved = achieved;
    record(plan, who, "goal updated",
           {fmt::format("goal #{} {}", goal_id, achieved ? "achieved" : "not achieved")});
}

void add_team_member(TreatmentPlan& plan, CareTeamMember m, const Author& who) {
    if (m.practitioner_id <= 0) throw invalid("practitioner_id", "a team member must be a practitioner");
    const auto& roles = care_roles();
    if (std::find(roles.begin(), roles.end(), m.role) == roles.end()) {
        std::string known;
        for (const auto& r : roles) known += (known.empty() ? "" : ", ") + r;
        throw invalid("role", "\"" + m.role + "\" is not a care-team role (" + known + ")");
    }
    for (const auto& x : plan.care_team)
        if (x.practitioner_id == m.practitioner_id && x.role == m.role)
            throw invalid("practitioner_id", fmt::format("practitioner {} is already on the team as {}",
                                                         m.practitioner_id, m.role));
    if (m.lead)
        for (auto& x : plan.care_team) x.lead = false;
    plan.care_team.push_back(m);
    record(plan, who, "care team changed",
           {fmt::format("added practitioner {} as {}{}", m.practitioner_id, m.role,
                        m.lead ? " (lead)" : "")});
}

void remove_team_member(TreatmentPlan& plan, Id practitioner_id, const Author& who) {
    for (const auto& c : plan.components)
        if (c.active && c.practitioner_id == practitioner_id)
            throw Error(ErrorKind::Conflict,
                        fmt::format("practitioner {} is responsible for component {}; reassign it "
                                    "first",
                                    practitioner_id, describe(c)),
                        "practitioner_id");
    const auto before = plan.care_team.size();
    std::erase_if(plan.care_team, [&](const auto& m) { return m.practitioner_id == practitioner_id; });
    if (before == plan.care_team.size())
        throw not_found("practitioner " + std::to_string(practitioner_id) + " on the care team");
    record(plan, who, "care team changed",
           {fmt::format("removed practitioner {}", practitioner_id)});
}

void set_review_dates(TreatmentPlan& plan, std::vector<LocalDate> dates, const Author& who) {
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    std::string text;
    for (const auto& d : dates) {
        if (d < plan.start_date)
            throw invalid("review_dates", format_date(d) + " is before the plan starts");
        text += (text.empty() ? "" : ", ") + format_date(d);
    }
    plan.review_dates = std::move(dates);
    record(plan, who, "review dates set", {"review on " + (text.empty() ? "(none)" : text)});
}

void set_status(TreatmentPlan& plan, PlanStatus status, const Author& who) {
    if (status == plan.status) return;
    if (status == PlanStatus::Active) {
        if (std::none_of(plan.components.begin(), plan.components.end(),
                         [](const auto& c) { return c.active; }))
            throw invalid("status", "a plan needs at least one component to become active");
        const auto open = plan.unacknowledged_findings();
        if (!open.empty()) {
            std::string list;
            for (const auto& [cid, f] : open)
                list += fmt::format("{}#{} [{}] {}: {}", list.empty() ? "" : "; ", cid,
                                    severity_name(f.severity), f.rule, f.reason);
            throw Error(ErrorKind::Conflict,
                        "acknowledge each contraindication finding with a reason before the plan "
                        "becomes active: " + list,
                        "findings");
        }
    }
    const auto from = plan.status;
    plan.status = status;
    record(plan, who, "status changed",
           {std::string("status ") + to_string(from) + " -> " + to_string(status)});
}

void to_json(nlohmann::json& j, const PlanComponent& c) {
    auto findings = nlohmann::json::array();
    for (const auto& f : c.findings) findings.push_back(finding_json(f));
    auto acks = nlohmann::json::array();
    for (const auto& a : c.acknowledgements)
        acks.push_back({{"rule", a.rule}, {"reason", a.reason}, {"by", a.by}, {"at", format_utc(a.at)}});
    j = {{"id", c.id},
         {"kind", to_string(c.kind)},
         {"title", c.title},
         {"practitioner_id", c.practitioner_id},
         {"service_id", opt(c.service_id, 0)},
         {"per_week", c.per_week},
         {"duration_weeks", opt(c.duration_weeks)},
         {"session_count", opt(c.session_count)},
         {"session_minutes", c.session_minutes},
         {"min_spacing_days", c.min_spacing_days},
         {"notes", c.notes},
         {"module_id", c.module_id},
         {"medication", c.medication ? nlohmann::json{{"name", c.medication->name},
                                                      {"drug_class", c.medication->drug_class}}
                                     : nlohmann::json(nullptr)},
         {"findings", findings},
         {"acknowledgements", acks},
         {"planned_sessions", c.planned_sessions()},
         {"sessions_completed", c.sessions_completed},
         {"active", c.active}};
}

void from_json(const nlohmann::json& j, PlanComponent& c) {
    c = PlanComponent{};
    c.id = json_integer_member<Id>(j, "id", Id{0});
    c.kind = component_kind_from_string(j.at("kind").get<std::string>());
    c.title = j.value("title", std::string{});
    c.practitioner_id = json_integer_member<Id>(j, "practitioner_id", Id{0});
    c.service_id = read_opt<Id>(j, "service_id");
    c.per_week = json_integer_member<int>(j, "per_week", 0);
    c.duration_weeks = read_opt<int>(j, "duration_weeks");
    c.session_count = read_opt<int>(j, "session_count");
    c.session_minutes = json_integer_member<int>(j, "session_minutes", 30);
    c.min_spacing_days = json_integer_member<int>(j, "min_spacing_days", 1);
    c.notes = j.value("notes", std::string{});
    c.module_id = j.value("module_id", default_module_id(c.kind));
    if (j.contains("medication") && !j.at("medication").is_null())
        c.medication = pa::Medication{j.at("medication").at("name").get<std::string>(),
                                      j.at("medication").value("drug_class", "")};
    for (const auto& f : j.value("findings", nlohmann::json::array()))
        c.findings.push_back({f.value("severity", "relative") == "absolute" ? pa::Severity::Absolute
                                                                             : pa::Severity::Relative,
                              f.value("rule", ""), f.value("reason", ""), f.value("code", "")});
    for (const auto& a : j.value("acknowledgements", nlohmann::json::array()))
        c.acknowledgements.push_back({a.value("rule", ""), a.value("reason", ""), a.value("by", ""),
                                      outcomes::parse_utc(a.at("at").get<std::string>(), "at")});
    c.sessions_completed = json_integer_member<int>(j, "sessions_completed", 0);
    c.active = j.value("active", true);
}

void to_json(nlohmann::json& j, const TreatmentPlan& p) {
    auto goals = nlohmann::json::array();
    for (const auto& g : p.goals)
        goals.push_back({{"id", g.id},
                         {"measure", g.measure ? nlohmann::json(outcomes::to_string(*g.measure))
                                               : nlohmann::json(nullptr)},
                         {"baseline", opt(g.baseline)},
                         {"target", opt(g.target)},
                         {"description", g.description},
                         {"target_date", format_date(g.target_date)},
                         {"achieved", g.achieved}});
    auto team = nlohmann::json::array();
    for (const auto& m : p.care_team)
        team.push_back({{"practitioner_id", m.practitioner_id}, {"role", m.role}, {"lead", m.lead}});
    auto versions = nlohmann::json::array();
    for (const auto& v : p.versions)
        versions.push_back({{"number", v.number}, {"author", v.author}, {"at", format_utc(v.at)},
                            {"summary", v.summary}, {"changes", v.changes}});
    auto reviews = nlohmann::json::array();
    for (const auto& d : p.review_dates) reviews.push_back(format_date(d));
    j = {{"id", p.id},
         {"patient_id", p.patient_id},
         {"assessment_id", opt(p.assessment_id, 0)},
         {"template_id", p.template_id},
         {"title", p.title},
         {"status", to_string(p.status)},
         {"start_date", format_date(p.start_date)},
         {"review_dates", reviews},
         {"goals", goals},
         {"components", p.components},
         {"care_team", team},
         {"version", p.version()},
         {"versions", versions}};
}

void from_json(const nlohmann::json& j, TreatmentPlan& p) {
    p = TreatmentPlan{};
    p.id = json_integer_member<Id>(j, "id", Id{0});
    p.patient_id = json_integer_member<Id>(j, "patient_id", Id{0});
    p.assessment_id = read_opt<Id>(j, "assessment_id");
    p.template_id = j.value("template_id", std::string{});
    p.title = j.value("title", std::string{});
    p.status = plan_status_from_string(j.value("status", std::string("draft")));
    p.start_date = parse_local_date(j.at("start_date").get<std::string>(), "start_date");
    for (const auto& d : j.value("review_dates", nlohmann::json::array()))
        p.review_dates.push_back(parse_local_date(d.get<std::string>(), "review_dates"));
    for (const auto& g : j.value("goals", nlohmann::json::array())) {
        Goal goal;
        goal.id = json_integer_member<Id>(g, "id", Id{0});
        if (g.contains("measure") && !g.at("measure").is_null())
            goal.measure = outcomes::measure_from_string(g.at("measure").get<std::string>());
        goal.baseline = read_opt<double>(g, "baseline");
        goal.target = read_opt<double>(g, "target");
        goal.description = g.value("description", std::string{});
        goal.target_date = parse_local_date(g.at("target_date").get<std::string>(), "target_date");
        goal.achieved = g.value("achieved", false);
        p.goals.push_back(goal);
    }
    for (const auto& c : j.value("components", nlohmann::json::array()))
        p.components.push_back(c.get<PlanComponent>());
    for (const auto& m : j.value("care_team", nlohmann::json::array()))
        p.care_team.push_back({json_integer<Id>(m.at("practitioner_id"), "care_team.practitioner_id"), m.value("role", ""),
                               m.value("lead", false)});
    for (const auto& v : j.value("versions", nlohmann::json::array()))
        p.versions.push_back({json_integer<int>(v.at("number"), "versions.number"), v.value("author", ""),
                              outcomes::parse_utc(v.at("at").get<std::string>(), "at"),
                              v.value("summary", ""),
                              v.value("changes", std::vector<std::string>{})});
}

}  // namespace vertebra::core::plans
