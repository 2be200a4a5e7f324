// End-to-end visit billing: core kernel plus the five real plugins loaded by the host.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::core::billing {
namespace {

using nlohmann::json;

struct Modules {
    std::unique_ptr<PluginHost> host;
    std::unique_ptr<ModuleRegistry> registry;
};

const ModuleRegistry& modules() {
    static Modules m = [] {
        Modules out;
        PluginHostOptions o;
        o.dirs = {VERTEBRA_MODULE_PLUGIN_DIR};
        o.default_dirs = false;
        out.host = std::make_unique<PluginHost>(o);
        out.host->load();
        out.registry = std::make_unique<ModuleRegistry>(*out.host, nullptr);
        return out;
    }();
    return *m.registry;
}

std::map<std::string, int> lines(const VisitBill& b) {
    std::map<std::string, int> m;
    for (const auto& l : b.result.lines) m[l.code] = l.units;
    return m;
}

bool warned(const VisitBill& b, const std::string& needle) {
    for (const auto& w : b.result.warnings)
        if (w.find(needle) != std::string::npos) return true;
    return false;
}

VisitBill bill(const json& visit, const std::string& payer) {
    BillOptions o;
    o.payer = payer;
    return bill_visit(visit, modules(), o);
}

const json kIssueVisit = json::parse(R"({"date": "2026-03-02",
 "items": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
 "chiropractic": {"spinal_regions": ["cervical", "lumbar"], "extraspinal_regions": ["upper_extremity"],
                  "care": "active", "findings": {"cervical": ["P", "A"], "lumbar": ["R", "T"]}},
 "acupuncture": {"increments": [{"minutes": 15, "estim": false},
                                {"minutes": 15, "estim": true, "new_needles": true}]},
 "injections": {"procedure": "trigger_point",
                "muscles": ["trapezius_left", "trapezius_right", "levator_scapulae_right"],
                "drugs": [{"drug": "triamcinolone", "mg": 40}]}})");

TEST(VisitBillingEndToEndTest, AllFiveModulesRun) {
    for (const char* id : {"chiropractic", "acupuncture", "massage", "injections",
                           "surgery_referral"})
        EXPECT_NE(modules().active(id), nullptr) << id << ": " << modules().status(id).error;
}

TEST(VisitBillingEndToEndTest, IssueVisitUnderMedicare) {
    const auto b = bill(kIssueVisit, "medicare");
    EXPECT_EQ(lines(b), (std::map<std::string, int>{{"97110", 2}, {"97140", 1}, {"98940", 1},
                                                    {"97810", 1}, {"97814", 1}, {"20553", 1},
                                                    {"J3301", 4}}));
    EXPECT_EQ(b.result.line("98940")->modifiers, std::vector<std::string>{"AT"});
    EXPECT_EQ(b.result.line("97110")->modifiers, std::vector<std::string>{"GP"});
    EXPECT_TRUE(warned(b, "98943")) << "extraspinal CMT not covered by Medicare";
    EXPECT_TRUE(warned(b, "NCCI: 97140 with CMT")) << "97140 pairs with CMT";
    EXPECT_EQ(b.result.total_timed_minutes, 40);
    EXPECT_GT(b.result.total_cents, 0);
}

TEST(VisitBillingEndToEndTest, IssueVisitUnderCommercial) {
    const auto b = bill(kIssueVisit, "commercial");
    EXPECT_EQ(lines(b), (std::map<std::string, int>{{"97110", 2}, {"98940", 1}, {"98943", 1},
                                                    {"97810", 1}, {"97814", 1}, {"20553", 1},
                                                    {"J3301", 4}}));
    EXPECT_TRUE(b.result.line("98940")->modifiers.empty());
    EXPECT_TRUE(b.result.line("97110")->modifiers.empty());
}

TEST(VisitBillingEndToEndTest, MassageMinutesArePooledWithPtUnderMedicare) {
    const json v = {{"date", "2026-03-02"},
                    {"items", {{{"code", "97110"}, {"minutes", 7}}}},
                    {"massage", {{"services", {{{"code", "97124"}, {"minutes", 6},
                                                {"regions", {"lumbar"}}}}}}}};
    const auto m = bill(v, "medicare");
    EXPECT_EQ(lines(m), (std::map<std::string, int>{{"97110", 1}}));
    EXPECT_TRUE(bill(v, "commercial").result.lines.empty());
    const json items_only = {{"date", "2026-03-02"},
                             {"items", {{{"code", "97124"}, {"minutes", 23}}}}};
    EXPECT_EQ(lines(bill(items_only, "commercial")), (std::map<std::string, int>{{"97124", 2}}));
}

