// Tests of the surgery referral module: red-flag triage, care summary, letter, workflow, loading.
#include <gtest/gtest.h>

#include "module_support.hpp"
#include "module_test_support.hpp"
#include "referral_rules.hpp"

namespace vertebra::plugins::surgery_referral {
namespace {

using namespace vertebra::plugins::testing;
using nlohmann::json;

const char* kDay = "2026-03-02";
const json& flags() { return source_rules().at("red_flags", day(kDay)); }

struct TriageCase {
    std::string name;
    std::vector<std::string> present;
    std::string tier;
    std::vector<std::string> groups;
};
void PrintTo(const TriageCase& c, std::ostream* os) { *os << c.name; }

class TriageTest : public ::testing::TestWithParam<TriageCase> {};

TEST_P(TriageTest, Tier) {
    const Triage t = triage(GetParam().present, flags());
    EXPECT_EQ(t.tier, GetParam().tier);
    EXPECT_EQ(t.groups, GetParam().groups);
    EXPECT_EQ(t.reasons.size(), GetParam().present.size());
}

INSTANTIATE_TEST_SUITE_P(
    RedFlags, TriageTest,
    ::testing::Values(
        TriageCase{"NoFlags", {}, "routine", {}},
        TriageCase{"SaddleAnaesthesia", {"saddle_anaesthesia"}, "emergency", {"cauda_equina"}},
        TriageCase{"BladderRetention", {"new_bladder_dysfunction"}, "emergency", {"cauda_equina"}},
        TriageCase{"FootDrop", {"major_motor_weakness"}, "emergency", {"progressive_deficit"}},
        TriageCase{"Fever", {"fever"}, "urgent", {"infection"}},
        TriageCase{"IvDrugUse", {"iv_drug_use"}, "urgent", {"infection"}},
        TriageCase{"MajorTrauma", {"major_trauma"}, "urgent", {"fracture"}},
        TriageCase{"CancerHistoryAlone", {"cancer_history"}, "urgent", {"tumour"}},
        TriageCase{"AgeOver50AloneIsNotSuspicion", {"age_over_50"}, "routine", {}},
        TriageCase{"TwoTumourFlags", {"age_over_50", "night_pain"}, "urgent", {"tumour"}},
        TriageCase{"MostUrgentWins", {"fever", "bilateral_sciatica"}, "emergency",
                   {"cauda_equina", "infection"}},
        TriageCase{"AgeWithNewPainIsRoutine", {"age_under_20_or_over_50_new_pain"}, "routine",
                   {"other"}},
        TriageCase{"SuspectedAneurysm", {"suspected_aaa"}, "emergency", {"vascular"}}),
    [](const auto& tp) { return tp.param.name; });

TEST(TriageTest, UnknownFlagIsRefusedAndScreenMustBeComplete) {
    EXPECT_THROW(triage({"headache"}, flags()), Error);
    json form = {{"rf_fever", true}, {"rf_saddle_anaesthesia", false}};
    EXPECT_EQ(present_flags(form, flags()), std::vector<std::string>{"fever"});
    const auto missing = unanswered_flags(form, flags());
    EXPECT_EQ(missing.size(), flags()["flags"].size() - 2);
}

json complete_form() {
    json f = {{"patient_name", "A. Patient"}, {"birth_date", "1961-05-04"},
              {"referrer", "Dr B"}, {"referral_date", kDay}, {"specialty", "neurosurgery"},
              {"question", "Decompression?"}, {"suspected_diagnosis", "L5 radiculopathy"},
              {"urgency", "routine"}, {"pain_pattern", "radicular"}, {"conservative_weeks", 3},
              {"bmi", 42.5}};
    for (const auto& fl : flags()["flags"]) f["rf_" + fl["key"].get<std::string>()] = false;
    return f;
}

TEST(ReferralLetterTest, RendersEverySectionAndTheScreen) {
    const auto& m = loaded_module();
    json form = complete_form();
    form["rf_major_motor_weakness"] = true;
    const auto doc = referral_letter(form, *m.form("referral"), flags(),
                                     source_rules().at("referral", day(kDay)));
    EXPECT_EQ(doc.media_type, "text/markdown");
    for (const char* s : {"## 1. Patient and referrer", "## 4. Red-flag screen",
                          "## 9. Outcome trends", "**Triage:** emergency", "A. Patient",
                          "| Major motor weakness (quadriceps; foot drop) | **present** |",
                          "| Fever or chills (> 38 °C, > 48 h) | absent |",
                          "weight-management advice", "conservative-care minimum does not apply"})
        EXPECT_NE(doc.body.find(s), std::string::npos) << s;
}

TEST(ReferralNotesTest, ElectiveTimingByPainPattern) {
    const auto cfg = source_rules().at("referral", day(kDay));
    json form = complete_form();
    const auto routine = triage({}, flags());
    auto notes = referral_notes(form, routine, cfg);
    EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
        return n.find("about 6 weeks for radicular") != std::string::npos;
    }));
    form["conservative_weeks"] = 6;
    form["bmi"] = 30;
    EXPECT_TRUE(referral_notes(form, routine, cfg).empty());
    form["pain_pattern"] = "axial";
    notes = referral_notes(form, routine, cfg);
    EXPECT_EQ(notes.size(), 2u) << "12 weeks for axial pain, and the leg-dominant note";
}

