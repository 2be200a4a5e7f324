// Hostile strings through every vertebra-cli command that takes text or a file, on both backends,
// through the real binary (issue 9 part 4; policy in docs/testing.md "Hostile input"):
//  - every run ends with exit 0 (stored), 2 (refused, with a message), or the command's own
//    "no such thing" answer (3/4; 6 when a hostile user name signs in) — never 1 (unexpected
//    failure), never a signal (>= 128);
//  - text that is not UTF-8 is always refused with exit 2;
//  - what is accepted reads back byte for byte;
//  - no string is ever executed as SQL: afterwards every table still holds exactly the rows the
//    test made, counted with raw SQL on a separate connection, and SQLite's integrity check is ok.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;

struct Hostile {
    std::string label;
    std::string text;
    bool utf8 = true;  ///< false: must be refused with exit 2
};

std::vector<Hostile> hostile_strings() {
    std::string junk;  // NUL-free binary junk (not UTF-8)
    for (int i = 1; i < 256; i += 3) junk += static_cast<char>(i);
    std::string long_name;
    while (long_name.size() < 10000) long_name += "Zo\xC3\xAB-O'Hara ";
    return {
        {"quotes", "O'Brien \"Bob\" `tick` \\ \\' ''", true},
        {"sql", "'); DROP TABLE patients;--", true},
        {"sql2", "x\"; DELETE FROM appointments; SELECT '1", true},
        {"like", "%_%\\%_", true},
        {"long", long_name, true},
        {"invalid_utf8", "Jos\xE9 \xC3\x28 \xFF\xFE", false},
        {"control", "tab\there\nline\rcr \x1b[31mred\x1b[0m bell\x07 del\x7f", true},
        {"junk", junk, false},
        {"rtl", "\xE2\x80\xAE" "evil\xE2\x80\xAC \xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", true},
        {"emoji", "\xF0\x9F\x98\x80 \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", true},
        {"format", "%s%n%x {} {0} ${HOME} $(id) `id`", true},
    };
}

class HostileInputTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        static std::atomic<int> n{0};
        sfx_ = "_h" + std::to_string(getpid()) + "_" + std::to_string(n++);
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        char tmpl[] = "/tmp/vertebra-hostile-XXXXXX";
        dir_ = mkdtemp(tmpl);
        ASSERT_EQ(cli({"db", "init"}).code, 0);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    CliResult cli(const std::vector<std::string>& args, const std::string& input = "") {
        CliResult r = run_cli(tdb_->url(), args, input);
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        return r;
    }
    std::string ok(const std::vector<std::string>& args, const std::string& input = "") {
        auto r = cli(args, input);
        EXPECT_EQ(r.code, 0) << join(args) << "\n" << r.err;
        return r.out;
    }
    /// As clinic user `base` (password "<base>-pw" on stdin).
    CliResult as(const std::string& base, std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--user", base + sfx_});
        return cli(args, base + "-pw\n" + input);
    }
    std::string file(const std::string& name, const std::string& bytes) {
        std::string p = dir_ + "/" + name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
    static std::string join(const std::vector<std::string>& args) {
        std::string s;
        for (const auto& a : args) s += (s.empty() ? "" : " ") + a.substr(0, 60);
        return s;
    }

    /// The contract for one run: 0, 2 (with a message) or one of `also`; 2 for non-UTF-8.
    /// Returns true when the command accepted the input.
    bool sane(const CliResult& r, const Hostile& h, const std::vector<std::string>& args,
              std::set<int> also = {}) {
        const std::string what = h.label + ": " + join(args) + "\nstderr: " + r.err.substr(0, 400);
        ++runs_;
        EXPECT_LT(r.code, 128) << "killed by a signal: " << what;
        EXPECT_NE(r.code, 1) << "unexpected failure: " << what;
        EXPECT_GE(r.code, 0) << what;
        if (!h.utf8) {
            EXPECT_EQ(r.code, 2) << "non-UTF-8 text must be refused: " << what;
        } else {
            EXPECT_TRUE(r.code == 0 || r.code == 2 || also.count(r.code))
                << "exit " << r.code << ": " << what;
        }
        if (r.code != 0) EXPECT_FALSE(r.err.empty()) << "no message: " << what;
        return r.code == 0;
    }
    bool run(const Hostile& h, const std::vector<std::string>& args, std::set<int> also = {},
             const std::string& input = "") {
        return sane(cli(args, input), h, args, also);
    }

    std::string sfx_, dir_;
    std::unique_ptr<TestDatabase> tdb_;
    int runs_ = 0;
};