TEST(VisitBillingEndToEndTest, NcciReviewSeesItemsFromAnyModule) {
    const json v = {{"date", "2026-03-02"},
                    {"items", {{{"code", "97140"}, {"minutes", 15}}, {{"code", "97530"}, {"minutes", 15}}}}};
    EXPECT_TRUE(warned(bill(v, "commercial"), "mutually exclusive"));
}

TEST(VisitBillingEndToEndTest, ReferralIsNotBillable) {
    const json v = {{"date", "2026-03-02"}, {"surgery_referral", json::object()}};
    const auto b = bill(v, "medicare");
    EXPECT_TRUE(b.result.lines.empty());
    EXPECT_TRUE(warned(b, "not billable"));
}

TEST(VisitBillingEndToEndTest, MethylprednisoloneCodeByDateOfService) {
    json v = {{"date", "2024-03-29"},
              {"injections", {{"drugs", {{{"drug", "methylprednisolone"}, {"mg", 80}}}}}}};
    EXPECT_EQ(lines(bill(v, "commercial")), (std::map<std::string, int>{{"J1040", 1}}));
    v["date"] = "2024-04-01";
    EXPECT_EQ(lines(bill(v, "commercial")), (std::map<std::string, int>{{"J1010", 80}}));
}

TEST(VisitBillingEndToEndTest, PacemakerAndEstimWarns) {
    json v = {{"date", "2026-03-02"},
              {"patient", {{"flags", {"pacemaker"}}}},
              {"acupuncture", {{"increments", {{{"minutes", 15}, {"estim", true}}}}}}};
    EXPECT_TRUE(warned(bill(v, "commercial"), "Absolute contraindication"));
}

struct Bad {
    std::string name;
    json visit;
    std::string field;
    std::string payer = "commercial";
};
void PrintTo(const Bad& b, std::ostream* os) { *os << b.name; }

class VisitBillingRejectsTest : public ::testing::TestWithParam<Bad> {};

TEST_P(VisitBillingRejectsTest, Exit2NamingTheField) {
    try {
        bill(GetParam().visit, GetParam().payer);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.exit_code(), 2) << e.what();
        EXPECT_EQ(e.field(), GetParam().field) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Input, VisitBillingRejectsTest,
    ::testing::Values(
        Bad{"NoDate", {{"items", json::array()}}, "date"},
        Bad{"BadDate", {{"date", "02/03/2026"}}, "date"},
        Bad{"UnknownCode", {{"date", "2026-03-02"}, {"items", {{{"code", "12345"}}}}},
            "items[0].code"},
        Bad{"NegativeMinutes",
            {{"date", "2026-03-02"}, {"items", {{{"code", "97110"}, {"minutes", -5}}}}},
            "items[0].minutes"},
        Bad{"UnknownModule", {{"date", "2026-03-02"}, {"yoga", json::object()}}, "yoga"},
        Bad{"ModuleField", {{"date", "2026-03-02"}, {"chiropractic", {{"care", "weekly"}}}},
            "chiropractic.care"},
        Bad{"AcupunctureMinutes",
            {{"date", "2026-03-02"},
             {"acupuncture", {{"increments", {{{"minutes", 15}}, {{"minutes", -1}}}}}}},
            "acupuncture.increments[1].minutes"},
        Bad{"UnknownPayer", {{"date", "2026-03-02"}}, "payer", "acme"},
        Bad{"DateBeforeData", {{"date", "2019-06-01"}}, "date"}),
    [](const auto& tp) { return tp.param.name; });

TEST(VisitBillingEndToEndTest, MalformedJsonNamesTheInput) {
    try {
        parse_visit_json("{\"date\": ");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.exit_code(), 2);
        EXPECT_EQ(e.field(), "input");
    }
}

TEST(VisitBillingEndToEndTest, OutputShape) {
    const auto j = to_json(bill(kIssueVisit, "medicare"));
    ASSERT_TRUE(j["lines"].is_array());
    for (const auto& l : j["lines"]) {
        EXPECT_EQ(l.size(), 3u);
        EXPECT_GT(l["units"].get<int>(), 0);
        EXPECT_TRUE(l["modifiers"].is_array());
    }
    EXPECT_TRUE(j["warnings"].is_array());
}

}  // namespace
}  // namespace vertebra::core::billing