TEST(CareSummaryTest, SessionsInjectionsAndTrends) {
    std::vector<api::VisitSummary> visits{
        {day("2025-10-01"), "", "physical_therapy", "pt_session", {"97110"}, {}},
        {day("2025-10-08"), "", "physical_therapy", "pt_session", {"97110"}, {}},
        {day("2025-10-10"), "chiropractic", "chiropractic", "adjustment_visit", {"98940"}, {}},
        {day("2025-12-01"), "injections", "injections", "transforaminal_esi", {"64483"},
         {{"procedure", "transforaminal_esi"}, {"region", "lumbar"}, {"levels", {"L5-S1"}},
          {"pain_pre", 8}, {"pain_post", 2}}}};
    std::vector<api::OutcomeScore> outcomes{{day("2025-10-01"), "odi", 48},
                                            {day("2026-01-10"), "odi", 36},
                                            {day("2025-10-01"), "nprs", 6},
                                            {day("2026-01-10"), "nprs", 7}};
    const auto s = care_summary(visits, outcomes);
    EXPECT_EQ(s["sessions_by_discipline"]["physical_therapy"]["sessions"], 2);
    EXPECT_EQ(s["sessions_by_discipline"]["chiropractic"]["sessions"], 1);
    EXPECT_EQ(s["injections"][0]["relief_percent"], 75);
    EXPECT_EQ(s["outcomes"]["odi"]["trend"], "improving");
    EXPECT_EQ(s["outcomes"]["nprs"]["trend"], "worsening");
    EXPECT_EQ(s["weeks"], 8);
}

TEST(SurgeryReferralPluginTest, LoadsValidatesAndIsNotBillable) {
    const auto& m = loaded_module();
    ASSERT_NE(m.form("referral"), nullptr);
    const auto* wf = m.workflow("referral");
    ASSERT_NE(wf, nullptr);
    std::string at = wf->initial;
    for (const char* a : {"send", "acknowledge", "schedule_consult", "record_consult", "close"})
        at = wf->find(at, a)->to;
    EXPECT_EQ(at, "closed");

    EXPECT_FALSE(m.evaluate_guard("referral_complete", json::object()).allowed);
    json missing_flag = complete_form();
    missing_flag.erase("rf_saddle_anaesthesia");
    EXPECT_FALSE(m.evaluate_guard("referral_complete", missing_flag).allowed);
    EXPECT_TRUE(m.evaluate_guard("referral_complete", complete_form()).allowed);
    EXPECT_FALSE(m.evaluate_guard("consult_outcome_recorded", {{"consult_outcome", "maybe"}})
                     .allowed);
    EXPECT_TRUE(m.evaluate_guard("consult_outcome_recorded", {{"consult_outcome", "more_tests"}})
                    .allowed);

    const auto r = m.bill(request(kDay, "medicare", json::object()));
    EXPECT_TRUE(r.lines.empty());
    EXPECT_TRUE(has_warning(r, "not billable"));

    const auto t = m.run_action("triage", {{"flags", {"fever"}}});
    EXPECT_EQ(t["tier"], "urgent");
    const auto letter = m.run_action("referral_letter", complete_form());
    EXPECT_EQ(letter["media_type"], "text/markdown");
    EXPECT_NE(letter["body"].get<std::string>().find("# Referral"), std::string::npos);
    EXPECT_THROW(m.run_action("referral_letter", json{{"patient_name", "x"}}), Error);
}

}  // namespace
}  // namespace vertebra::plugins::surgery_referral