TEST_P(HostileInputTest, EveryCommandStoresOrRefusesHostileText) {
    // A clinic: practitioner 1, patient 1, room 1, service 1, an owner and a therapist, a booked
    // appointment with a note, an assessment and a plan.
    ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York"});
    ASSERT_EQ(ok({"practitioner", "add", "--name", "Sam Okafor", "--discipline", "physical_therapy"}), "1");
    ASSERT_EQ(ok({"patient", "add", "--name", "Seed Patient"}), "1");
    ASSERT_EQ(ok({"room", "add", "--name", "Gym"}), "1");
    ASSERT_EQ(ok({"service", "add", "--name", "PT", "--minutes", "30", "--discipline",
                  "physical_therapy"}), "1");
    ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
    ASSERT_EQ(as("olga", {"user", "add", "--name", "tom" + sfx_, "--role", "therapist",
                          "--practitioner", "1"}, "tom-pw\n").code, 0);
    ASSERT_EQ(ok({"book", "--patient", "1", "--practitioner", "1", "--start", "2026-10-26T09:00",
                  "--minutes", "30"}), "1");
    ok({"assess", "--patient", "1", "--date", "2026-10-20", "--complaint", "Low back pain",
        "--duration-weeks", "8", "--pattern", "radicular", "--cause", "herniated_disc",
        "--diagnosis", "M51.26", "--baseline", "odi=46", "--baseline", "nrs=7"});
    const std::string plan = ok({"plan", "create", "--patient", "1", "--template", "herniated_disc",
                                 "--start", "2026-10-26"});
    ASSERT_FALSE(plan.empty());
    auto r = as("tom", {"note", "create", "--appointment", "1", "--text-file",
                        file("seed.txt", "Seed note")});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string signed_note = r.out;
    ASSERT_EQ(as("tom", {"note", "sign", signed_note}).code, 0);

    int patients = 1, practitioners = 1, rooms = 1, services = 1, appointments = 1;
    int k = 0;
    for (const auto& h : hostile_strings()) {
        SCOPED_TRACE(h.label);
        const std::string S = h.text;
        const std::string day = "2026-11-" + std::string(k + 2 < 10 ? "0" : "") + std::to_string(k + 2);
        ++k;

        // --- patients -------------------------------------------------------------------
        if (run(h, {"patient", "add", "--name", S})) {
            ++patients;
            auto found = json::parse(ok({"patient", "find", S, "--json"}));
            bool seen = false;
            for (const auto& p : found) seen = seen || p["name"] == S;
            EXPECT_TRUE(seen) << h.label << ": patient name did not read back";
        }
        if (run(h, {"patient", "add", "--name", "Phone " + h.label, "--phone", S})) ++patients;
        if (run(h, {"patient", "add", "--name", "Mail " + h.label, "--email", S})) ++patients;
        run(h, {"patient", "add", "--name", "Born " + h.label, "--birth-date", S});
        run(h, {"patient", "find", S});
        run(h, {"patient", "find", S, "--json"});

        // --- practitioners, rooms, services, clinic ---------------------------------------
        if (run(h, {"practitioner", "add", "--name", S, "--discipline", "physical_therapy"})) {
            ++practitioners;
            bool seen = false;
            for (const auto& p : json::parse(ok({"practitioner", "list", "--json"})))
                seen = seen || p["name"] == S;
            EXPECT_TRUE(seen) << h.label << ": practitioner name did not read back";
        }
        if (run(h, {"practitioner", "add", "--name", "D " + h.label, "--discipline", S})) ++practitioners;
        if (run(h, {"practitioner", "add", "--name", "H " + h.label, "--discipline", "pt", "--hours", S}))
            ++practitioners;
        run(h, {"practitioner", "time-off", "1", "--from", day + "T12:00", "--to", day + "T13:00",
                "--reason", S});
        run(h, {"practitioner", "time-off", "1", "--from", S, "--to", S});
        if (run(h, {"room", "add", "--name", S, "--equipment", S})) {
            ++rooms;
            bool seen = false;
            for (const auto& x : json::parse(ok({"room", "list", "--json"})))
                seen = seen || x["name"] == S;
            EXPECT_TRUE(seen) << h.label << ": room name did not read back";
        }
        if (run(h, {"service", "add", "--name", S, "--minutes", "30", "--discipline", "physical_therapy"})) {
            ++services;
            bool seen = false;
            for (const auto& x : json::parse(ok({"service", "list", "--json"})))
                seen = seen || x["name"] == S;
            EXPECT_TRUE(seen) << h.label << ": service name did not read back";
        }
        if (run(h, {"service", "add", "--name", "E " + h.label, "--minutes", "30", "--discipline",
                    "physical_therapy", "--equipment", S}))
            ++services;
        if (run(h, {"service", "add", "--name", "M " + h.label, "--minutes", "30", "--discipline",
                    "physical_therapy", "--module", S}, {4}))
            ++services;
        if (run(h, {"clinic", "set", "--name", S}))
            EXPECT_EQ(json::parse(ok({"clinic", "show", "--json"}))["name"], S);
        run(h, {"clinic", "set", "--timezone", S}, {4});
        run(h, {"clinic", "set", "--hours", S});

        // --- appointments ---------------------------------------------------------------
        const std::vector<std::string> book{"book", "--patient", "1", "--practitioner", "1",
                                            "--start", day + "T10:00", "--minutes", "30",
                                            "--notes", S};
        if (run(h, book)) {
            const std::string id = std::to_string(++appointments);
            if (run(h, {"cancel", id, "--reason", S})) {
                bool seen = false;
                for (const auto& a : json::parse(ok({"appointments", "--from", day, "--json"})))
                    seen = seen || (a["id"] == std::stoi(id) && a["cancel_reason"] == S);
                EXPECT_TRUE(seen) << h.label << ": cancel reason did not read back";
            }
        }
        run(h, {"book", "--patient", "1", "--practitioner", "1", "--start", day + "T11:00",
                "--minutes", "30", "--repeat", S});
        run(h, {"book", "--patient", "1", "--practitioner", "1", "--start", S});
        run(h, {"status", "1", S});
        run(h, {"reschedule", "1", "--start", S});
        run(h, {"appointments", "--from", S});
        run(h, {"appointments", "--from", "2026-10-26", "--to", S});
        run(h, {"slots", "--discipline", S, "--minutes", "30", "--from", "2026-10-26"}, {4});
        run(h, {"slots", "--practitioner", "1", "--minutes", "30", "--from", S});

        // --- scores, assessments, outcomes ------------------------------------------------
        run(h, {"score", "nrs", S});
        run(h, {"score", "rmdq", S});
        run(h, {"score", "odi", S, S, S, S, S, S, S, S, S, S});
        run(h, {"assess", "--patient", "1", "--date", "2026-10-21", "--complaint", S, "--notes", S,
                "--by", S});
        for (const char* opt : {"--cause", "--diagnosis", "--red-flag", "--condition",
                                "--medication", "--flag", "--baseline", "--pattern", "--onset"})
            run(h, {"assess", "--patient", "1", "--date", "2026-10-21", opt, S}, {4});
        run(h, {"assess", "--patient", S});
        run(h, {"assess", "--file", file("assess-" + h.label + ".json", S)});
        run(h, {"assess", "--file", file("assess-" + h.label + "-j.json",
                                        json{{"patient_id", 1}, {"complaint", "x"}}.dump())});
        if (run(h, {"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", "5",
                    "--date", "2026-10-22", "--note", S, "--by", S})) {
            bool seen = false;
            for (const auto& o : json::parse(ok({"outcome", "list", "--patient", "1", "--json"})))
                seen = seen || o.dump().find(json(S).dump()) != std::string::npos;
            EXPECT_TRUE(seen) << h.label << ": outcome note did not read back";
        }
        run(h, {"outcome", "record", "--patient", "1", "--measure", S, "--value", "5"});
        run(h, {"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", S});
        run(h, {"outcome", "list", "--patient", "1", "--measure", S});

        // --- plans --------------------------------------------------------------------------
        run(h, {"plan", "create", "--patient", "1", "--template", S}, {4});
        run(h, {"plan", "create", "--patient", "1", "--template", "herniated_disc", "--start",
                "2026-10-26", "--by", S, "--assign", S}, {4});
        r = cli({"plan", "add-component", plan, "--kind", "lifestyle", "--title", S, "--notes", S,
                 "--by", S, "--per-week", "0"});
        if (sane(r, h, {"plan add-component --title/--notes/--by"}, {3})) {
            const auto shown = ok({"plan", "show", plan, "--json"});
            EXPECT_NE(shown.find(json(S).dump()), std::string::npos)
                << h.label << ": component title did not read back";
        }
        run(h, {"plan", "add-component", plan, "--kind", S}, {4});
        run(h, {"plan", "add-component", plan, "--kind", "medication", "--medication", S,
                "--per-week", "0"}, {3});
        run(h, {"plan", "add-component", plan, "--kind", "lifestyle", "--role", S, "--per-week", "0"}, {3, 4});
        run(h, {"plan", "add-component", plan, "--kind", "lifestyle", "--ack", S, "--per-week", "0"}, {3});
        run(h, {"plan", "acknowledge", plan, "--component", "1", "--rule", S, "--reason", S}, {3, 4});
        run(h, {"plan", "status", plan, S});
        run(h, {"plan", "schedule", plan, "--from", S, "--dry-run"});
        run(h, {"plan", "schedule", plan, "--from", "2026-10-26", "--day-start", S, "--dry-run"});
        run(h, {"plan", "move", plan, "--appointment", "1", "--start", S, "--dry-run"}, {3, 4});

        // --- modules, users ------------------------------------------------------------------
        run(h, {"modules", "enable", S}, {4});
        run(h, {"modules", "disable", S}, {4});
        run(h, {"modules", "enable", "massage", "--user", S}, {6});  // not a user name (2), unknown (6)
        sane(as("olga", {"user", "add", "--name", S, "--role", "therapist"}, "new-pw\n"), h, {"user add --name"}, {3});
        sane(as("olga", {"user", "add", "--name", "u" + std::to_string(k) + sfx_, "--role", S}, "new-pw\n"), h,
             {"user add --role"});
        sane(as("olga", {"user", "unlock", S}), h, {"user unlock"}, {4});
        sane(as("olga", {"user", "roles", S, "--role", "therapist"}), h, {"user roles NAME"}, {4});
        sane(as("olga", {"user", "roles", "tom" + sfx_, "--role", S}), h, {"user roles --role"});
        sane(as("tom", {"user", "break-glass", "--reason", S, "--patient", "1"}), h,
             {"user break-glass"}, {6});
        sane(cli({"--user", S, "note", "status", signed_note}, "pw\n"), h, {"--user NAME"},
             {6});  // not a user name (2), or a refused login (6)

        // --- notes -------------------------------------------------------------------------
        const std::string text = file("note-" + h.label + ".txt", S);
        r = as("tom", {"note", "create", "--appointment", "1", "--text-file", text});
        if (sane(r, h, {"note create --text-file"}, {3})) {  // 3: the visit already has a note
            const std::string id = r.out;
            auto shown = as("tom", {"note", "show", id, "--json"});
            ASSERT_EQ(shown.code, 0) << shown.err;
            EXPECT_EQ(json::parse(shown.out)["text"], S) << h.label << ": note text did not read back";
            sane(as("tom", {"note", "edit", id, "--text-file", text}), h, {"note edit"});
            sane(as("tom", {"note", "delete", id}), h, {"note delete"});
        }
        r = as("tom", {"note", "addend", signed_note, "--reason", S, "--text-file", text});
        if (sane(r, h, {"note addend --reason --text-file"})) {
            auto shown = json::parse(as("tom", {"note", "show", signed_note, "--json"}).out);
            EXPECT_EQ(shown["addenda"].back()["reason"], S);
            EXPECT_EQ(shown["addenda"].back()["text"], S);
        }
        sane(as("tom", {"note", "show", signed_note, "--break-glass", S}), h, {"note show --break-glass"},
             {6});  // 6: no break-glass permission
        sane(as("olga", {"note", "care-team", "--patient", "1", "--user-name", S}), h,
             {"note care-team"}, {4});

        // --- payer, offer, override, tasks, timeline, charges -------------------------------
        if (run(h, {"patient", "add", "--name", "Payer " + h.label, "--payer", S})) ++patients;
        if (run(h, {"service", "add", "--name", "Offer " + h.label, "--minutes", "30",
                    "--discipline", "massage", "--module", "massage", "--offer", S}))
            ++services;
        if (run(h, {"book", "--patient", "1", "--practitioner", "1", "--start", day + "T16:00",
                    "--minutes", "30", "--override-reason", S},
                {3}))
            ++appointments;
        r = as("tom", {"task", "add", "--plan", plan, "--title", S});
        if (sane(r, h, {"task add --title"})) {
            bool seen = false;
            for (const auto& t : json::parse(as("tom", {"--json", "task", "list", "--plan", plan}).out))
                seen = seen || t["title"] == S;
            EXPECT_TRUE(seen) << h.label << ": task title did not read back";
        }
        sane(as("tom", {"task", "add", "--plan", plan, "--title", "t", "--assignee", S}), h,
             {"task add --assignee"});
        sane(as("tom", {"task", "add", "--plan", plan, "--title", "t", "--due", S}), h,
             {"task add --due"});
        sane(as("tom", {"task", "done", S}), h, {"task done ID"});
        sane(as("tom", {"task", "list", "--plan", S}), h, {"task list --plan"});
        sane(as("tom", {"timeline", "--patient", S}), h, {"timeline --patient"});
        sane(as("tom", {"bill", "--appointment", S}), h, {"bill --appointment"});

        // --- fees and payer settings (the owner) ----------------------------------------------
        sane(as("olga", {"fee", "set", "--code", S, "--cents", "100", "--from", "2027-01-01",
                         "--reason", "r"}), h, {"fee set --code"});
        sane(as("olga", {"fee", "set", "--code", "97110", "--cents", "4800", "--from", "2027-01-01",
                         "--reason", S}), h, {"fee set --reason"});
        const std::vector<std::string> payer_set{"payer", "set", "--payer", "commercial", "--option",
                                                 "chiropractic.visits_per_year", "--value", "20",
                                                 "--from", "2027-01-01", "--reason", "r"};
        for (std::size_t at : {3u, 5u, 7u, 11u}) {  // --payer, --option, --value, --reason
            auto args = payer_set;
            args[at] = S;
            sane(as("olga", args), h, {"payer set " + payer_set[at - 1]});
        }
        sane(cli({"payer", "options", "--payer", S}), h, {"payer options --payer"});
        sane(cli({"payer", "history", "--payer", S}), h, {"payer history --payer"});

        // --- audit, bill -------------------------------------------------------------------
        sane(as("olga", {"audit", "report", "--from", S, "--to", S}), h, {"audit report dates"});
        sane(as("olga", {"audit", "report", "--from", "2020-01-01", "--to", "2030-12-31", "--user", S}),
             h, {"audit report --user"});
        sane(as("olga", {"audit", "report", "--from", "2020-01-01", "--to", "2030-12-31", "--user", S,
                         "--csv"}), h, {"audit report --csv"});
        run(h, {"bill", file("bill-" + h.label + ".raw", S)});
        run(h, {"bill", "-"}, {}, S);
        run(h, {"bill", "--payer", S, file("bill-ok.json", R"({"date":"2026-10-26","items":[{"code":"97110","minutes":30}]})")});
        if (h.utf8) {
            const Hostile as_json{h.label, h.text, true};
            for (const json& visit :
                 {json{{"date", "2026-10-26"}, {"items", {{{"code", S}, {"minutes", 30}}}}},
                  json{{"date", "2026-10-26"}, {"items", {{{"code", "97110"}, {"minutes", 30}, {"region", S}}}}},
                  json{{"date", S}},
                  json{{"date", "2026-10-26"}, {S, json::object()}},
                  json{{"date", "2026-10-26"}, {"patient", {{"conditions", {S}}, {"flags", {S}}}}},
                  json{{"date", "2026-10-26"}, {"chiropractic", {{"regions", {S}}}}},
                  json{{"date", "2026-10-26"}, {"massage", {{"minutes", 30}, {"code", S}}}}})
                run(as_json, {"bill", file("bill-" + h.label + "-v.json", visit.dump())});
        }
    }
    EXPECT_GT(runs_, 800);

    // Nothing was executed as SQL: the tables are all there with exactly the rows made here.
    const auto& url = tdb_->url();
    EXPECT_EQ(count_sql(url, "SELECT COUNT(*) FROM patients"), patients);
    EXPECT_EQ(count_sql(url, "SELECT COUNT(*) FROM practitioners"), practitioners);
    EXPECT_EQ(count_sql(url, "SELECT COUNT(*) FROM rooms"), rooms);
    EXPECT_EQ(count_sql(url, "SELECT COUNT(*) FROM services"), services);
    EXPECT_EQ(count_sql(url, "SELECT COUNT(*) FROM appointments"), appointments);
    EXPECT_GE(count_sql(url, "SELECT COUNT(*) FROM session_notes"), 1);
    EXPECT_EQ(cli({"audit", "verify"}).code == 0 || as("olga", {"audit", "verify"}).code == 0, true);
    if (GetParam() == Kind::SQLite) {
        auto u = db::DatabaseUrl::parse(url);
        soci::session s(*soci::factory_sqlite3(), u.sqlite_path);
        std::string integrity;
        s << "PRAGMA integrity_check", soci::into(integrity);
        EXPECT_EQ(integrity, "ok");
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, HostileInputTest, ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
