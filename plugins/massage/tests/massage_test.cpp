// Tests of the massage module: timed lines, NCCI pairing warnings, DVT and other contraindications.
#include <gtest/gtest.h>

#include "massage_rules.hpp"
#include "module_support.hpp"
#include "module_test_support.hpp"

namespace vertebra::plugins::massage {
namespace {

using namespace vertebra::plugins::testing;
using nlohmann::json;

const char* kDay = "2026-03-02";

api::LineItem billed(const std::string& code, int units, const std::string& region = "",
                     int minutes = 15) {
    api::LineItem l;
    l.code = code;
    l.units = units;
    l.region = region;
    l.minutes = minutes;
    return l;
}

struct NcciCase {
    std::string name;
    std::vector<api::LineItem> lines;
    json visit;
    std::vector<std::string> expected;  // substrings, one per expected warning, in order
};
void PrintTo(const NcciCase& c, std::ostream* os) { *os << c.name; }

class NcciTest : public ::testing::TestWithParam<NcciCase> {};

TEST_P(NcciTest, Warnings) {
    const auto w = ncci_warnings(GetParam().lines, GetParam().visit,
                                 source_rules().at("ncci", day(kDay)));
    ASSERT_EQ(w.size(), GetParam().expected.size()) << (w.empty() ? "" : w.front());
    for (std::size_t i = 0; i < w.size(); ++i)
        EXPECT_NE(w[i].find(GetParam().expected[i]), std::string::npos) << w[i];
}

INSTANTIATE_TEST_SUITE_P(
    Pairs, NcciTest,
    ::testing::Values(
        NcciCase{"NothingPaired", {billed("97110", 2), billed("97124", 1, "lumbar")}, {}, {}},
        NcciCase{"ManualTherapyWithTherapeuticActivities",
                 {billed("97140", 1), billed("97530", 1)}, {}, {"mutually exclusive"}},
        NcciCase{"ZeroUnitLinesAreNotPaired", {billed("97140", 0), billed("97530", 1)}, {}, {}},
        NcciCase{"MassageAndManualSameRegion",
                 {billed("97124", 1, "lumbar"), billed("97140", 1, "lumbar+thoracic")}, {},
                 {"same region (lumbar)"}},
        NcciCase{"MassageAndManualDistinctRegions",
                 {billed("97124", 1, "lumbar"), billed("97140", 1, "cervical")}, {},
                 {"distinct regions: append 59 or XS to 97124"}},
        NcciCase{"MassageAndManualRegionsUnknown", {billed("97124", 1), billed("97140", 1)}, {},
                 {"document distinct regions"}},
        NcciCase{"ManualWithCmtSameRegion",
                 {billed("98940", 1, "lumbar+cervical"), billed("97140", 1, "lumbar")}, {},
                 {"same region (lumbar): not separately billable"}},
        NcciCase{"MassageWithCmtOtherRegion",
                 {billed("98940", 1, "lumbar"), billed("97124", 1, "upper_extremity")}, {},
                 {"different region, append 59 or XS to 97124"}},
        NcciCase{"CmtRegionsFromTheVisitSection",
                 {billed("98941", 1), billed("97112", 1, "thoracic")},
                 {{"chiropractic", {{"spinal_regions", {"cervical", "thoracic", "lumbar"}}}}},
                 {"same region (thoracic)"}},
        NcciCase{"ShortServiceWithCmt",
                 {billed("98940", 1, "lumbar"), billed("97140", 1, "cervical", 7)}, {},
                 {"different region", "8-minute threshold"}},
        NcciCase{"UnknownRegionWithCmt", {billed("98940", 1, "lumbar"), billed("97140", 1)}, {},
                 {"document the region"}}),
    [](const auto& tp) { return tp.param.name; });

TEST(MassageBillingTest, ServicesBecomeTimedLinesForTheCore) {
    const auto cfg = source_rules().at("massage", day(kDay));
    const auto s = parse_session(
        {{"services", {{{"code", "97124"}, {"minutes", 20}, {"regions", {"lumbar"}}},
                       {{"code", "97140"}, {"minutes", 7}, {"regions", {"cervical", "cervical"}}}}}},
        cfg);
    const auto r = bill_services(s);
    ASSERT_EQ(r.lines.size(), 2u);
    EXPECT_TRUE(r.lines[0].timed);
    EXPECT_EQ(r.lines[0].minutes, 20);
    EXPECT_EQ(r.lines[0].region, "lumbar");
    EXPECT_EQ(r.lines[1].region, "cervical");
    const auto field_of = [&](const json& sec) {
        try {
            parse_session(sec, cfg);
        } catch (const Error& e) {
            return e.field();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(field_of({{"services", {{{"code", "97110"}, {"minutes", 10}}}}}),
              "massage.services[0].code");
    EXPECT_EQ(field_of({{"services", {{{"code", "97124"}, {"minutes", -2}}}}}),
              "massage.services[0].minutes");
    EXPECT_EQ(field_of({{"services", {{{"code", "97124"}, {"minutes", 5}, {"regions", {"x"}}}}}}),
              "massage.services[0].regions");
}

TEST(MassageSafetyTest, DvtIsAbsoluteAnticoagulantRelativeStrokeOnlyForNeckWork) {
    api::PlannedService back{"massage", "massage_session", day(kDay), {"97124"},
                             payer("commercial"), {{"regions", {"lumbar"}}}};
    api::PatientRecord dvt;
    dvt.conditions.push_back({"I82.401", "dvt", std::nullopt, true});
    EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), dvt, back), "dvt",
                            api::Severity::Absolute));
    api::PatientRecord by_code;
    by_code.conditions.push_back({"I82.409", "", std::nullopt, true});
    EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), by_code, back), "dvt",
                            api::Severity::Absolute));
    api::PatientRecord treated = dvt;
    treated.conditions[0].active = false;
    EXPECT_TRUE(shared::contraindications(source_rules(), treated, back).empty());

    api::PatientRecord p;
    p.medications.push_back({"warfarin", "anticoagulant"});
    p.conditions.push_back({"", "recent_tia", std::nullopt, true});
    const auto f = shared::contraindications(source_rules(), p, back);
    EXPECT_TRUE(has_finding(f, "bleeding_risk", api::Severity::Relative));
    EXPECT_FALSE(has_finding(f, "stroke_neck_work", api::Severity::Absolute));
    api::PlannedService neck = back;
    neck.details = {{"regions", {"cervical"}}};
    EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), p, neck),
                            "stroke_neck_work", api::Severity::Absolute));
}

TEST(MassagePluginTest, LoadsThroughTheHostBillsAndReviews) {
    const auto& m = loaded_module();
    EXPECT_NE(m.form("session_note"), nullptr);
    EXPECT_NE(m.workflow("massage_visit"), nullptr);
    auto req = request(kDay, "medicare",
                       {{"services", {{{"code", "97124"}, {"minutes", 23}, {"regions", {"lumbar"}}}}}});
    api::PatientRecord p;
    p.conditions.push_back({"", "dvt", std::nullopt, true});
    req.patient = p;
    const auto r = m.bill(req);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_TRUE(has_warning(r, "Absolute contraindication"));
    api::VisitReview review;
    review.date_of_service = day(kDay);
    review.payer = payer("medicare");
    review.lines = {billed("97140", 2), billed("97530", 1)};
    EXPECT_EQ(m.review_visit(review).size(), 1u);
}

}  // namespace
}  // namespace vertebra::plugins::massage
