// Plan templates: parsing the owner-editable files and turning one into a draft plan.
#include "vertebra/plans/templates.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::core::plans {

namespace {

std::string req_text(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || !j.at(key).is_string() || j.at(key).get<std::string>().empty())
        throw invalid(where + "." + key, "a non-empty text is required");
    return j.at(key).get<std::string>();
}

template <class T>
std::optional<T> opt_num(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    if (!j.at(key).is_number()) throw invalid(where + "." + key, "must be a number");
    if constexpr (std::is_integral_v<T>) return json_integer<T>(j.at(key), where + "." + key);
    return j.at(key).get<T>();
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

}  // namespace

PlanTemplate parse_plan_template(const nlohmann::json& j, const std::string& origin) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the template, never nlohmann's own exception.
    try {
        return [&]() -> PlanTemplate {
            if (!j.is_object()) throw invalid(origin, "a template is a JSON object");
            PlanTemplate t;
            t.id = req_text(j, "id", origin);
            const std::string where = "template " + t.id;
            t.name = req_text(j, "name", where);
            t.cause = req_text(j, "cause", where);
            if (!default_clinical_rules().cause(t.cause))
                throw invalid(where + ".cause", "\"" + t.cause + "\" is not a known cause");
            t.description = j.value("description", std::string{});
            t.suggested_diagnoses = j.value("suggested_diagnoses", std::vector<std::string>{});
            for (const auto& code : t.suggested_diagnoses)
                if (normalize_icd10(code) != code)
                    throw invalid(where + ".suggested_diagnoses", "\"" + code + "\" is not a dotted ICD-10-CM code");
            t.team_roles = j.value("team_roles", std::vector<std::string>{});
            const auto& roles = care_roles();
            for (const auto& r : t.team_roles)
                if (std::find(roles.begin(), roles.end(), r) == roles.end())
                    throw invalid(where + ".team_roles", "\"" + r + "\" is not a care-team role");
            t.review_every_weeks = json_integer_member<int>(j, "review_every_weeks", 4, where + ".review_every_weeks");
            if (t.review_every_weeks < 1 || t.review_every_weeks > 52)
                throw invalid(where + ".review_every_weeks", "must be 1-52");

            for (const auto& g : j.value("goals", nlohmann::json::array())) {
                TemplateGoal goal;
                const std::string gw = where + ".goals";
                if (g.contains("measure"))
                    goal.measure = outcomes::measure_from_string(g.at("measure").get<std::string>(), gw + ".measure");
                goal.improve_by_fraction = opt_num<double>(g, "improve_by_fraction", gw);
                goal.improve_by_points = opt_num<double>(g, "improve_by_points", gw);
                goal.description = g.value("description", std::string{});
                goal.weeks = json_integer_member<int>(g, "weeks", 12, gw + ".weeks");
                if (goal.measure && !goal.improve_by_fraction && !goal.improve_by_points)
                    throw invalid(gw, "a measure goal needs improve_by_fraction or improve_by_points");
                if (goal.improve_by_fraction && (*goal.improve_by_fraction <= 0 || *goal.improve_by_fraction >= 1))
                    throw invalid(gw + ".improve_by_fraction", "must be between 0 and 1, e.g. 0.3");
                if (!goal.measure && goal.description.empty())
                    throw invalid(gw, "a goal needs a measure or a functional description");
                if (goal.weeks < 1 || goal.weeks > 104) throw invalid(gw + ".weeks", "must be 1-104");
                t.goals.push_back(goal);
            }
            for (const auto& c : j.value("components", nlohmann::json::array())) {
                TemplateComponent tc;
                const std::string cw = where + ".components";
                tc.kind = component_kind_from_string(req_text(c, "kind", cw), cw + ".kind");
                tc.title = c.value("title", std::string{});
                tc.role = c.value("role", std::string{});
                if (!tc.role.empty() &&
                    std::find(t.team_roles.begin(), t.team_roles.end(), tc.role) == t.team_roles.end())
                    throw invalid(cw + ".role", "\"" + tc.role + "\" is not one of the template's team_roles");
                tc.per_week = json_integer_member<int>(c, "per_week", 0, cw + ".per_week");
                tc.duration_weeks = opt_num<int>(c, "duration_weeks", cw);
                tc.session_count = opt_num<int>(c, "session_count", cw);
                tc.session_minutes = json_integer_member<int>(c, "session_minutes", 30, cw + ".session_minutes");
                tc.min_spacing_days = json_integer_member<int>(c, "min_spacing_days", 1, cw + ".min_spacing_days");
                tc.notes = c.value("notes", std::string{});
                if (c.contains("medication"))
                    tc.medication = plugin_api::Medication{req_text(c.at("medication"), "name", cw + ".medication"),
                                                           c.at("medication").value("drug_class", "")};
                if (tc.per_week > 0 && !tc.duration_weeks && !tc.session_count)
                    throw invalid(cw, std::string(to_string(tc.kind)) +
                                          ": a scheduled component needs duration_weeks or session_count");
                t.components.push_back(std::move(tc));
            }
            if (t.components.empty()) throw invalid(where + ".components", "at least one component is required");
            return t;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid(origin, std::string("malformed template: ") + e.what());
    }
}

