// Plugin host against fixture plugins: good, broken manifests, wrong ABI, throwing code, cycles.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/plugins/plugin_host.hpp"

namespace vertebra::core {
namespace {

namespace fs = std::filesystem;
namespace api = vertebra::plugin_api;

fs::path fixture(const std::string& scenario) { return fs::path(VERTEBRA_FIXTURE_DIR) / scenario; }

PluginHostOptions options_for(std::initializer_list<const char*> scenarios) {
    PluginHostOptions o;
    o.default_dirs = false;
    for (const char* s : scenarios) o.dirs.push_back(fixture(s));
    return o;
}

LocalDate day(int y, unsigned m, unsigned d) {
    return LocalDate{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch()};
}

// The good plugin still loads and answers: the host keeps working next to a broken plugin.
void expect_host_still_works(const PluginHost& host) {
    const ModuleHandle* good = host.module("good");
    ASSERT_NE(good, nullptr) << "good fixture is not running";
    api::BillingRequest req;
    req.date_of_service = day(2025, 3, 1);
    req.section = {{"minutes", 23}};
    const auto result = good->bill(req);
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0].minutes, 23);
    EXPECT_EQ(result.lines[0].unit_fee_cents, 3150);
}

const PluginRecord& record(const PluginHost& host, const std::string& id) {
    const PluginRecord* r = host.find(id);
    if (!r) throw std::runtime_error("no record for " + id);
    return *r;
}

TEST(PluginHostTest, LoadsGoodPluginAndItsDependentInDependencyOrder) {
    PluginHost host(options_for({"good"}));
    host.load();
    ASSERT_EQ(host.plugins().size(), 2u);
    EXPECT_EQ(record(host, "good").state, PluginState::Running) << record(host, "good").error;
    EXPECT_EQ(record(host, "dependent").state, PluginState::Running)
        << record(host, "dependent").error;
    EXPECT_EQ(host.load_order(), (std::vector<std::string>{"good", "dependent"}));

    const ModuleHandle* good = host.module("good");
    ASSERT_NE(good, nullptr);
    EXPECT_EQ(good->manifest().name, "Good fixture");
    EXPECT_EQ(good->manifest().version, "1.2.0");
    ASSERT_EQ(good->services().size(), 1u);
    EXPECT_EQ(good->services()[0].billing_codes, std::vector<std::string>{"97110"});
    ASSERT_NE(good->form("note"), nullptr);
    ASSERT_NE(good->workflow("flow"), nullptr);
    EXPECT_EQ(record(host, "good").messages,
              std::vector<std::string>{"info: started with 1 rule sets"});
    EXPECT_TRUE(record(host, "good").error.empty());
    expect_host_still_works(host);
}

TEST(PluginHostTest, RuleDataIsResolvedByDateOfService) {
    PluginHost host(options_for({"good"}));
    host.load();
    const ModuleHandle* good = host.module("good");
    ASSERT_NE(good, nullptr);
    api::BillingRequest req;
    req.section = {{"minutes", 8}};
    req.date_of_service = day(2024, 12, 31);
    EXPECT_EQ(good->bill(req).lines.at(0).unit_fee_cents, 3000);
    req.date_of_service = day(2025, 1, 1);
    EXPECT_EQ(good->bill(req).lines.at(0).unit_fee_cents, 3150);
    req.date_of_service = day(2023, 6, 1);
    try {
        good->bill(req);
        FAIL() << "expected NotFound";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
        EXPECT_STREQ(e.what(), "no fees rules in force on 2023-06-01");
    }
}

TEST(PluginHostTest, GuardsAndContraindicationsRunThroughTheHandle) {
    PluginHost host(options_for({"good"}));
    host.load();
    const ModuleHandle* good = host.module("good");
    ASSERT_NE(good, nullptr);
    auto refused = good->evaluate_guard("has_signature", nlohmann::json::object());
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.reason, "The note is not signed");
    EXPECT_TRUE(good->evaluate_guard("has_signature", {{"signature", "dr. a"}}).allowed);

    api::PatientRecord patient;
    patient.flags = {"pacemaker"};
    api::PlannedService planned;
    planned.details = {{"estim", true}};
    const auto findings = good->check_contraindications(patient, planned);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, api::Severity::Absolute);
    EXPECT_EQ(findings[0].rule, "estim_pacemaker");
    planned.details = {{"estim", false}};
    EXPECT_TRUE(good->check_contraindications(patient, planned).empty());
}

