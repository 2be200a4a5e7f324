// Tests of the injections module: procedure codes, drug units by date, 12-month limits, workflow.
#include <gtest/gtest.h>

#include <map>

#include "injections_rules.hpp"
#include "module_support.hpp"
#include "module_test_support.hpp"

namespace vertebra::plugins::injections {
namespace {

using namespace vertebra::plugins::testing;
using nlohmann::json;

const char* kDay = "2026-03-02";

std::map<std::string, int> lines_of(const api::BillingResult& r) {
    std::map<std::string, int> m;
    for (const auto& l : r.lines) m[l.code] += l.units;
    return m;
}

api::BillingResult bill_pure(const json& section, const std::string& payer_id,
                             const char* date = kDay) {
    const auto d = day(date);
    const auto s = parse_session(section, source_rules().at("procedures", d),
                                 source_rules().at("drugs", d));
    const auto opts = shared::payer_options(source_rules(), payer(payer_id), d);
    auto r = bill_procedure(s, source_rules().at("procedures", d), opts);
    const auto dr = bill_drugs(s.drugs, source_rules().at("drugs", d), opts);
    r.lines.insert(r.lines.end(), dr.lines.begin(), dr.lines.end());
    r.warnings.insert(r.warnings.end(), dr.warnings.begin(), dr.warnings.end());
    return r;
}

struct ProcCase {
    std::string name;
    std::string payer;
    json section;
    std::map<std::string, int> lines;
};
void PrintTo(const ProcCase& c, std::ostream* os) { *os << c.name; }

class ProcedureTest : public ::testing::TestWithParam<ProcCase> {};

TEST_P(ProcedureTest, Codes) {
    EXPECT_EQ(lines_of(bill_pure(GetParam().section, GetParam().payer)), GetParam().lines);
}

const json kFluoro = "fluoroscopy";

INSTANTIATE_TEST_SUITE_P(
    Procedures, ProcedureTest,
    ::testing::Values(
        ProcCase{"TpiOneMuscle", "commercial",
                 {{"procedure", "trigger_point"}, {"muscles", {"trapezius_left"}}}, {{"20552", 1}}},
        ProcCase{"TpiLeftAndRightAreTwoMuscles", "commercial",
                 {{"procedure", "trigger_point"}, {"muscles", {"trapezius_left", "trapezius_right"}}},
                 {{"20552", 1}}},
        ProcCase{"TpiThreeMuscles", "medicare",
                 {{"procedure", "trigger_point"},
                  {"muscles", {"trapezius_left", "trapezius_right", "levator_scapulae_right"}}},
                 {{"20553", 1}}},
        ProcCase{"TpiRepeatsAddNothing", "commercial",
                 {{"procedure", "trigger_point"},
                  {"muscles", {"quadratus_lumborum_left", "quadratus_lumborum_left",
                               "quadratus_lumborum_left"}}},
                 {{"20552", 1}}},
        ProcCase{"InterlaminarLumbar", "medicare",
                 {{"procedure", "interlaminar_esi"}, {"region", "lumbar"}, {"levels", {"L4-L5"}},
                  {"imaging", kFluoro}},
                 {{"62323", 1}}},
        ProcCase{"InterlaminarCervical", "medicare",
                 {{"procedure", "interlaminar_esi"}, {"region", "cervical"}, {"levels", {"C6-C7"}},
                  {"imaging", kFluoro}},
                 {{"62321", 1}}},
        ProcCase{"TransforaminalOneLevel", "medicare",
                 {{"procedure", "transforaminal_esi"}, {"region", "lumbar"}, {"levels", {"L5-S1"}},
                  {"side", "left"}, {"imaging", kFluoro}},
                 {{"64483", 1}}},
        ProcCase{"TransforaminalTwoLevels", "medicare",
                 {{"procedure", "transforaminal_esi"}, {"region", "lumbar"},
                  {"levels", {"L4-L5", "L5-S1"}}, {"imaging", kFluoro}},
                 {{"64483", 1}, {"64484", 1}}},
        ProcCase{"TransforaminalThreeLevelsCapped", "commercial",
                 {{"procedure", "transforaminal_esi"}, {"region", "lumbar"},
                  {"levels", {"L3-L4", "L4-L5", "L5-S1"}}, {"imaging", kFluoro}},
                 {{"64483", 1}, {"64484", 1}}},
        ProcCase{"FacetThreeLevelsCommercial", "commercial",
                 {{"procedure", "facet"}, {"region", "lumbar"},
                  {"levels", {"L3-L4", "L4-L5", "L5-S1"}}, {"imaging", kFluoro}},
                 {{"64493", 1}, {"64494", 1}, {"64495", 1}}},
        ProcCase{"FacetThirdLevelNotCoveredByMedicare", "medicare",
                 {{"procedure", "facet"}, {"region", "lumbar"},
                  {"levels", {"L3-L4", "L4-L5", "L5-S1"}}, {"imaging", kFluoro}},
                 {{"64493", 1}, {"64494", 1}}},
        ProcCase{"FacetBilateralOneLevelIsOneLevel", "medicare",
                 {{"procedure", "facet"}, {"region", "lumbar"}, {"levels", {"L4-L5", "L4-L5"}},
                  {"side", "bilateral"}, {"imaging", kFluoro}},
                 {{"64493", 1}}},
        ProcCase{"RadiofrequencyTwoJoints", "medicare",
                 {{"procedure", "radiofrequency"}, {"region", "lumbar"},
                  {"levels", {"L4-L5", "L5-S1"}}, {"imaging", kFluoro}},
                 {{"64635", 1}, {"64636", 1}}}),
    [](const auto& tp) { return tp.param.name; });

TEST(InjectionsBillingTest, BilateralTransforaminalGetsModifier50OnEachLine) {
    const auto r = bill_pure({{"procedure", "transforaminal_esi"}, {"region", "lumbar"},
                              {"levels", {"L4-L5", "L5-S1"}}, {"side", "bilateral"},
                              {"imaging", "fluoroscopy"}},
                             "medicare");
    for (const auto& l : r.lines) EXPECT_EQ(l.modifiers, std::vector<std::string>{"50"});
}

TEST(InjectionsBillingTest, ImagingIsRequiredForSpinalProcedures) {
    const auto r = bill_pure({{"procedure", "interlaminar_esi"}, {"region", "lumbar"},
                              {"levels", {"L4-L5"}}, {"imaging", "none"}},
                             "commercial");
    EXPECT_TRUE(has_warning(r, "guidance is required"));
}

struct DrugCase {
    std::string name;
    const char* date;
    std::string drug;
    double mg;
    std::map<std::string, int> lines;
};
void PrintTo(const DrugCase& c, std::ostream* os) { *os << c.name; }

class DrugUnitsTest : public ::testing::TestWithParam<DrugCase> {};

TEST_P(DrugUnitsTest, UnitsByDateOfService) {
    const auto r = bill_pure(
        {{"drugs", {{{"drug", GetParam().drug}, {"mg", GetParam().mg}}}}}, "commercial",
        GetParam().date);
    EXPECT_EQ(lines_of(r), GetParam().lines);
}

INSTANTIATE_TEST_SUITE_P(
    Drugs, DrugUnitsTest,
    ::testing::Values(
        DrugCase{"Methylpred80Before", "2024-03-31", "methylprednisolone", 80, {{"J1040", 1}}},
        DrugCase{"Methylpred80After", "2024-04-01", "methylprednisolone", 80, {{"J1010", 80}}},
        DrugCase{"Methylpred40Before", "2023-06-01", "methylprednisolone", 40, {{"J1030", 1}}},
        DrugCase{"Methylpred120Before", "2023-06-01", "methylprednisolone", 120,
                 {{"J1040", 1}, {"J1030", 1}}},
        DrugCase{"Methylpred100Before", "2023-06-01", "methylprednisolone", 100,
                 {{"J1040", 1}, {"J1020", 1}}},
        DrugCase{"Methylpred60FewestUnits", "2023-06-01", "methylprednisolone", 60,
                 {{"J1040", 1}}},
        DrugCase{"Methylpred160Before", "2023-06-01", "methylprednisolone", 160, {{"J1040", 2}}},
        DrugCase{"Methylpred10RoundsUp", "2023-06-01", "methylprednisolone", 10, {{"J1020", 1}}},
        DrugCase{"Methylpred125After", "2026-03-02", "methylprednisolone", 125, {{"J1010", 125}}},
        DrugCase{"Triamcinolone40", "2026-03-02", "triamcinolone", 40, {{"J3301", 4}}},
        DrugCase{"Triamcinolone45RoundsUp", "2026-03-02", "triamcinolone", 45, {{"J3301", 5}}},
        DrugCase{"Dexamethasone10", "2026-03-02", "dexamethasone", 10, {{"J1100", 10}}},
        DrugCase{"Dexamethasone6_6", "2026-03-02", "dexamethasone", 6.6, {{"J1100", 7}}}),
    [](const auto& tp) { return tp.param.name; });

TEST(InjectionsBillingTest, MedicareAsksForJwOrJz) {
    const auto none = bill_pure({{"drugs", {{{"drug", "dexamethasone"}, {"mg", 10}}}}}, "medicare");
    EXPECT_TRUE(has_warning(none, "JW"));
    const auto jz = bill_pure(
        {{"drugs", {{{"drug", "dexamethasone"}, {"mg", 10}, {"discarded_mg", 0}}}}}, "medicare");
    EXPECT_EQ(jz.lines.at(0).modifiers, std::vector<std::string>{"JZ"});
    const auto jw = bill_pure(
        {{"drugs", {{{"drug", "triamcinolone"}, {"mg", 20}, {"discarded_mg", 20}}}}}, "medicare");
    ASSERT_EQ(jw.lines.size(), 2u);
    EXPECT_EQ(jw.lines[1].code, "J3301");
    EXPECT_EQ(jw.lines[1].units, 2);
    EXPECT_EQ(jw.lines[1].modifiers, std::vector<std::string>{"JW"});
    EXPECT_TRUE(bill_pure({{"drugs", {{{"drug", "dexamethasone"}, {"mg", 10}}}}}, "commercial")
                    .warnings.empty());
}

TEST(InjectionsBillingTest, RejectsBadInputNamingTheField) {
    const auto field_of = [](const json& s) {
        try {
            bill_pure(s, "commercial");
        } catch (const Error& e) {
            return e.field();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(field_of({{"procedure", "vertebroplasty"}}), "injections.procedure");
    EXPECT_EQ(field_of({{"procedure", "trigger_point"}}), "injections.muscles");
    EXPECT_EQ(field_of({{"procedure", "transforaminal_esi"}, {"region", "cervical"},
                        {"levels", {"C5-C6"}}}),
              "injections.region");
    EXPECT_EQ(field_of({{"procedure", "facet"}, {"region", "lumbar"}}), "injections.levels");
    EXPECT_EQ(field_of({{"drugs", {{{"drug", "kenalog"}, {"mg", 40}}}}}),
              "injections.drugs[0].drug");
    EXPECT_EQ(field_of({{"drugs", {{{"drug", "triamcinolone"}, {"mg", -40}}}}}),
              "injections.drugs[0].mg");
    // fuzz_bill: 4e29 mg made the unit count an undefined float-to-int cast.
    for (double huge : {4.0555e29, 1e300, 100000.5})
        EXPECT_EQ(field_of({{"drugs", {{{"drug", "triamcinolone"}, {"mg", huge}}}}}),
                  "injections.drugs[0].mg") << huge;
    EXPECT_EQ(field_of({{"drugs", {{{"drug", "triamcinolone"}, {"mg", 40}, {"discarded_mg", 1e300}}}}}),
              "injections.drugs[0].discarded_mg");
    EXPECT_EQ(field_of({{"drugs", {{{"drug", "triamcinolone"}, {"mg", 100000}}}}}), "accepted");
}

/// Sessions every `step_days` from 2025-06-02; returns the findings for each next session.
std::vector<std::vector<api::Finding>> sessions(const std::string& procedure,
                                                const std::string& region, int count,
                                                int step_days) {
    std::vector<PriorSession> done;
    std::vector<std::vector<api::Finding>> out;
    for (int k = 0; k < count; ++k) {
        const LocalDate d = day("2025-06-02") + date::days{step_days * k};
        out.push_back(check_limits(d, procedure, region, done,
                                   source_rules().at("procedures", d),
                                   source_rules().at("limits", d)));
        done.push_back({d, procedure, region});
    }
    return out;
}

struct LimitCase {
    std::string procedure;
    std::string rule;
    int allowed;
};

class LimitTest : public ::testing::TestWithParam<LimitCase> {};

TEST_P(LimitTest, Rolling12Months) {
    const auto r = sessions(GetParam().procedure, "lumbar", GetParam().allowed + 2, 30);
    for (int k = 0; k < GetParam().allowed; ++k) EXPECT_TRUE(r[k].empty()) << k + 1;
    for (int k = GetParam().allowed; k < GetParam().allowed + 2; ++k)
        EXPECT_TRUE(has_finding(r[k], GetParam().rule, api::Severity::Absolute)) << k + 1;
}

INSTANTIATE_TEST_SUITE_P(Groups, LimitTest,
                         ::testing::Values(LimitCase{"interlaminar_esi", "limit_esi", 4},
                                           LimitCase{"transforaminal_esi", "limit_esi", 4},
                                           LimitCase{"facet", "limit_facet", 4},
                                           LimitCase{"radiofrequency", "limit_rf", 2},
                                           LimitCase{"trigger_point", "limit_tpi", 3}));

TEST(InjectionsLimitsTest, EsiCountsPerRegionAndBothEsiKinds) {
    const auto d = day(kDay);
    const auto& procs = source_rules().at("procedures", d);
    const auto& limits = source_rules().at("limits", d);
    std::vector<PriorSession> h{{day("2025-04-01"), "interlaminar_esi", "lumbar"},
                                {day("2025-07-01"), "transforaminal_esi", "lumbar"},
                                {day("2025-10-01"), "transforaminal_esi", "lumbar"},
                                {day("2026-01-05"), "interlaminar_esi", "lumbar"},
                                {day("2026-01-05"), "interlaminar_esi", "cervical"}};
    EXPECT_TRUE(has_finding(check_limits(d, "transforaminal_esi", "lumbar", h, procs, limits),
                            "limit_esi", api::Severity::Absolute));
    EXPECT_TRUE(check_limits(d, "interlaminar_esi", "cervical", h, procs, limits).empty());
    EXPECT_TRUE(check_limits(d, "facet", "lumbar", h, procs, limits).empty());
    // The session of 2025-03-02 is exactly 12 months before: outside the rolling window.
    h[0].date = day("2025-03-02");
    EXPECT_TRUE(check_limits(d, "transforaminal_esi", "lumbar", h, procs, limits).empty());
    h[0].date = day("2025-03-03");
    EXPECT_FALSE(check_limits(d, "transforaminal_esi", "lumbar", h, procs, limits).empty());
}

TEST(InjectionsSafetyTest, Findings) {
    api::PlannedService esi{"injections", "interlaminar_esi", day(kDay), {"62323"},
                            payer("medicare"), {{"imaging", "fluoroscopy"}}};
    api::PatientRecord p;
    p.medications.push_back({"apixaban", "anticoagulant"});
    p.flags.push_back("pregnant");
    const auto f = shared::contraindications(source_rules(), p, esi);
    EXPECT_TRUE(has_finding(f, "bleeding", api::Severity::Absolute));
    EXPECT_TRUE(has_finding(f, "fluoroscopy_pregnancy", api::Severity::Absolute));
    api::PatientRecord refused;
    refused.flags.push_back("consent_refused");
    EXPECT_TRUE(has_finding(shared::contraindications(source_rules(), refused, esi),
                            "consent_refused", api::Severity::Absolute));
}

TEST(InjectionsPluginTest, LoadsThroughTheHostWithTheWorkflowTable) {
    const auto& m = loaded_module();
    const auto* wf = m.workflow("injection");
    ASSERT_NE(wf, nullptr);
    EXPECT_EQ(wf->initial, "consent_pending");
    std::vector<std::string> path;
    std::string at = wf->initial;
    for (const char* action : {"sign_consent", "complete_checklist", "perform",
                               "start_observation", "discharge"}) {
        const auto* t = wf->find(at, action);
        ASSERT_NE(t, nullptr) << action << " from " << at;
        at = t->to;
        path.push_back(at);
    }
    EXPECT_EQ(path, (std::vector<std::string>{"consent_signed", "checklist_done",
                                              "procedure_done", "observation", "discharged"}));
    EXPECT_EQ(wf->find("consent_pending", "perform"), nullptr) << "no procedure before consent";

    EXPECT_FALSE(m.evaluate_guard("consent_signed", {{"consent", {{"signed", false}}}}).allowed);
    EXPECT_TRUE(m.evaluate_guard("consent_signed", {{"consent", {{"signed", true}}}}).allowed);
    const json checklist = {{"anticoagulants_reviewed", true}, {"allergies_reviewed", true},
                            {"infection_screened", true}, {"diabetic", true}};
    EXPECT_FALSE(m.evaluate_guard("checklist_complete", {{"checklist", checklist}}).allowed);
    json with_glucose = checklist;
    with_glucose["glucose_mg_dl"] = 140;
    EXPECT_TRUE(m.evaluate_guard("checklist_complete", {{"checklist", with_glucose}}).allowed);
    EXPECT_FALSE(m.evaluate_guard("observation_complete", {{"observation_minutes", 10}}).allowed);
    EXPECT_TRUE(m.evaluate_guard("observation_complete", {{"observation_minutes", 30}}).allowed);
    // A form value no int holds is compared as a number, not cast (undefined behaviour before).
    EXPECT_TRUE(m.evaluate_guard("observation_complete", {{"observation_minutes", 1e300}}).allowed);
    EXPECT_FALSE(m.evaluate_guard("observation_complete", {{"observation_minutes", -1e300}}).allowed);
    EXPECT_FALSE(m.evaluate_guard("observation_complete", {{"observation_minutes", "30"}}).allowed);

    auto req = request(kDay, "commercial",
                       {{"procedure", "trigger_point"},
                        {"muscles", {"trapezius_left", "trapezius_right", "levator_scapulae_right"}},
                        {"drugs", {{{"drug", "triamcinolone"}, {"mg", 40}}}},
                        {"history", {{{"date", "2025-05-01"}, {"procedure", "trigger_point"}},
                                     {{"date", "2025-09-01"}, {"procedure", "trigger_point"}},
                                     {{"date", "2026-01-10"}, {"procedure", "trigger_point"}}}}});
    const auto r = m.bill(req);
    EXPECT_EQ(units(r, "20553"), 1);
    EXPECT_EQ(units(r, "J3301"), 4);
    EXPECT_TRUE(has_warning(r, "Coverage limit"));

    api::PatientRecord diabetic;
    diabetic.extra = {{"hba1c", 9.1}};
    EXPECT_TRUE(has_finding(
        m.check_contraindications(diabetic, {"injections", "facet", day(kDay), {}, payer("medicare"),
                                             json::object()}),
        "diabetes_hba1c", api::Severity::Relative));
}

}  // namespace
}  // namespace vertebra::plugins::injections
