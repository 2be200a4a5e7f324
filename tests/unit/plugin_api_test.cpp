// Plugin API pure parts: form validation, schema and workflow checks, rule data, plugin.json.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/plugin_api/abi.hpp"
#include "vertebra/plugin_api/forms.hpp"
#include "vertebra/plugin_api/rule_data.hpp"
#include "vertebra/plugin_api/workflow.hpp"
#include "vertebra/plugins/manifest.hpp"

namespace vertebra::plugin_api {
namespace {

LocalDate day(int y, unsigned m, unsigned d) {
    return LocalDate{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch()};
}

FormSchema session_note() {
    FormSchema s{"session_note", "Session note", "session_note", {}};
    FormField pain{"pain", "Pain", FieldType::Integer, true, "/10", 0, 10};
    FormField temp{"temperature", "Temperature", FieldType::Number, false, "°C", 34.0, 42.5};
    FormField care{"care", "Care type", FieldType::Choice, true};
    care.choices = {{"active", "Active care"}, {"maintenance", "Maintenance"}};
    FormField findings{"findings", "PART findings", FieldType::MultiChoice};
    findings.choices = {{"P", "Pain"}, {"A", "Asymmetry"}, {"R", "Range of motion"}, {"T", "Tissue"}};
    FormField spine{"spinal_regions", "Spinal regions", FieldType::BodyRegions, true};
    spine.regions = spinal_regions();
    FormField any{"regions", "Regions", FieldType::BodyRegions};
    FormField estim{"estim", "E-stim", FieldType::YesNo};
    FormField onset{"onset", "Onset", FieldType::Date};
    FormField notes{"notes", "Notes", FieldType::Text};
    notes.max_length = 10;
    s.fields = {pain, temp, care, findings, spine, any, estim, onset, notes};
    return s;
}

nlohmann::json valid_values() {
    return {{"pain", 4}, {"care", "active"}, {"spinal_regions", {"cervical", "lumbar"}}};
}

struct FormCase {
    const char* name;
    nlohmann::json patch;  ///< merged into valid_values(); null members are removed
    std::vector<FieldError> expected;
};

class ValidateFormTest : public ::testing::TestWithParam<FormCase> {};

TEST_P(ValidateFormTest, ReportsEveryProblemNamingTheField) {
    nlohmann::json values = valid_values();
    values.merge_patch(GetParam().patch);
    EXPECT_EQ(validate_form(session_note(), values), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidateFormTest,
    ::testing::Values(
        FormCase{"valid", nlohmann::json::object(), {}},
        FormCase{"all_optional_filled",
                 {{"temperature", 36.6}, {"findings", {"P", "T"}}, {"regions", {"head", "sacral"}},
                  {"estim", false}, {"onset", "2025-11-30"}, {"notes", "ok"}},
                 {}},
        FormCase{"missing_required", {{"pain", nullptr}}, {{"pain", "Pain is required"}}},
        FormCase{"integer_out_of_range", {{"pain", 11}},
                 {{"pain", "Pain must be between 0 and 10 /10 (got 11)"}}},
        FormCase{"integer_not_whole", {{"pain", 2.5}}, {{"pain", "Pain must be a whole number"}}},
        FormCase{"number_below_min", {{"temperature", 30}},
                 {{"temperature", "Temperature must be between 34 and 42.5 °C (got 30)"}}},
        FormCase{"number_as_text", {{"temperature", "36"}},
                 {{"temperature", "Temperature must be a number"}}},
        FormCase{"unknown_choice", {{"care", "preventive"}},
                 {{"care", "Care type: 'preventive' is not one of: active, maintenance"}}},
        FormCase{"multi_choice_duplicate", {{"findings", {"P", "P"}}},
                 {{"findings", "PART findings: 'P' is listed twice"}}},
        FormCase{"extraspinal_in_spinal_field", {{"spinal_regions", {"cervical", "head"}}},
                 {{"spinal_regions", "Spinal regions: 'head' is not one of: cervical, thoracic, "
                                     "lumbar, sacral, pelvic"}}},
        FormCase{"required_region_set_empty", {{"spinal_regions", nlohmann::json::array()}},
                 {{"spinal_regions", "Spinal regions is required: choose at least one"}}},
        FormCase{"regions_not_a_list", {{"regions", "head"}},
                 {{"regions", "Regions must be a list of body regions"}}},
        FormCase{"yes_no_as_text", {{"estim", "yes"}},
                 {{"estim", "E-stim must be yes or no (true/false)"}}},
        FormCase{"impossible_date", {{"onset", "2025-02-30"}},
                 {{"onset", "Onset must be a date as YYYY-MM-DD"}}},
        FormCase{"text_too_long", {{"notes", "01234567890"}},
                 {{"notes", "Notes must be at most 10 characters"}}},
        FormCase{"unknown_key", {{"mood", "fine"}},
                 {{"mood", "'mood' is not a field of the Session note form"}}},
        FormCase{"two_problems_in_field_order", {{"pain", -1}, {"care", nullptr}},
                 {{"pain", "Pain must be between 0 and 10 /10 (got -1)"},
                  {"care", "Care type is required"}}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ValidateFormTest, NonObjectValuesAreOneFormLevelError) {
    EXPECT_EQ(validate_form(session_note(), nlohmann::json::array()),
              (std::vector<FieldError>{{"", "The Session note form must be a JSON object of field values"}}));
}

TEST(FormSchemaTest, RoundTripsThroughJson) {
    const FormSchema s = session_note();
    const nlohmann::json j = s;
    const FormSchema back = j.get<FormSchema>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(j["fields"][0]["type"], "integer");
    EXPECT_EQ(j["fields"][5]["regions"].size(), 10u) << "empty regions = all ten";
}

TEST(FormSchemaTest, FromJsonNamesTheBadMember) {
    nlohmann::json j = {{"id", "x"}, {"fields", {{{"key", "a"}, {"type", "colour"}}}}};
    try {
        (void)j.get<FormSchema>();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "fields.a.type");
    }
}

TEST(FormSchemaTest, ANumberTooLargeForItsMemberIsRefusedNotCast) {
    // fuzz_form found it: 1e300 as max_length was cast to int (undefined behaviour).
    for (double big : {1e300, -1e300, 3e9}) {
        nlohmann::json j = {{"id", "x"},
                            {"fields", {{{"key", "a"}, {"type", "text"}, {"max_length", big}}}}};
        try {
            (void)j.get<FormSchema>();
            FAIL() << big;
        } catch (const Error& e) {
            EXPECT_EQ(e.field(), "fields.a.max_length") << big;
            EXPECT_NE(std::string(e.what()).find("must be a whole number"), std::string::npos) << e.what();
        }
    }
}

TEST(FormSchemaTest, CheckSchemaFindsDefinitionMistakes) {
    FormSchema s{"f", "F", "intake", {}};
    FormField a{"a", "A", FieldType::Choice};
    FormField b{"a", "B", FieldType::Number, false, "", 5, 1};
    FormField c{"c", "C", FieldType::BodyRegions};
    c.regions = {"lumbar", "tail"};
    s.fields = {a, b, c};
    EXPECT_EQ(check_schema(s), (std::vector<std::string>{
                                   "form 'f', field 'a': a choice field needs choices",
                                   "form 'f', field 'a': key is used twice",
                                   "form 'f', field 'a': min 5 is above max 1",
                                   "form 'f', field 'c': unknown body region 'tail'"}));
    EXPECT_TRUE(check_schema(session_note()).empty());
}

Workflow injection_flow() {
    return {"injection",
            "Injection",
            {{"consent", "Consent", false},
             {"checklist", "Checklist", false},
             {"procedure", "Procedure", false},
             {"discharged", "Discharged", true}},
            "consent",
            {{"consent", "checklist", "sign_consent", "consent_signed"},
             {"checklist", "procedure", "start", "checklist_complete"},
             {"procedure", "discharged", "discharge", ""}}};
}

TEST(WorkflowTest, ValidTableHasNoProblems) {
    const auto wf = injection_flow();
    EXPECT_TRUE(check_workflow(wf, {"consent_signed", "checklist_complete"}).empty());
    ASSERT_NE(wf.find("consent", "sign_consent"), nullptr);
    EXPECT_EQ(wf.find("consent", "sign_consent")->to, "checklist");
    EXPECT_EQ(wf.find("consent", "discharge"), nullptr);
    EXPECT_EQ(wf.transitions_from("checklist").size(), 1u);
}

TEST(WorkflowTest, UnknownUnreachableAndUnguardedProblemsAreAllReported) {
    auto wf = injection_flow();
    wf.states.push_back({"observation", "Observation", false});          // unreachable
    wf.transitions.push_back({"procedure", "recovery", "observe", ""});  // unknown state
    wf.transitions.push_back({"discharged", "consent", "redo", ""});     // leaves terminal
    EXPECT_EQ(check_workflow(wf, {"consent_signed"}),
              (std::vector<std::string>{
                  "workflow 'injection', transition 'start' (checklist -> procedure): guard "
                  "'checklist_complete' is not provided by the module",
                  "workflow 'injection', transition 'observe' (procedure -> recovery): unknown "
                  "state 'recovery'",
                  "workflow 'injection', transition 'redo' (discharged -> consent): leaves "
                  "terminal state 'discharged'",
                  "workflow 'injection': state 'observation' cannot be reached from 'consent'"}));
}

TEST(WorkflowTest, MissingInitialAndNoTerminal) {
    Workflow wf{"w", "W", {{"a", "A", false}, {"b", "B", false}}, "z", {{"a", "b", "go", ""}}};
    EXPECT_EQ(check_workflow(wf, {}),
              (std::vector<std::string>{"workflow 'w': initial state 'z' is not a declared state"}));
    wf.initial = "a";
    EXPECT_EQ(check_workflow(wf, {}),
              (std::vector<std::string>{"workflow 'w': no terminal state can be reached"}));
}

TEST(WorkflowTest, RoundTripsThroughJson) {
    const nlohmann::json j = injection_flow();
    EXPECT_EQ(nlohmann::json(j.get<Workflow>()), j);
}

nlohmann::json fees_json() {
    return {{"name", "fees"},
            {"versions",
             {{{"effective_from", "2025-01-01"}, {"data", {{"97110", 3150}}}},
              {{"effective_from", "2024-01-01"},
               {"effective_to", "2024-12-31"},
               {"data", {{"97110", 3000}}}}}}};
}

TEST(RuleDataTest, PicksTheVersionInForceOnTheDateOfService) {
    RuleData data;
    data.add(RuleSet::from_json(fees_json(), "fees.json"));
    EXPECT_EQ(data.at("fees", day(2024, 1, 1))["97110"], 3000);
    EXPECT_EQ(data.at("fees", day(2024, 12, 31))["97110"], 3000);
    EXPECT_EQ(data.at("fees", day(2025, 1, 1))["97110"], 3150);
    EXPECT_EQ(data.at("fees", day(2031, 7, 4))["97110"], 3150) << "open-ended";
    EXPECT_EQ(data.find("fees", day(2023, 12, 31)), nullptr);
    try {
        data.at("fees", day(2023, 12, 31));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
        EXPECT_STREQ(e.what(), "no fees rules in force on 2023-12-31");
    }
    EXPECT_THROW(data.at("limits", day(2025, 1, 1)), Error);
}

struct BadRuleCase {
    const char* name;
    nlohmann::json doc;
    std::string message;
};

class BadRuleDataTest : public ::testing::TestWithParam<BadRuleCase> {};

TEST_P(BadRuleDataTest, IsRefusedNamingFileAndMember) {
    try {
        RuleSet::from_json(GetParam().doc, "fees.json");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(std::string(e.what()), GetParam().message);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadRuleDataTest,
    ::testing::Values(
        BadRuleCase{"no_versions", {{"name", "fees"}},
                    "fees.json: versions must be a non-empty list of {effective_from, data}"},
        BadRuleCase{"bad_date",
                    {{"versions", {{{"effective_from", "2024-13-01"}, {"data", 1}}}}},
                    "fees.json: versions[0].effective_from must be a date as YYYY-MM-DD"},
        BadRuleCase{"to_before_from",
                    {{"versions",
                      {{{"effective_from", "2024-05-01"}, {"effective_to", "2024-04-30"}, {"data", 1}}}}},
                    "fees.json: versions[0].effective_to is before effective_from"},
        BadRuleCase{"no_data", {{"versions", {{{"effective_from", "2024-05-01"}}}}},
                    "fees.json: versions[0].data is missing"},
        BadRuleCase{"overlap",
                    {{"versions",
                      {{{"effective_from", "2024-01-01"}, {"data", 1}},
                       {{"effective_from", "2025-01-01"}, {"data", 2}}}}},
                    "fees.json: versions effective from 2024-01-01 and from 2025-01-01 overlap"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(RuleDataTest, LoadsADirectoryAndChecksNamesMatchFiles) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vertebra_rule_data_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
    const std::filesystem::path dir = tmpl;
    std::ofstream(dir / "fees.json") << fees_json().dump();
    std::ofstream(dir / "README.txt") << "ignored";
    const RuleData data = RuleData::load_dir(dir);
    EXPECT_EQ(data.names(), std::vector<std::string>{"fees"});
    std::ofstream(dir / "limits.json") << fees_json().dump();  // says "fees"
    try {
        RuleData::load_dir(dir);
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "limits.json: name \"fees\" must match the file name \"limits\"");
    }
    std::ofstream(dir / "limits.json") << "{ not json";
    EXPECT_THROW(RuleData::load_dir(dir), Error);
    std::filesystem::remove_all(dir);
    EXPECT_TRUE(RuleData::load_dir(dir).names().empty()) << "a missing dir is empty data";
}

}  // namespace
}  // namespace vertebra::plugin_api

namespace vertebra::core {
namespace {

nlohmann::json good_manifest() {
    return {{"id", "massage"}, {"name", "Massage"}, {"version", "1.0.0"},
            {"api_version", vertebra::plugin_api::kApiVersion}, {"library", "massage.so"}};
}

struct ManifestCase {
    const char* name;
    nlohmann::json patch;
    std::string message;
};

class ManifestTest : public ::testing::TestWithParam<ManifestCase> {};

TEST_P(ManifestTest, IsRefusedWithAPreciseMessage) {
    nlohmann::json j = good_manifest();
    j.merge_patch(GetParam().patch);
    try {
        PluginManifest::parse(j);
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(std::string(e.what()), GetParam().message);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ManifestTest,
    ::testing::Values(
        ManifestCase{"no_id", {{"id", nullptr}}, "plugin.json: \"id\" is missing"},
        ManifestCase{"bad_id", {{"id", "Massage!"}},
                     "plugin.json: \"id\" must be lower_snake_case letters, digits and _ (got "
                     "\"Massage!\")"},
        ManifestCase{"name_not_string", {{"name", 5}}, "plugin.json: \"name\" must be a string"},
        ManifestCase{"empty_version", {{"version", ""}}, "plugin.json: \"version\" is empty"},
        ManifestCase{"bad_version", {{"version", "one"}},
                     "plugin.json: \"version\" must look like 1.2.3 (got \"one\")"},
        ManifestCase{"api_as_text", {{"api_version", "1"}},
                     "plugin.json: \"api_version\" must be a whole number"},
        // 2^32 + 1 used to be read as 1 (nlohmann's plain cast) and pass as this API version.
        ManifestCase{"api_wraps_to_ours", {{"api_version", 4294967297LL}},
                     "plugin.json: \"api_version\" is far outside any plugin API version"},
        ManifestCase{"library_path", {{"library", "../x.so"}},
                     "plugin.json: \"library\" must be a file name next to plugin.json (got "
                     "\"../x.so\")"},
        ManifestCase{"self_dependency", {{"dependencies", {"massage"}}},
                     "plugin.json: \"dependencies\" a plugin cannot depend on itself"},
        ManifestCase{"dependency_version", {{"dependencies", {{{"id", "chiropractic"}, {"version", "x"}}}}},
                     "plugin.json: \"dependencies\" version of \"chiropractic\" must look like 1.2.3"},
        ManifestCase{"data_dir_escapes", {{"data_dir", "../../etc"}},
                     "plugin.json: \"data_dir\" must be a path inside the plugin directory"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ManifestTest, ParsesOptionalKeys) {
    nlohmann::json j = good_manifest();
    j["dependencies"] = {"chiropractic", {{"id", "core_pt"}, {"version", "1.2"}}};
    j["migrations"] = {"sql/0001_massage.sql"};
    const auto m = PluginManifest::parse(j);
    ASSERT_EQ(m.dependencies.size(), 2u);
    EXPECT_EQ(m.dependencies[1].id, "core_pt");
    EXPECT_EQ(m.dependencies[1].min_version, "1.2");
    EXPECT_EQ(m.data_dir, "data");
    EXPECT_EQ(m.migrations, std::vector<std::string>{"sql/0001_massage.sql"});
}

TEST(ManifestTest, ComparesVersionsNumerically) {
    EXPECT_LT(compare_versions("1.9.0", "1.10.0"), 0);
    EXPECT_EQ(compare_versions("1.2", "1.2.0"), 0);
    EXPECT_GT(compare_versions("2.0.0-rc1", "1.99"), 0);
}

}  // namespace
}  // namespace vertebra::core
