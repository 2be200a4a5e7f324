// Tests of `vertebra-cli bill`: the built binary with the built plugins, JSON out, exit codes.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
    int code = -1;
    std::string out;
};

fs::path scratch() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() /
                     ("vertebra_bill_cli_" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

/// Runs the CLI with its own SQLite file; stdout captured, stderr to /dev/null.
CliRun cli(const std::string& args, const std::string& stdin_text = "") {
    const fs::path in = scratch() / "stdin.json";
    std::ofstream(in) << stdin_text;
    const std::string cmd = std::string("VERTEBRA_USER=tester '") + VERTEBRA_CLI_PATH +
                            "' --db sqlite:" + (scratch() / "clinic.db").string() + " " + args +
                            " < " + in.string() + " 2>/dev/null";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::map<std::string, int> units(const json& out) {
    std::map<std::string, int> m;
    for (const auto& l : out["lines"]) m[l["code"]] = l["units"];
    return m;
}

const char* kVisit = R"({"date": "2026-03-02",
 "items": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
 "chiropractic": {"spinal_regions": ["cervical", "lumbar"], "extraspinal_regions": ["upper_extremity"],
                  "care": "active", "findings": {"cervical": ["P", "A"], "lumbar": ["R", "T"]}},
 "acupuncture": {"increments": [{"minutes": 15, "estim": false},
                                {"minutes": 15, "estim": true, "new_needles": true}]},
 "injections": {"procedure": "trigger_point",
                "muscles": ["trapezius_left", "trapezius_right", "levator_scapulae_right"],
                "drugs": [{"drug": "triamcinolone", "mg": 40}]}})";

TEST(BillCliTest, MedicareAndCommercialFromStdinAndFile) {
    const CliRun m = cli("bill --json --payer medicare -", kVisit);
    ASSERT_EQ(m.code, 0);
    const json mj = json::parse(m.out);
    EXPECT_EQ(units(mj), (std::map<std::string, int>{{"97110", 2}, {"97140", 1}, {"98940", 1},
                                                     {"97810", 1}, {"97814", 1}, {"20553", 1},
                                                     {"J3301", 4}}));
    for (const auto& l : mj["lines"]) {
        EXPECT_EQ(l.size(), 3u) << l.dump();
        if (l["code"] == "98940") EXPECT_EQ(l["modifiers"], json::array({"AT"}));
    }
    const fs::path file = scratch() / "visit.json";
    std::ofstream(file) << kVisit;
    const CliRun c = cli("bill --json " + file.string());
    ASSERT_EQ(c.code, 0);
    EXPECT_EQ(units(json::parse(c.out)),
              (std::map<std::string, int>{{"97110", 2}, {"98940", 1}, {"98943", 1}, {"97810", 1},
                                          {"97814", 1}, {"20553", 1}, {"J3301", 4}}));
}

TEST(BillCliTest, ZeroUnitLinesAreLeftOut) {
    const CliRun r = cli("bill --json -", R"({"date": "2026-03-02", "items": [{"code": "97140", "minutes": 7}]})");
    ASSERT_EQ(r.code, 0);
    const json j = json::parse(r.out);
    EXPECT_TRUE(j["lines"].empty());
    EXPECT_FALSE(j["warnings"].empty());
}

TEST(BillCliTest, InvalidInputIsExit2) {
    EXPECT_EQ(cli("bill -", "{\"date\": ").code, 2);
    EXPECT_EQ(cli("bill -", R"({"date": "2026-03-02", "items": [{"code": "00000", "minutes": 5}]})").code, 2);
    EXPECT_EQ(cli("bill -", R"({"date": "2026-03-02", "items": [{"code": "97110", "minutes": -1}]})").code, 2);
    EXPECT_EQ(cli("bill -", R"({"date": "2026-03-02", "pilates": {}})").code, 2);
    EXPECT_EQ(cli("bill --payer nobody -", R"({"date": "2026-03-02"})").code, 2);
}

TEST(BillCliTest, DisabledModuleSectionIsExit2) {
    ASSERT_EQ(cli("modules disable massage").code, 0);
    const char* v = R"({"date": "2026-03-02", "massage": {"services": [{"code": "97124", "minutes": 20}]}})";
    EXPECT_EQ(cli("bill -", v).code, 2);
    ASSERT_EQ(cli("modules enable massage").code, 0);
    EXPECT_EQ(cli("bill -", v).code, 0);
    fs::remove_all(scratch());
}

}  // namespace