nlohmann::json to_json(const PlanTemplate& t) {
    auto comps = nlohmann::json::array();
    for (const auto& c : t.components) {
        nlohmann::json x{{"kind", to_string(c.kind)}, {"title", c.title}, {"role", c.role},
                         {"per_week", c.per_week}, {"session_minutes", c.session_minutes},
                         {"min_spacing_days", c.min_spacing_days}, {"notes", c.notes}};
        if (c.duration_weeks) x["duration_weeks"] = *c.duration_weeks;
        if (c.session_count) x["session_count"] = *c.session_count;
        if (c.medication) x["medication"] = {{"name", c.medication->name}, {"drug_class", c.medication->drug_class}};
        comps.push_back(x);
    }
    auto goals = nlohmann::json::array();
    for (const auto& g : t.goals) {
        nlohmann::json x{{"weeks", g.weeks}};
        if (g.measure) x["measure"] = outcomes::to_string(*g.measure);
        if (g.improve_by_fraction) x["improve_by_fraction"] = *g.improve_by_fraction;
        if (g.improve_by_points) x["improve_by_points"] = *g.improve_by_points;
        if (!g.description.empty()) x["description"] = g.description;
        goals.push_back(x);
    }
    return {{"id", t.id}, {"name", t.name}, {"cause", t.cause}, {"description", t.description},
            {"suggested_diagnoses", t.suggested_diagnoses}, {"team_roles", t.team_roles},
            {"review_every_weeks", t.review_every_weeks}, {"goals", goals}, {"components", comps}};
}

std::vector<PlanTemplate> load_plan_templates(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw not_found("plan template directory " + dir.string());
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::vector<PlanTemplate> out;
    for (const auto& f : files) {
        std::ifstream in(f);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            throw invalid(f.filename().string(), std::string("not valid JSON: ") + e.what());
        }
        out.push_back(parse_plan_template(j, f.filename().string()));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].id == out[i - 1].id)
            throw invalid("plan_templates", "two templates have the id \"" + out[i].id + "\"");
    return out;
}

std::vector<PlanTemplate> shipped_plan_templates() {
    return load_plan_templates(plans_data_dir() / "plan_templates");
}

TreatmentPlan instantiate_template(const PlanTemplate& t, const TemplateInstantiation& in,
                                   const Author& who) {
    auto plan = new_plan(in.patient_id, in.start_date, t.name, who,
                         "plan created from template " + t.id);
    plan.template_id = t.id;
    if (in.assessment) plan.assessment_id = in.assessment->id;

    // Care team: silently built as part of version 1 (one version for the whole creation).
    for (const auto& role : t.team_roles) {
        if (!in.practitioner_for_role) break;
        if (auto p = in.practitioner_for_role(role)) {
            plan.care_team.push_back({*p, role, plan.care_team.empty()});
            plan.versions.front().changes.push_back(fmt::format("care team: practitioner {} as {}", *p, role));
        } else {
            plan.versions.front().changes.push_back("care team: no practitioner for " + role + " yet");
        }
    }

    int longest = 0;
    for (const auto& g : t.goals) {
        Goal goal;
        goal.id = static_cast<Id>(plan.goals.size() + 1);
        goal.target_date = in.start_date + date::days{7 * g.weeks};
        longest = std::max(longest, g.weeks);
        std::optional<double> base;
        if (g.measure && in.assessment) {
            for (const auto& o : in.assessment->baseline)
                if (o.measure == *g.measure) base = o.value;
        }
        if (g.measure && base && *base > 0) {
            goal.measure = g.measure;
            goal.baseline = base;
            double target = g.improve_by_fraction ? *base * (1 - *g.improve_by_fraction)
                                                  : *base - *g.improve_by_points;
            target = std::max(0.0, *g.measure == outcomes::Measure::Odi ? round1(target)
                                                                          : std::floor(target));
            goal.target = target;
            goal.description = g.description;
            plan.versions.front().changes.push_back(fmt::format("goal #{}: {} from {:g} to {:g} by {}", goal.id,
                                          outcomes::to_string(*g.measure), *base, target,
                                          format_date(goal.target_date)));
        } else {
            goal.description = !g.description.empty()
                                   ? g.description
                                   : fmt::format("Improve {} by {} (record a baseline first)",
                                                 outcomes::to_string(*g.measure),
                                                 g.improve_by_fraction
                                                     ? fmt::format("{:g}%", *g.improve_by_fraction * 100)
                                                     : fmt::format("{:g} points", *g.improve_by_points));
            plan.versions.front().changes.push_back(fmt::format("goal #{}: \"{}\" by {}", goal.id, goal.description,
                                          format_date(goal.target_date)));
        }
        plan.goals.push_back(goal);
    }

    for (int w = t.review_every_weeks; w <= std::max(longest, t.review_every_weeks); w += t.review_every_weeks)
        plan.review_dates.push_back(in.start_date + date::days{7 * w});

    for (const auto& tc : t.components) {
        PlanComponent c;
        c.kind = tc.kind;
        c.title = tc.title;
        c.per_week = tc.per_week;
        c.duration_weeks = tc.duration_weeks;
        c.session_count = tc.session_count;
        c.session_minutes = tc.session_minutes;
        c.min_spacing_days = tc.min_spacing_days;
        c.notes = tc.notes;
        c.medication = tc.medication;
        c.module_id = default_module_id(tc.kind);
        if (!tc.role.empty())
            for (const auto& m : plan.care_team)
                if (m.role == tc.role) {
                    c.practitioner_id = m.practitioner_id;
                    break;
                }
        if (!c.module_id.empty() && in.checks.module_enabled && !in.checks.module_enabled(c.module_id)) {
            plan.versions.front().changes.push_back("left out " + std::string(to_string(c.kind)) + ": the " + c.module_id +
                              " module is disabled");
            continue;
        }
        add_component(plan, std::move(c), in.checks, who);
    }
    // Fold the per-component versions into version 1: creation is one change.
    for (std::size_t i = 1; i < plan.versions.size(); ++i) {
        auto& first = plan.versions.front().changes;
        first.insert(first.end(), plan.versions[i].changes.begin(), plan.versions[i].changes.end());
    }
    plan.versions.resize(1);
    return plan;
}

}  // namespace vertebra::core::plans
