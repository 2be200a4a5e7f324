// Treatment plans: components, module gating, findings and acknowledgements, versions, templates.
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/plans/plan.hpp"
#include "vertebra/plans/templates.hpp"

namespace vertebra::core::plans {
namespace {

namespace pa = plugin_api;

Instant at(int day) { return Instant{std::chrono::seconds{1'772'000'000 + day * 86400}}; }
const Author kAda{"Dr Ada Park", at(0)};

Assessment patient_with(std::optional<double> egfr) {
    Assessment a;
    a.id = 3;
    a.patient_id = 7;
    a.assessed_on = parse_local_date("2026-03-02");
    a.presenting_complaint = "Chronic low back pain";
    a.egfr = egfr;
    return a;
}

TreatmentPlan plan_with_team() {
    auto p = new_plan(7, parse_local_date("2026-03-02"), "Plan", kAda);
    add_team_member(p, {11, "physical_therapist", false}, kAda);
    add_team_member(p, {12, "primary_care", true}, kAda);
    add_team_member(p, {13, "chiropractor", false}, kAda);
    return p;
}

PlanComponent pt() {
    PlanComponent c;
    c.kind = ComponentKind::PhysicalTherapy;
    c.practitioner_id = 11;
    c.per_week = 2;
    c.duration_weeks = 6;
    c.session_minutes = 45;
    c.min_spacing_days = 2;
    return c;
}

PlanComponent nsaid() {
    PlanComponent c;
    c.kind = ComponentKind::Medication;
    c.practitioner_id = 12;
    c.medication = pa::Medication{"ibuprofen", ""};
    return c;
}

TEST(TreatmentPlanTest, EveryChangeMakesAVersion) {
    auto p = plan_with_team();
    EXPECT_EQ(p.version(), 4);
    const auto a = patient_with(90);
    const Id id = add_component(p, pt(), {&a}, {"Sam PT", at(1)});
    EXPECT_EQ(id, 1);
    EXPECT_EQ(p.version(), 5);
    EXPECT_EQ(p.versions.back().author, "Sam PT");
    EXPECT_EQ(p.versions.back().at, at(1));
    EXPECT_NE(p.versions.back().changes.at(0).find("physical_therapy, 2/week for 6 weeks"),
              std::string::npos);
    EXPECT_EQ(p.component(id)->planned_sessions(), 12);
    remove_component(p, id, "patient prefers home exercise", kAda);
    EXPECT_FALSE(p.component(id)->active);
    EXPECT_EQ(p.version(), 6);
    EXPECT_THROW(remove_component(p, id, "", kAda), Error);
    EXPECT_THROW(add_component(p, pt(), {&a}, {"", at(2)}), Error);  // no author
}

TEST(TreatmentPlanTest, RefusesComponentOfDisabledModule) {
    auto p = plan_with_team();
    PlanComponent c;
    c.kind = ComponentKind::Chiropractic;
    c.practitioner_id = 13;
    c.per_week = 1;
    c.session_count = 6;
    ComponentCheckContext ctx;
    ctx.module_enabled = [](const std::string& m) { return m != "chiropractic"; };
    try {
        add_component(p, c, ctx, kAda);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_NE(std::string(e.what()).find("chiropractic module is disabled"), std::string::npos);
    }
    ctx.module_enabled = [](const std::string&) { return true; };
    EXPECT_EQ(p.component(add_component(p, c, ctx, kAda))->module_id, "chiropractic");
}

TEST(TreatmentPlanTest, RefusesBadFields) {
    auto p = plan_with_team();
    auto c = pt();
    c.practitioner_id = 99;  // not on the team
    EXPECT_THROW(add_component(p, c, {}, kAda), Error);
    c = pt();
    c.duration_weeks.reset();
    EXPECT_THROW(add_component(p, c, {}, kAda), Error);
    c = pt();
    c.per_week = 3;
    c.min_spacing_days = 4;  // 3 a week cannot be 4 days apart
    EXPECT_THROW(add_component(p, c, {}, kAda), Error);
    c = nsaid();
    c.medication.reset();
    EXPECT_THROW(add_component(p, c, {}, kAda), Error);
    EXPECT_THROW(add_team_member(p, {20, "wizard", false}, kAda), Error);
}

TEST(TreatmentPlanTest, NsaidWithLowEgfrNeedsAcknowledgementBeforeActivation) {
    auto p = plan_with_team();
    const auto a = patient_with(25);
    const Id id = add_component(p, nsaid(), {&a}, kAda);
    ASSERT_EQ(p.component(id)->findings.size(), 1u);
    EXPECT_EQ(p.component(id)->findings[0].rule, "nsaid_egfr_below_30");
    EXPECT_EQ(p.component(id)->findings[0].severity, pa::Severity::Absolute);
    EXPECT_EQ(p.unacknowledged_findings().size(), 1u);
    try {
        set_status(p, PlanStatus::Active, kAda);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_NE(std::string(e.what()).find("nsaid_egfr_below_30"), std::string::npos);
    }
    EXPECT_THROW(acknowledge(p, id, "nsaid_egfr_below_30", "", kAda), Error);
    EXPECT_THROW(acknowledge(p, id, "no_such_rule", "x", kAda), Error);
    acknowledge(p, id, "nsaid_egfr_below_30", "nephrologist agreed 3-day course", kAda);
    EXPECT_TRUE(p.unacknowledged_findings().empty());
    EXPECT_NE(p.versions.back().changes[0].find("overrode [absolute]"), std::string::npos);
    set_status(p, PlanStatus::Active, kAda);
    EXPECT_EQ(p.status, PlanStatus::Active);
}

TEST(TreatmentPlanTest, AcknowledgementGivenWhenAdding) {
    auto p = plan_with_team();
    const auto a = patient_with(45);
    const Id id = add_component(p, nsaid(), {&a}, kAda,
                                {{"nsaid_egfr_30_59", "5-day course, creatinine in 1 week", "", {}}});
    EXPECT_TRUE(p.component(id)->unacknowledged().empty());
    EXPECT_EQ(p.component(id)->acknowledgements[0].by, "Dr Ada Park");
    // Acknowledging a finding that does not arise is refused.
    const auto ok = patient_with(90);
    EXPECT_THROW(add_component(p, nsaid(), {&ok}, kAda, {{"nsaid_egfr_30_59", "x", "", {}}}), Error);
}

TEST(TreatmentPlanTest, ModuleChecksAreIncluded) {
    auto p = plan_with_team();
    const auto a = patient_with(90);
    ComponentCheckContext ctx{&a};
    ctx.module_checks = [](const PlanComponent& c, const Assessment&) {
        std::vector<pa::Finding> f;
        if (c.kind == ComponentKind::Chiropractic)
            f.push_back({pa::Severity::Relative, "cmt_osteoporosis", "Osteoporosis: avoid thrust", ""});
        return f;
    };
    PlanComponent c;
    c.kind = ComponentKind::Chiropractic;
    c.practitioner_id = 13;
    const Id id = add_component(p, c, ctx, kAda);
    ASSERT_EQ(p.component(id)->findings.size(), 1u);
    EXPECT_EQ(p.component(id)->findings[0].rule, "cmt_osteoporosis");
}

TEST(TreatmentPlanTest, RedFlagBlocksElectiveTherapyButNotReferral) {
    auto p = plan_with_team();
    auto a = patient_with(90);
    a.red_flags = {{"saddle_anaesthesia", true}};
    const Id therapy = add_component(p, pt(), {&a}, kAda);
    ASSERT_EQ(p.component(therapy)->findings.size(), 1u);
    EXPECT_EQ(p.component(therapy)->findings[0].rule, "red_flag_blocks_elective");
    add_team_member(p, {14, "spine_surgeon", false}, kAda);
    PlanComponent ref;
    ref.kind = ComponentKind::SurgeryReferral;
    ref.practitioner_id = 14;
    const Id referral = add_component(p, ref, {&a}, kAda);
    EXPECT_TRUE(p.component(referral)->findings.empty());
}

TEST(TreatmentPlanTest, GoalsAndTeam) {
    auto p = plan_with_team();
    Goal g;
    g.measure = outcomes::Measure::Odi;
    g.baseline = 42;
    g.target = 29.4;
    g.target_date = parse_local_date("2026-05-25");
    EXPECT_EQ(add_goal(p, g, kAda), 1);
    g.target = 50;  // above baseline
    EXPECT_THROW(add_goal(p, g, kAda), Error);
    Goal f;
    f.description = "Walk 30 minutes";
    f.target_date = parse_local_date("2026-01-01");  // before start
    EXPECT_THROW(add_goal(p, f, kAda), Error);
    add_component(p, pt(), {}, kAda);
    EXPECT_THROW(remove_team_member(p, 11, kAda), Error);  // responsible for a component
    remove_team_member(p, 13, kAda);
    EXPECT_FALSE(p.on_team(13));
}

TEST(TreatmentPlanTest, JsonRoundTrip) {
    auto p = plan_with_team();
    const auto a = patient_with(45);
    add_component(p, pt(), {&a}, kAda);
    add_component(p, nsaid(), {&a}, kAda);
    Goal g;
    g.description = "Sit 60 minutes";
    g.target_date = parse_local_date("2026-05-25");
    add_goal(p, g, kAda);
    set_review_dates(p, {parse_local_date("2026-03-30")}, kAda);
    nlohmann::json j = p;
    const auto back = j.get<TreatmentPlan>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(j["versions"].size(), static_cast<std::size_t>(p.version()));
    EXPECT_EQ(j["components"][1]["findings"][0]["rule"], "nsaid_egfr_30_59");
}

TEST(PlanTemplatesTest, OneTemplatePerCauseOfTheSeedList) {
    const auto templates = shipped_plan_templates();
    for (const auto& cause : default_clinical_rules().causes) {
        const bool found = std::any_of(templates.begin(), templates.end(),
                                       [&](const auto& t) { return t.cause == cause.id; });
        EXPECT_TRUE(found) << cause.id;
    }
    for (const auto& t : templates) {
        for (const auto& code : t.suggested_diagnoses) {
            // Suggestions must be billable today (FY2026).
            const auto r = Icd10Table::shipped().check(code, parse_local_date("2026-03-02"));
            EXPECT_TRUE(r.ok) << t.id << " " << code << ": " << r.message;
        }
        EXPECT_EQ(parse_plan_template(to_json(t)).id, t.id);
    }
}

TEST(PlanTemplatesTest, InstantiatesWithGoalsFromBaselineAndTeamFromRoles) {
    const auto templates = shipped_plan_templates();
    const auto& t = *std::find_if(templates.begin(), templates.end(),
                                  [](const auto& x) { return x.id == "herniated_disc"; });
    auto a = patient_with(90);
    outcomes::Observation odi;
    odi.measure = outcomes::Measure::Odi;
    odi.value = 42;
    a.baseline = {odi};
    TemplateInstantiation in;
    in.patient_id = 7;
    in.start_date = parse_local_date("2026-03-02");
    in.assessment = &a;
    in.practitioner_for_role = [](const std::string& role) -> std::optional<Id> {
        if (role == "physical_therapist") return 11;
        if (role == "primary_care") return 12;
        return std::nullopt;
    };
    in.checks.assessment = &a;
    const auto p = instantiate_template(t, in, kAda);
    EXPECT_EQ(p.version(), 1);
    EXPECT_EQ(p.template_id, "herniated_disc");
    EXPECT_EQ(p.status, PlanStatus::Draft);
    ASSERT_EQ(p.care_team.size(), 2u);
    EXPECT_TRUE(p.care_team[0].lead);
    // ODI 42 improved by 30% -> 29.4 by week 12; NRS has no baseline -> functional wording.
    ASSERT_GE(p.goals.size(), 2u);
    EXPECT_EQ(p.goals[0].measure, outcomes::Measure::Odi);
    EXPECT_DOUBLE_EQ(*p.goals[0].target, 29.4);
    EXPECT_EQ(format_date(p.goals[0].target_date), "2026-05-25");
    EXPECT_FALSE(p.goals[1].measure.has_value());
    EXPECT_NE(p.goals[1].description.find("nrs"), std::string::npos);
    // Components: PT assigned to 11; injection left unassigned (no pain specialist).
    const auto& pt_c = p.components.at(0);
    EXPECT_EQ(pt_c.kind, ComponentKind::PhysicalTherapy);
    EXPECT_EQ(pt_c.practitioner_id, 11);
    EXPECT_EQ(p.components.back().kind, ComponentKind::Injections);
    EXPECT_EQ(p.components.back().practitioner_id, 0);
    // Reviews every 3 weeks up to week 12.
    EXPECT_EQ(p.review_dates.size(), 4u);
}

TEST(PlanTemplatesTest, DisabledModuleComponentsAreLeftOutAndSaidSo) {
    const auto templates = shipped_plan_templates();
    const auto& t = *std::find_if(templates.begin(), templates.end(),
                                  [](const auto& x) { return x.id == "osteoarthritis"; });
    TemplateInstantiation in;
    in.patient_id = 7;
    in.start_date = parse_local_date("2026-03-02");
    in.checks.module_enabled = [](const std::string& m) { return m != "acupuncture"; };
    const auto p = instantiate_template(t, in, kAda);
    EXPECT_TRUE(std::none_of(p.components.begin(), p.components.end(),
                             [](const auto& c) { return c.kind == ComponentKind::Acupuncture; }));
    const auto& ch = p.versions.at(0).changes;
    EXPECT_TRUE(std::any_of(ch.begin(), ch.end(), [](const auto& s) {
        return s.find("acupuncture module is disabled") != std::string::npos;
    }));
}

TEST(PlanTemplatesTest, RefusesMalformedTemplates) {
    auto j = nlohmann::json::parse(R"({"id": "x", "name": "X", "cause": "herniated_disc",
        "team_roles": ["physical_therapist"],
        "components": [{"kind": "physical_therapy", "role": "physical_therapist", "per_week": 2,
                        "duration_weeks": 6}]})");
    EXPECT_NO_THROW(parse_plan_template(j));
    auto bad = j;
    bad["cause"] = "gremlins";
    EXPECT_THROW(parse_plan_template(bad), Error);
    bad = j;
    bad["components"][0]["kind"] = "yoga";
    EXPECT_THROW(parse_plan_template(bad), Error);
    bad = j;
    bad["components"][0]["role"] = "chiropractor";  // not in team_roles
    EXPECT_THROW(parse_plan_template(bad), Error);
    bad = j;
    bad["components"][0].erase("duration_weeks");
    EXPECT_THROW(parse_plan_template(bad), Error);
    bad = j;
    bad["goals"] = {{{"measure", "odi"}}};
    EXPECT_THROW(parse_plan_template(bad), Error);
}

}  // namespace
}  // namespace vertebra::core::plans