TEST(PluginHostTest, ExceptionsFromPluginCodeBecomeHostErrors) {
    PluginHost host(options_for({"good"}));
    host.load();
    const ModuleHandle* good = host.module("good");
    ASSERT_NE(good, nullptr);
    api::BillingRequest req;
    req.date_of_service = day(2025, 1, 1);

    req.section = {{"fail", "invalid"}};
    try {
        good->bill(req);
        FAIL() << "expected Invalid";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "fixture.minutes");
        EXPECT_STREQ(e.what(), "fixture.minutes: must not be negative");
    }
    req.section = {{"fail", "runtime"}};
    try {
        good->bill(req);
        FAIL() << "expected Internal";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
        EXPECT_STREQ(e.what(), "module good failed in bill: boom");
    }
    req.section = {{"fail", "int"}};
    try {
        good->bill(req);
        FAIL() << "expected Internal";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "module good failed in bill: unknown exception");
    }
    try {
        good->evaluate_guard("nonsense", {});
        FAIL() << "expected Internal";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "module good failed in evaluate_guard: unknown guard nonsense");
    }
    EXPECT_EQ(record(host, "good").state, PluginState::Running);
    expect_host_still_works(host);
}

struct BrokenCase {
    const char* scenario;
    const char* id;
    std::string error;          ///< expected exactly, or as a prefix when `prefix`
    bool prefix = false;
    bool library_must_stay_closed = false;
};

class BrokenPluginTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenPluginTest, FailsWithAClearReasonAndTheHostKeepsWorking) {
    const BrokenCase& c = GetParam();
    PluginHost host(options_for({"good", c.scenario}));
    host.load();
    const PluginRecord& r = record(host, c.id);
    EXPECT_EQ(r.state, PluginState::Failed);
    if (c.prefix) {
        EXPECT_EQ(r.error.substr(0, c.error.size()), c.error) << r.error;
    } else {
        EXPECT_EQ(r.error, c.error);
    }
    EXPECT_EQ(host.module(c.id), nullptr);
    if (c.library_must_stay_closed) {
        EXPECT_EQ(std::getenv(("VERTEBRA_FIXTURE_OPENED_" + std::string(c.id)).c_str()), nullptr)
            << "the library was opened although its manifest is bad";
    }
    expect_host_still_works(host);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BrokenPluginTest,
    ::testing::Values(
        BrokenCase{"api_manifest", "future",
                   "plugin.json: \"api_version\" is 999, but this Vertebra provides plugin API 2: "
                   "rebuild the plugin against it",
                   false, true},
        BrokenCase{"api_binary", "wrong_api",
                   "wrong_api.so was built for plugin API 999, but this Vertebra provides plugin "
                   "API 2: rebuild the plugin"},
        BrokenCase{"api_signature", "wrong_sig",
                   "wrong_sig.so was built with a different compiler or settings (plugin: "
                   "compiler=GNU C++ version 4.8.5;cxx=201103L; Vertebra: compiler=",
                   true},
        BrokenCase{"missing_key", "no_version", "plugin.json: \"version\" is missing", false, true},
        BrokenCase{"invalid_json", "broken_json",
                   "plugin.json: not valid JSON (parse error at line 5, column 15: syntax error "
                   "while parsing object - unexpected string literal; expected '}')",
                   false, true},
        BrokenCase{"no_factory", "no_factory",
                   "no_factory.so does not export the module factory (vertebra_plugin_create): "
                   "add VERTEBRA_PLUGIN(YourModule)"},
        BrokenCase{"throwing_factory", "throwing_factory",
                   "the module factory failed: licence file missing"},
        BrokenCase{"throwing_start", "throwing_start",
                   "the module failed to start: no rule data named \"fees\""},
        BrokenCase{"not_elf", "not_elf", "not_elf.so is not a shared library (no ELF header)"},
        BrokenCase{"bad_definitions", "bad_definitions",
                   "invalid module definitions: workflow 'flow': state 'limbo' cannot be reached "
                   "from 'open'; service 'visit' uses unknown form 'missing_form'"}),
    [](const auto& test_info) { return std::string(test_info.param.scenario); });

TEST(PluginHostTest, DuplicateIdKeepsTheFirstInSearchOrder) {
    PluginHost host(options_for({"duplicate_a", "duplicate_b"}));
    host.load();
    ASSERT_EQ(host.plugins().size(), 2u);
    const PluginRecord& first = host.plugins()[0];
    const PluginRecord& second = host.plugins()[1];
    EXPECT_EQ(first.id, "twin");
    EXPECT_EQ(first.state, PluginState::Running);
    EXPECT_EQ(host.module("twin")->manifest().version, "1.0.0");
    EXPECT_EQ(second.id, "twin");
    EXPECT_EQ(second.state, PluginState::Failed);
    EXPECT_EQ(second.error, "another plugin with id \"twin\" was found first in " +
                                first.dir.string() + "; this copy is ignored");
}

