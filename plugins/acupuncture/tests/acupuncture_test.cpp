// Tests of the acupuncture module: increments, payer thresholds, NCD 30.3.3 over a year, safety.
#include <gtest/gtest.h>

#include <map>

#include "acupuncture_rules.hpp"
#include "module_support.hpp"
#include "module_test_support.hpp"

namespace vertebra::plugins::acupuncture {
namespace {

using namespace vertebra::plugins::testing;
using nlohmann::json;

const char* kDay = "2026-03-02";

json options_for(const std::string& payer_id) {
    return shared::payer_options(source_rules(), payer(payer_id), day(kDay));
}

struct IncCase {
    std::string name;
    std::string payer;
    std::vector<Increment> increments;
    std::map<std::string, int> lines;  // code -> units; absent codes must not appear
};
void PrintTo(const IncCase& c, std::ostream* os) { *os << c.name; }

class IncrementTest : public ::testing::TestWithParam<IncCase> {};

TEST_P(IncrementTest, CodesAndUnits) {
    const auto r = bill_increments(GetParam().increments,
                                   source_rules().at("increments", day(kDay)),
                                   options_for(GetParam().payer));
    std::map<std::string, int> got;
    for (const auto& l : r.lines) got[l.code] += l.units;
    EXPECT_EQ(got, GetParam().lines);
    EXPECT_LE(units(r, "97810") + units(r, "97813"), 1) << "one initial code per day";
}

const Increment P15{15, false, false}, E15{15, true, false}, P15N{15, false, true},
    E15N{15, true, true};

INSTANTIATE_TEST_SUITE_P(
    Rules, IncrementTest,
    ::testing::Values(
        IncCase{"OnePlain", "commercial", {P15}, {{"97810", 1}}},
        IncCase{"OneEstim", "commercial", {E15}, {{"97813", 1}}},
        IncCase{"EightMinutesIsTheInitialMidpoint", "commercial", {{8, false, false}},
                {{"97810", 1}}},
        IncCase{"SevenMinutesBillsNothing", "commercial", {{7, false, false}, P15N}, {}},
        IncCase{"PlainThenPlain", "commercial", {P15, P15N}, {{"97810", 1}, {"97811", 1}}},
        IncCase{"FamiliesMix", "commercial", {P15, E15N}, {{"97810", 1}, {"97814", 1}}},
        IncCase{"EstimFirstThenBoth", "medicare", {E15, P15N, E15N},
                {{"97813", 1}, {"97811", 1}, {"97814", 1}}},
        IncCase{"ThreeIncrements", "medicare", {P15, P15N, P15N}, {{"97810", 1}, {"97811", 2}}},
        IncCase{"AddOnNeedsNewNeedles", "commercial", {P15, P15}, {{"97810", 1}}},
        IncCase{"AddOnAtEightMinutesDefault", "commercial", {P15, {8, false, true}},
                {{"97810", 1}, {"97811", 1}}},
        IncCase{"AddOnUnderEight", "commercial", {P15, {7, false, true}}, {{"97810", 1}}},
        IncCase{"FullIncrementPayerRefusesTen", "commercial_full_increment",
                {P15, {10, false, true}}, {{"97810", 1}}},
        IncCase{"FullIncrementPayerTakesFifteen", "medicare_advantage", {P15, P15N},
                {{"97810", 1}, {"97811", 1}}},
        IncCase{"MedicareAdvantageRefusesTwelve", "medicare_advantage",
                {E15, {12, true, true}}, {{"97813", 1}}}),
    [](const auto& tp) { return tp.param.name; });

TEST(AcupunctureBillingTest, InitialAlreadyBilledTodayMakesEveryIncrementAnAddOn) {
    const auto r = bill_increments({P15N, P15N}, source_rules().at("increments", day(kDay)),
                                   options_for("commercial"), true);
    EXPECT_EQ(units(r, "97810"), 0);
    EXPECT_EQ(units(r, "97811"), 2);
    EXPECT_TRUE(has_warning(r, "already billed today"));
}

TEST(AcupunctureBillingTest, RejectsBadIncrementsNamingTheField) {
    const auto field_of = [](const json& s) {
        try {
            parse_session(s);
        } catch (const Error& e) {
            return e.field();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(field_of({{"increments", {{{"minutes", 15}}, {{"minutes", -1}}}}}),
              "acupuncture.increments[1].minutes");
    EXPECT_THROW(bill_increments({{16, false, false}}, source_rules().at("increments", day(kDay)),
                                 options_for("commercial")),
                 Error);
    EXPECT_EQ(field_of({{"increments", {{{"estim", true}}}}}), "acupuncture.increments[0].minutes");
    // 4294967297 minutes used to be read as 1 (a narrowing read); anything over a day is refused.
    for (long long huge : {4294967297LL, 1441LL, 9223372036854775807LL})
        EXPECT_EQ(field_of({{"increments", {{{"minutes", huge}}}}}), "acupuncture.increments[0].minutes")
            << huge;
    EXPECT_EQ(field_of({{"increments", {{{"minutes", 18446744073709551615ULL}}}}}),
              "acupuncture.increments[0].minutes");
    EXPECT_EQ(field_of({{"increments", {{{"minutes", 15}, {"estim", "yes"}}}}}),
              "acupuncture.increments[0].estim");
    EXPECT_EQ(field_of({{"history", {"2026-13-01"}}}), "acupuncture.history[0]");
}

struct EligCase {
    std::string name;
    Indication ind;
    std::vector<std::string> rules;
};
void PrintTo(const EligCase& c, std::ostream* os) { *os << c.name; }

class EligibilityTest : public ::testing::TestWithParam<EligCase> {};

TEST_P(EligibilityTest, Ncd30_3_3) {
    std::vector<std::string> got;
    for (const auto& f : check_eligibility(GetParam().ind,
                                           source_rules().at("ncd_30_3_3", day(kDay)))) {
        EXPECT_EQ(f.severity, api::Severity::Absolute);
        got.push_back(f.rule);
    }
    EXPECT_EQ(got, GetParam().rules);
}

INSTANTIATE_TEST_SUITE_P(
    Facts, EligibilityTest,
    ::testing::Values(
        EligCase{"Eligible", {true, 12, true, false, false}, {}},
        EligCase{"ElevenWeeks", {true, 11, true, false, false}, {"ncd_30_3_3_duration"}},
        EligCase{"NotBackPain", {false, 30, true, false, false}, {"ncd_30_3_3_indication"}},
        EligCase{"SystemicCause", {true, 20, false, false, false}, {"ncd_30_3_3_nonspecific"}},
        EligCase{"AfterSurgery", {true, 20, true, true, false}, {"ncd_30_3_3_surgery"}},
        EligCase{"Pregnancy", {true, 20, true, false, true}, {"ncd_30_3_3_pregnancy"}}),
    [](const auto& tp) { return tp.param.name; });

TEST(AcupunctureEligibilityTest, FromThePatientRecord) {
    const auto ncd = source_rules().at("ncd_30_3_3", day(kDay));
    api::PatientRecord p;
    p.conditions.push_back({"M54.50", "chronic_low_back_pain", day("2025-11-01"), true});
    EXPECT_TRUE(check_eligibility(p, day(kDay), ncd).empty());
    EXPECT_FALSE(check_eligibility(p, day("2025-12-01"), ncd).empty()) << "only 4 weeks";
    p.flags.push_back("pregnant");
    EXPECT_TRUE(has_finding(check_eligibility(p, day(kDay), ncd), "ncd_30_3_3_pregnancy",
                            api::Severity::Absolute));
    api::PatientRecord neck;
    neck.conditions.push_back({"M54.2", "neck_pain", day("2020-01-01"), true});
    EXPECT_TRUE(has_finding(check_eligibility(neck, day(kDay), ncd), "ncd_30_3_3_indication",
                            api::Severity::Absolute));
}

/// Weekly visits from 2026-01-05; checks each visit against the visits before it.
std::vector<std::vector<api::Finding>> a_year_of_weekly_visits(int count, bool improvement,
                                                               const std::string& payer_id) {
    std::vector<LocalDate> done;
    std::vector<std::vector<api::Finding>> out;
    for (int k = 0; k < count; ++k) {
        const LocalDate d = day("2026-01-05") + date::days{7 * k};
        out.push_back(check_limits(d, done, improvement,
                                   source_rules().at("ncd_30_3_3", d),
                                   shared::payer_options(source_rules(), payer(payer_id), d)));
        done.push_back(d);
    }
    return out;
}

TEST(AcupunctureLimitsTest, TwelveVisitsInNinetyDaysThenImprovementThenTwentyAYear) {
    const auto without = a_year_of_weekly_visits(22, false, "medicare");
    for (int k = 0; k < 12; ++k) EXPECT_TRUE(without[k].empty()) << "visit " << k + 1;
    for (int k = 12; k < 20; ++k)
        EXPECT_TRUE(has_finding(without[k], "ncd_30_3_3_improvement_required",
                                api::Severity::Absolute))
            << "visit " << k + 1;
    const auto with = a_year_of_weekly_visits(22, true, "medicare");
    for (int k = 0; k < 20; ++k) EXPECT_TRUE(with[k].empty()) << "visit " << k + 1;
    for (int k = 20; k < 22; ++k)
        EXPECT_TRUE(has_finding(with[k], "ncd_30_3_3_annual_limit", api::Severity::Absolute))
            << "visit " << k + 1;
}

TEST(AcupunctureLimitsTest, NinetyDayWindowRunsFromTheFirstVisit) {
    const auto ncd = source_rules().at("ncd_30_3_3", day(kDay));
    const auto opts = options_for("medicare");
    const std::vector<LocalDate> prior{day("2026-01-05"), day("2026-01-12")};
    EXPECT_TRUE(check_limits(day("2026-04-04"), prior, false, ncd, opts).empty()) << "day 89";
    EXPECT_TRUE(has_finding(check_limits(day("2026-04-05"), prior, false, ncd, opts),
                            "ncd_30_3_3_improvement_required", api::Severity::Absolute))
        << "day 90: the first 90 days are over";
    json rolling = opts;
    rolling["window_basis"] = "rolling";
    EXPECT_TRUE(check_limits(day("2026-04-05"), prior, false, ncd, rolling).empty());
}

TEST(AcupunctureLimitsTest, CalendarYearResetsRollingYearDoesNot) {
    std::vector<LocalDate> prior;
    for (int k = 0; k < 20; ++k) prior.push_back(day("2026-06-01") + date::days{7 * k});
    const auto ncd = source_rules().at("ncd_30_3_3", day(kDay));
    json calendar = options_for("medicare");
    EXPECT_EQ(visit_number_in_year(day("2027-01-04"), prior, "calendar"), 1);
    EXPECT_TRUE(check_limits(day("2027-01-04"), prior, false, ncd, calendar).empty());
    json rolling = calendar;
    rolling["year_basis"] = "rolling_12_months";
    EXPECT_EQ(visit_number_in_year(day("2027-01-04"), prior, "rolling_12_months"), 21);
    EXPECT_TRUE(has_finding(check_limits(day("2027-01-04"), prior, true, ncd, rolling),
                            "ncd_30_3_3_annual_limit", api::Severity::Absolute));
}

TEST(AcupunctureLimitsTest, KxFromTheConfiguredVisit) {
    const auto ma = a_year_of_weekly_visits(20, true, "medicare_advantage");
    for (int k = 0; k < 12; ++k)
        EXPECT_FALSE(has_finding(ma[k], "acupuncture_kx", api::Severity::Relative)) << k + 1;
    for (int k = 12; k < 20; ++k)
        EXPECT_TRUE(has_finding(ma[k], "acupuncture_kx", api::Severity::Relative)) << k + 1;
    const auto medicare = a_year_of_weekly_visits(20, true, "medicare");
    for (const auto& v : medicare)
        EXPECT_FALSE(has_finding(v, "acupuncture_kx", api::Severity::Relative));
}

TEST(AcupunctureSafetyTest, EstimRefusedWithPacemakerOrIcd) {
    for (const char* device : {"pacemaker", "icd"}) {
        api::PatientRecord p;
        p.flags.push_back(device);
        api::PlannedService estim{"acupuncture", "acupuncture_session", day(kDay), {},
                                  payer("medicare"), {{"estim", true}}};
        EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), p, estim),
                                "estim_implanted_device", api::Severity::Absolute));
        api::PlannedService plain = estim;
        plain.details["estim"] = false;
        EXPECT_TRUE(shared::contraindications(source_rules(), p, plain).empty());
    }
    api::PatientRecord anticoag;
    anticoag.medications.push_back({"apixaban", "anticoagulant"});
    api::PlannedService plain{"acupuncture", "acupuncture_session", day(kDay), {},
                              payer("medicare"), {{"estim", false}}};
    EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), anticoag, plain),
                            "anticoagulant", api::Severity::Relative));
}

