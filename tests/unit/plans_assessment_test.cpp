// Assessment validation, red-flag triage (RULES.md §6.2) and core medication rules (§9.5).
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {
namespace {

namespace pa = plugin_api;

Assessment sample() {
    Assessment a;
    a.patient_id = 7;
    a.assessed_on = parse_local_date("2026-03-02");
    a.presenting_complaint = "Low back pain radiating to the left leg";
    a.duration_weeks = 14;
    a.pain_pattern = PainPattern::Radicular;
    a.causes = {"herniated_disc"};
    a.diagnoses = {{"m51.26", "", false}, {"M54.17", "", false}};
    return a;
}

TEST(AssessmentTest, ValidatesAndNormalisesDiagnoses) {
    auto a = sample();
    validate_assessment(a);
    EXPECT_EQ(a.diagnoses[0].code, "M51.26");
    EXPECT_EQ(a.diagnoses[0].descriptor, "Other intervertebral disc displacement, lumbar region");
    EXPECT_TRUE(a.diagnoses[0].primary);
    EXPECT_FALSE(a.diagnoses[1].primary);
}

TEST(AssessmentTest, RefusesRetiredCodeWithHintNamingTheField) {
    auto a = sample();
    a.diagnoses.push_back({"M54.5", "", false});
    try {
        validate_assessment(a);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "diagnoses[2]");
        EXPECT_NE(std::string(e.what()).find("M54.50, M54.51 or M54.59"), std::string::npos) << e.what();
    }
}

TEST(AssessmentTest, RefusesUnknownCauseFlagAndBadValues) {
    auto a = sample();
    a.causes = {"bad_luck"};
    EXPECT_THROW(validate_assessment(a), Error);
    a = sample();
    a.red_flags = {{"alien_abduction", true}};
    EXPECT_THROW(validate_assessment(a), Error);
    a = sample();
    a.presenting_complaint.clear();
    EXPECT_THROW(validate_assessment(a), Error);
    a = sample();
    a.egfr = -3;
    EXPECT_THROW(validate_assessment(a), Error);
    a = sample();
    a.diagnoses = {{"M51.26", "", true}, {"M54.17", "", true}};
    EXPECT_THROW(validate_assessment(a), Error);
    a = sample();
    outcomes::Observation o;
    o.measure = outcomes::Measure::Nrs;
    o.value = 12;
    a.baseline = {o};
    EXPECT_THROW(validate_assessment(a), Error);
}

TEST(AssessmentTest, JsonRoundTrip) {
    auto a = sample();
    a.egfr = 45;
    a.medications = {{"lisinopril", ""}};
    a.conditions = {{"", "osteoporosis", std::nullopt, true}};
    a.red_flags = {{"fever", false}};
    outcomes::Observation o;
    o.measure = outcomes::Measure::Odi;
    o.value = 42;
    o.taken_at = outcomes::parse_utc("2026-03-02T09:00:00Z", "t");
    a.baseline = {o};
    validate_assessment(a);
    nlohmann::json j = a;
    const auto back = j.get<Assessment>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(back.baseline.at(0).value, 42);
    EXPECT_EQ(back.pain_pattern, PainPattern::Radicular);
}

struct TriageCase {
    std::vector<std::string> present;
    TriageTier tier;
    bool escalate;
};

class TriageTest : public testing::TestWithParam<TriageCase> {};

TEST_P(TriageTest, TierFromDefaults) {
    std::vector<RedFlagAnswer> screen;
    for (const auto& f : default_clinical_rules().red_flags.flags) {
        const bool present = std::find(GetParam().present.begin(), GetParam().present.end(),
                                       f.id) != GetParam().present.end();
        screen.push_back({f.id, present});
    }
    const auto t = triage(screen);
    EXPECT_EQ(t.tier, GetParam().tier);
    EXPECT_EQ(t.escalate, GetParam().escalate);
    EXPECT_TRUE(t.unanswered.empty());
    EXPECT_EQ(t.present.size(), GetParam().present.size());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, TriageTest,
    testing::Values(TriageCase{{}, TriageTier::None, false},
                    TriageCase{{"saddle_anaesthesia"}, TriageTier::Emergency, true},
                    TriageCase{{"bladder_dysfunction", "fever"}, TriageTier::Emergency, true},
                    TriageCase{{"progressive_deficit"}, TriageTier::Emergency, true},
                    TriageCase{{"major_motor_weakness"}, TriageTier::Urgent, true},
                    TriageCase{{"fever"}, TriageTier::SameDayUrgent, true},
                    TriageCase{{"major_trauma"}, TriageTier::SameDayUrgent, true},
                    TriageCase{{"cancer_history"}, TriageTier::Urgent, true},
                    TriageCase{{"cancer_history", "fever"}, TriageTier::SameDayUrgent, true},
                    TriageCase{{"age_over_50"}, TriageTier::Routine, false},
                    TriageCase{{"suspected_aaa"}, TriageTier::Emergency, true}));

TEST(TriageTest, ListsUnansweredFlagsAndAction) {
    const auto t = triage({{"saddle_anaesthesia", true}});
    EXPECT_EQ(t.tier, TriageTier::Emergency);
    EXPECT_EQ(t.action, "Emergency referral: emergency department, same day");
    EXPECT_EQ(t.unanswered.size(), default_clinical_rules().red_flags.flags.size() - 1);
}

struct MedCase {
    std::string drug;
    std::optional<double> egfr;
    std::vector<std::string> current;
    std::vector<std::string> conditions;
    std::vector<std::string> expected_rules;
    std::vector<pa::Severity> expected_severities;
};

class MedicationRulesTest : public testing::TestWithParam<MedCase> {};

TEST_P(MedicationRulesTest, FindingsFromData) {
    const auto& c = GetParam();
    Assessment a = sample();
    a.egfr = c.egfr;
    for (const auto& m : c.current) a.medications.push_back({m, ""});
    for (const auto& n : c.conditions) a.conditions.push_back({"", n, std::nullopt, true});
    const auto f = check_medication({c.drug, ""}, a, default_clinical_rules().medication);
    std::vector<std::string> rules;
    std::vector<pa::Severity> sev;
    for (const auto& x : f) {
        rules.push_back(x.rule);
        sev.push_back(x.severity);
        EXPECT_FALSE(x.reason.empty());
    }
    EXPECT_EQ(rules, c.expected_rules);
    EXPECT_EQ(sev, c.expected_severities);
}

using S = pa::Severity;
INSTANTIATE_TEST_SUITE_P(
    Rules, MedicationRulesTest,
    testing::Values(
        MedCase{"ibuprofen", 29.9, {}, {}, {"nsaid_egfr_below_30"}, {S::Absolute}},
        MedCase{"ibuprofen", 30, {}, {}, {"nsaid_egfr_30_59"}, {S::Relative}},
        MedCase{"naproxen", 59, {}, {}, {"nsaid_egfr_30_59"}, {S::Relative}},
        MedCase{"naproxen", 60, {}, {}, {}, {}},
        MedCase{"naproxen", std::nullopt, {}, {}, {}, {}},
        MedCase{"diclofenac", 90, {"lithium"}, {}, {"nsaid_lithium"}, {S::Absolute}},
        MedCase{"ibuprofen", 90, {"lisinopril", "furosemide"}, {}, {"nsaid_ace_arb_diuretic"}, {S::Relative}},
        MedCase{"ibuprofen", 90, {"losartan", "hydrochlorothiazide"}, {}, {"nsaid_ace_arb_diuretic"}, {S::Relative}},
        MedCase{"ibuprofen", 90, {"lisinopril"}, {}, {}, {}},  // ACE alone: no triple whammy
        MedCase{"ibuprofen", 90, {"furosemide"}, {}, {}, {}},
        MedCase{"ibuprofen", 90, {"apixaban"}, {}, {"nsaid_bleeding_risk"}, {S::Relative}},
        MedCase{"ibuprofen", 90, {}, {"gi_bleed"}, {"nsaid_gi_bleed"}, {S::Relative}},
        MedCase{"ibuprofen", 25, {"lithium"}, {}, {"nsaid_egfr_below_30", "nsaid_lithium"}, {S::Absolute, S::Absolute}},
        MedCase{"paracetamol", 10, {"lithium"}, {}, {}, {}}));  // not an NSAID

TEST(MedicationRulesTest, ExplicitClassWinsOverDictionary) {
    Assessment a = sample();
    a.egfr = 20;
    const auto f = check_medication({"brandx", "nsaid"}, a, default_clinical_rules().medication);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule, "nsaid_egfr_below_30");
    EXPECT_NE(f[0].reason.find("eGFR 20"), std::string::npos);
}

TEST(ClinicalRulesTest, RefusesMalformedRules) {
    auto j = default_clinical_rules_json();
    j["review"]["elective_referral_min_conservative_weeks"]["radicular"] = 4;  // range 6-12
    EXPECT_THROW(parse_clinical_rules(j), Error);
    j = default_clinical_rules_json();
    j["medication"]["rules"][0]["severity"] = "sometimes";
    EXPECT_THROW(parse_clinical_rules(j), Error);
    j = default_clinical_rules_json();
    j["red_flags"]["flags"][0]["group"] = "nope";
    EXPECT_THROW(parse_clinical_rules(j), Error);
    j = default_clinical_rules_json();
    j["review"]["elective_referral_min_conservative_weeks"]["radicular"] = 8;
    EXPECT_EQ(parse_clinical_rules(j).review.radicular_referral_weeks, 8);
}

}  // namespace
}  // namespace vertebra::core::plans