TEST(PluginHostTest, DependencyCycleFailsEveryMemberWithTheWholeChain) {
    PluginHost host(options_for({"good", "cycle"}));
    host.load();
    const std::string chain = "dependency cycle: cyc_a -> cyc_b -> cyc_c -> cyc_a";
    for (const char* id : {"cyc_a", "cyc_b", "cyc_c"}) {
        EXPECT_EQ(record(host, id).state, PluginState::Failed) << id;
        EXPECT_EQ(record(host, id).error, chain) << id;
    }
    EXPECT_EQ(record(host, "after_cycle").error, "depends on \"cyc_a\", which failed to load");
    EXPECT_EQ(record(host, "needs_missing").error,
              "depends on \"not_there\", which is not installed");
    expect_host_still_works(host);
}

TEST(PluginHostTest, EveryBrokenPluginTogetherDoesNotStopTheGoodOnes) {
    PluginHost host(options_for({"good", "api_manifest", "api_binary", "api_signature",
                                 "missing_key", "invalid_json", "no_factory", "throwing_factory",
                                 "throwing_start", "not_elf", "bad_definitions", "cycle"}));
    host.load();
    int running = 0, failed = 0;
    for (const auto& r : host.plugins()) {
        if (r.state == PluginState::Running) ++running;
        if (r.state == PluginState::Failed) {
            ++failed;
            EXPECT_FALSE(r.error.empty()) << r.id;
        }
    }
    EXPECT_EQ(running, 2);
    EXPECT_EQ(failed, 15);
    expect_host_still_works(host);
}

TEST(PluginHostTest, ShutdownStopsModulesInReverseLoadOrder) {
    std::vector<std::string> lines;
    auto opts = options_for({"good"});
    opts.log = [&](const std::string& id, const std::string& line) { lines.push_back(id + " " + line); };
    PluginHost host(opts);
    host.load();
    host.shutdown();
    EXPECT_EQ(lines, (std::vector<std::string>{"good info: started with 1 rule sets",
                                               "dependent info: started with 1 rule sets",
                                               "dependent info: stopped", "good info: stopped"}));
    EXPECT_EQ(record(host, "good").state, PluginState::Stopped);
    EXPECT_EQ(host.module("good"), nullptr);
    host.shutdown();  // idempotent
}

TEST(PluginHostTest, LoadTwiceDoesNothingTheSecondTime) {
    PluginHost host(options_for({"good"}));
    host.load();
    host.load();
    EXPECT_EQ(host.plugins().size(), 2u);
    expect_host_still_works(host);
}

TEST(PluginHostTest, MissingSearchDirIsSkipped) {
    PluginHost host(options_for({"no_such_scenario", "good"}));
    host.load();
    EXPECT_EQ(host.plugins().size(), 2u);
    expect_host_still_works(host);
}

TEST(PluginSearchDirsTest, ExplicitDirsComeFirstThenEnvironmentWithoutDuplicates) {
    ::setenv("VERTEBRA_PLUGIN_PATH", "/tmp/vertebra-a::/tmp/vertebra-b:/tmp/vertebra-a", 1);
    PluginHostOptions o;
    o.dirs = {"/tmp/vertebra-x", "/tmp/vertebra-b"};
    const auto dirs = plugin_search_dirs(o);
    ::unsetenv("VERTEBRA_PLUGIN_PATH");
    ASSERT_GE(dirs.size(), 4u);
    EXPECT_EQ(dirs[0], fs::path("/tmp/vertebra-x"));
    EXPECT_EQ(dirs[1], fs::path("/tmp/vertebra-b"));
    EXPECT_EQ(dirs[2], fs::path("/tmp/vertebra-a"));
    // The test runs from the build tree, so the build tree's plugin dir comes last.
    EXPECT_EQ(dirs.back().filename(), "plugins");
    EXPECT_EQ(dirs.size(), 4u);
}

TEST(PluginSearchDirsTest, DefaultDirsOffMeansOnlyExplicitDirs) {
    PluginHostOptions o;
    o.default_dirs = false;
    o.dirs = {"/tmp/vertebra-x"};
    EXPECT_EQ(plugin_search_dirs(o), std::vector<fs::path>{"/tmp/vertebra-x"});
}

}  // namespace
}  // namespace vertebra::core