TEST(AcupuncturePluginTest, LoadsThroughTheHostAndBills) {
    const auto& m = loaded_module();
    EXPECT_NE(m.form("session_note"), nullptr);
    EXPECT_NE(m.workflow("acupuncture_visit"), nullptr);
    auto req = request(kDay, "medicare",
                       {{"increments", {{{"minutes", 15}, {"estim", false}},
                                        {{"minutes", 15}, {"estim", true}, {"new_needles", true}}}},
                        {"indication", {{"chronic_low_back_pain", true}, {"weeks", 20},
                                        {"nonspecific", true}}}});
    const auto r = m.bill(req);
    EXPECT_EQ(units(r, "97810"), 1);
    EXPECT_EQ(units(r, "97814"), 1);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();

    api::PatientRecord p;
    p.flags.push_back("pacemaker");
    req.patient = p;
    EXPECT_TRUE(has_warning(m.bill(req), "Absolute contraindication"));
    const auto f = m.check_contraindications(
        p, {"acupuncture", "acupuncture_session", day(kDay), {"97813"}, payer("medicare"), {}});
    EXPECT_TRUE(has_finding(f, "estim_implanted_device", api::Severity::Absolute));

    api::CoverageRequest cov;
    cov.patient.conditions.push_back({"M54.50", "chronic_low_back_pain", day("2025-01-01"), true});
    cov.planned = {"acupuncture", "acupuncture_session", day(kDay), {}, payer("medicare"), {}};
    for (int k = 0; k < 20; ++k)
        cov.history.push_back({day("2026-01-02") + date::days{3 * k}, "acupuncture",
                               "acupuncture_session", "97810", 1, {}, {}});
    EXPECT_TRUE(has_finding(m.check_coverage(cov), "ncd_30_3_3_annual_limit",
                            api::Severity::Absolute));
    cov.planned.payer = payer("commercial");
    EXPECT_TRUE(m.check_coverage(cov).empty()) << "no NCD for commercial payers";
}

}  // namespace
}  // namespace vertebra::plugins::acupuncture
