// Tests of the chiropractic module: CMT codes, Medicare AT/GA/98943, PART, re-exam, safety, loading.
#include <gtest/gtest.h>

#include "chiropractic_rules.hpp"
#include "module_support.hpp"
#include "module_test_support.hpp"

namespace vertebra::plugins::chiropractic {
namespace {

using namespace vertebra::plugins::testing;
using nlohmann::json;

api::BillingResult bill_pure(const json& section, const std::string& payer_id,
                             const char* date = "2026-03-02") {
    const auto d = day(date);
    return bill_session(parse_session(section), d, source_rules().at("cmt", d),
                        shared::payer_options(source_rules(), payer(payer_id), d));
}

struct RegionCase {
    std::vector<std::string> regions;
    std::string code;
};

class SpinalCodeTest : public ::testing::TestWithParam<RegionCase> {};

TEST_P(SpinalCodeTest, CodeFollowsTheNumberOfDistinctRegions) {
    for (const char* p : {"medicare", "commercial"}) {
        const auto r = bill_pure({{"spinal_regions", GetParam().regions}}, p);
        EXPECT_EQ(units(r, GetParam().code), 1) << p;
        EXPECT_EQ(r.lines.size(), 1u) << "one spinal CMT code per visit";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Regions, SpinalCodeTest,
    ::testing::Values(RegionCase{{"lumbar"}, "98940"}, RegionCase{{"cervical", "lumbar"}, "98940"},
                      RegionCase{{"lumbar", "lumbar", "lumbar"}, "98940"},
                      RegionCase{{"cervical", "thoracic", "lumbar"}, "98941"},
                      RegionCase{{"cervical", "thoracic", "lumbar", "sacral"}, "98941"},
                      RegionCase{{"cervical", "thoracic", "lumbar", "sacral", "pelvic"}, "98942"},
                      RegionCase{{"pelvic", "sacral", "pelvic", "sacral", "lumbar"}, "98941"}));

TEST(ChiropracticBillingTest, MedicareActiveCareGetsAt) {
    const auto r = bill_pure({{"spinal_regions", {"cervical", "lumbar"}}, {"care", "active"},
                              {"findings", {{"cervical", {"P", "A"}}, {"lumbar", {"R", "T"}}}}},
                             "medicare");
    ASSERT_NE(line(r, "98940"), nullptr);
    EXPECT_EQ(line(r, "98940")->modifiers, std::vector<std::string>{"AT"});
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
}

TEST(ChiropracticBillingTest, MedicareMaintenanceGetsGaNoAtAndAWarning) {
    const auto r = bill_pure({{"spinal_regions", {"lumbar"}}, {"care", "maintenance"},
                              {"findings", {{"lumbar", {"A", "T"}}}}},
                             "medicare");
    ASSERT_NE(line(r, "98940"), nullptr);
    EXPECT_EQ(line(r, "98940")->modifiers, std::vector<std::string>{"GA"});
    EXPECT_TRUE(has_warning(r, "ABN"));
}

TEST(ChiropracticBillingTest, CommercialAddsNoMedicareModifiers) {
    for (const char* care : {"active", "maintenance"}) {
        const auto r = bill_pure({{"spinal_regions", {"lumbar"}}, {"care", care},
                                  {"findings", {{"lumbar", {"A", "T"}}}}},
                                 "commercial");
        EXPECT_TRUE(line(r, "98940")->modifiers.empty()) << care;
    }
}

TEST(ChiropracticBillingTest, ExtraspinalIsBilledExceptUnderMedicare) {
    const json s = {{"spinal_regions", {"lumbar"}},
                    {"extraspinal_regions", {"upper_extremity", "head"}},
                    {"findings", {{"lumbar", {"A", "P"}}}}};
    const auto c = bill_pure(s, "commercial");
    EXPECT_EQ(units(c, "98943"), 1);
    const auto m = bill_pure(s, "medicare");
    EXPECT_EQ(units(m, "98943"), 0);
    EXPECT_EQ(units(m, "98940"), 1);
    EXPECT_TRUE(has_warning(m, "98943"));
}

struct PartCase {
    std::vector<std::string> found;
    bool ok;
};

class PartRuleTest : public ::testing::TestWithParam<PartCase> {};

TEST_P(PartRuleTest, TwoOfFourWithAsymmetryOrRangeOfMotion) {
    const auto& part = source_rules().at("cmt", day("2026-03-02")).at("part");
    EXPECT_EQ(part_documented(GetParam().found, part), GetParam().ok);
}

INSTANTIATE_TEST_SUITE_P(
    Findings, PartRuleTest,
    ::testing::Values(PartCase{{"P", "A"}, true}, PartCase{{"R", "T"}, true},
                      PartCase{{"A", "R"}, true}, PartCase{{"P", "A", "R", "T"}, true},
                      PartCase{{"P", "T"}, false}, PartCase{{"A"}, false},
                      PartCase{{"R", "R"}, false}, PartCase{{}, false},
                      PartCase{{"P"}, false}));

TEST(ChiropracticBillingTest, UndocumentedSubluxationIsWarnedPerRegion) {
    const auto r = bill_pure({{"spinal_regions", {"cervical", "lumbar"}},
                              {"findings", {{"cervical", {"P", "T"}}, {"lumbar", {"A", "R"}}}}},
                             "medicare");
    EXPECT_EQ(units(r, "98940"), 1) << "a warning, not a refusal";
    EXPECT_TRUE(has_warning(r, "cervical: subluxation not documented"));
    EXPECT_FALSE(has_warning(r, "lumbar: subluxation"));
    const auto x = bill_pure({{"spinal_regions", {"cervical"}}, {"subluxation_by_xray", true}},
                             "medicare");
    EXPECT_FALSE(has_warning(x, "subluxation")) << "imaging documents it instead";
}

TEST(ChiropracticBillingTest, ReexamDueByVisitsOrDays) {
    const json cmt = source_rules().at("cmt", day("2026-03-02"));
    const int visits = cmt["reexam"]["after_visits"];
    const int days = cmt["reexam"]["after_days"];
    CmtSession s;
    s.visits_since_exam = visits - 1;
    EXPECT_FALSE(reexam_due(s, day("2026-03-02"), cmt["reexam"]));
    s.visits_since_exam = visits;
    EXPECT_TRUE(reexam_due(s, day("2026-03-02"), cmt["reexam"]));
    CmtSession t;
    t.last_exam_date = day("2026-03-02") - date::days{days - 1};
    EXPECT_FALSE(reexam_due(t, day("2026-03-02"), cmt["reexam"]));
    t.last_exam_date = day("2026-03-02") - date::days{days};
    EXPECT_TRUE(reexam_due(t, day("2026-03-02"), cmt["reexam"]));
    const auto r = bill_pure({{"spinal_regions", {"lumbar"}}, {"subluxation_by_xray", true},
                              {"visits_since_exam", visits}},
                             "commercial");
    EXPECT_TRUE(has_warning(r, "Re-examination due"));
}

struct BadSection {
    const char* name;
    json section;
    const char* field;
};
void PrintTo(const BadSection& b, std::ostream* os) { *os << b.name; }

class ChiropracticRejectsTest : public ::testing::TestWithParam<BadSection> {};

TEST_P(ChiropracticRejectsTest, NamesTheField) {
    try {
        parse_session(GetParam().section);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), GetParam().field) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Input, ChiropracticRejectsTest,
    ::testing::Values(
        BadSection{"UnknownSpinal", {{"spinal_regions", {"lumbar", "knee"}}},
                   "chiropractic.spinal_regions[1]"},
        BadSection{"SpinalAsExtraspinal", {{"extraspinal_regions", {"lumbar"}}},
                   "chiropractic.extraspinal_regions[0]"},
        BadSection{"Care", {{"care", "wellness"}}, "chiropractic.care"},
        BadSection{"Finding", {{"findings", {{"lumbar", {"X"}}}}}, "chiropractic.findings.lumbar"},
        BadSection{"ExamDate", {{"last_exam_date", "last week"}}, "chiropractic.last_exam_date"}),
    [](const auto& tp) { return std::string(tp.param.name); });

TEST(ChiropracticSafetyTest, FindingsFollowConditionsMedicationsAndRegion) {
    api::PatientRecord p;
    p.conditions.push_back({"I65.0", "vertebrobasilar_insufficiency", std::nullopt, true});
    p.medications.push_back({"warfarin", "anticoagulant"});
    api::PlannedService neck{"chiropractic", "adjustment_visit", day("2026-03-02"), {"98940"},
                             payer("commercial"), {{"spinal_regions", {"cervical"}}}};
    api::PlannedService low = neck;
    low.details = {{"spinal_regions", {"lumbar"}}};
    const auto n = shared::contraindications(source_rules(), p, neck);
    EXPECT_TRUE(has_finding(n, "vertebrobasilar_insufficiency", api::Severity::Absolute));
    EXPECT_TRUE(has_finding(n, "bleeding_risk", api::Severity::Relative));
    const auto l = shared::contraindications(source_rules(), p, low);
    EXPECT_FALSE(has_finding(l, "vertebrobasilar_insufficiency", api::Severity::Absolute));
    EXPECT_TRUE(has_finding(l, "bleeding_risk", api::Severity::Relative));
    for (const auto& f : l) EXPECT_FALSE(f.reason.empty());
    EXPECT_TRUE(shared::contraindications(source_rules(), api::PatientRecord{}, neck).empty());
}

TEST(ChiropracticPluginTest, LoadsThroughTheHostAndRuns) {
    const auto& m = loaded_module();
    EXPECT_NE(m.form("session_note"), nullptr);
    EXPECT_NE(m.workflow("adjustment_visit"), nullptr);
    EXPECT_NE(m.service("adjustment_visit"), nullptr);
    const auto r = m.bill(request("2026-03-02", "medicare",
                                  {{"spinal_regions", {"cervical", "thoracic", "lumbar"}},
                                   {"findings", {{"cervical", {"P", "A"}},
                                                 {"thoracic", {"R", "T"}},
                                                 {"lumbar", {"A", "R"}}}}}));
    ASSERT_NE(line(r, "98941"), nullptr);
    EXPECT_EQ(line(r, "98941")->modifiers, std::vector<std::string>{"AT"});
    EXPECT_THROW(m.bill(request("2026-03-02", "medicare", {{"care", "sometimes"}})), Error);
    EXPECT_FALSE(m.evaluate_guard("part_documented",
                                  {{"spinal_regions", {"lumbar"}}, {"part_lumbar", {"P"}}})
                     .allowed);
    EXPECT_TRUE(m.evaluate_guard("part_documented",
                                 {{"spinal_regions", {"lumbar"}}, {"part_lumbar", {"P", "R"}}})
                    .allowed);
}

// ---- coverage: visit cap and course length (payer_options.json) ----------------------------

/// A finding of `rule` whose reason mentions `needle`.
bool has_rule(const std::vector<api::Finding>& fs, const std::string& rule,
              const std::string& needle) {
    for (const auto& f : fs)
        if (f.rule == rule && f.reason.find(needle) != std::string::npos) return true;
    return false;
}

std::vector<LocalDate> weekly(const char* first, int n, int every_days = 7) {
    std::vector<LocalDate> out;
    for (int i = 0; i < n; ++i) out.push_back(day(first) + date::days{i * every_days});
    return out;
}

TEST(ChiropracticCoverageTest, MedicareFlagsActiveCareBeyondThreeMonthsOfOneCourse) {
    const auto options = shared::payer_options(source_rules(), payer("medicare"), day("2026-06-01"));
    // Weekly since 2026-02-02: on 2026-05-01 the course is under 3 months, on 2026-05-04 over.
    const auto prior = weekly("2026-02-02", 13);  // last one 2026-04-27
    EXPECT_TRUE(check_course(day("2026-05-01"), prior, options).empty());
    const auto over = check_course(day("2026-05-04"), prior, options);
    ASSERT_TRUE(has_rule(over, "chiro_course_length", "2026-02-02"));
    EXPECT_EQ(over.front().severity, api::Severity::Relative);
}

TEST(ChiropracticCoverageTest, AGapLongerThanTheConfiguredDaysStartsANewCourse) {
    const auto options = shared::payer_options(source_rules(), payer("medicare"), day("2026-06-01"));
    auto prior = weekly("2026-01-05", 6);                 // Jan 5 .. Feb 9
    for (auto d : weekly("2026-04-13", 8)) prior.push_back(d);  // 63 days later: new course
    EXPECT_TRUE(check_course(day("2026-06-08"), prior, options).empty());
    // Without the gap (weekly throughout) the same date is well past 3 months.
    EXPECT_TRUE(has_rule(check_course(day("2026-06-08"), weekly("2026-01-05", 22), options),
                            "chiro_course_length", "2026-01-05"));
}

TEST(ChiropracticCoverageTest, CommercialDefaultHasNoCapAndNoCourseLimit) {
    const auto options = shared::payer_options(source_rules(), payer("commercial"), day("2026-06-01"));
    EXPECT_TRUE(check_course(day("2026-12-28"), weekly("2026-01-05", 51), options).empty());
}

TEST(ChiropracticCoverageTest, APayerCapCountsTheRolling12MonthsAndOneVisitADay) {
    const json options = {{"visits_per_year", 20}};
    auto prior = weekly("2026-01-05", 19);  // 19 visits, Jan 5 .. May 11
    prior.push_back(prior.back());          // the same day twice is one visit
    EXPECT_TRUE(check_course(day("2026-05-18"), prior, options).empty()) << "visit 20 of 20";
    prior.push_back(day("2026-05-18"));
    const auto f = check_course(day("2026-05-25"), prior, options);
    ASSERT_TRUE(has_rule(f, "chiro_visit_cap", "visit 21 in 12 months"));
    EXPECT_EQ(f.front().severity, api::Severity::Absolute);
    // A year after the first visit it has left the window: 20 again.
    EXPECT_TRUE(check_course(day("2027-01-06"), prior, options).empty());
    // Visits after the date do not count.
    EXPECT_TRUE(check_course(day("2026-01-01"), prior, options).empty());
    EXPECT_EQ(check_course(day("2026-05-25"), prior, {{"visits_per_year", 20},
                                                      {"visit_cap_severity", "relative"}})
                  .front()
                  .severity,
              api::Severity::Relative);
}

TEST(ChiropracticCoverageTest, TheLoadedModuleChecksCoverageFromItsHistory) {
    const auto& m = loaded_module();
    api::CoverageRequest req;
    req.planned = {"chiropractic", "adjustment_visit", day("2026-05-04"), {}, payer("medicare"), {}};
    for (auto d : weekly("2026-02-02", 13)) req.history.push_back({d, "chiropractic", "adjustment_visit"});
    EXPECT_TRUE(has_rule(m.check_coverage(req), "chiro_course_length", "2026-02-02"));
    req.planned.payer = payer("commercial");
    EXPECT_TRUE(m.check_coverage(req).empty());
}

}  // namespace
}  // namespace vertebra::plugins::chiropractic
