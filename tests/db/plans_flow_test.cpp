// The treatment-plan flow as a clinician drives it headless through vertebra-cli, on both
// backends: assessment -> plan from template -> booked series -> scores over weeks -> review
// (improving; not improving with a next step; red-flag referral).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli_runner.hpp"
#include "test_databases.hpp"
#include "vertebra/common/time.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;

using PlanCliRun = CliResult;

PlanCliRun cli(const std::string& db, const std::vector<std::string>& args) {
    return run_cli(db, args, "", "VERTEBRA_USER=dr.chen VERTEBRA_PLUGIN_PATH=");
}

class PlanFlowTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        url_ = tdb_->url();
        ASSERT_EQ(cli(url_, {"db", "init"}).code, 0);
        ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York"});
        sam_ = ok({"practitioner", "add", "--name", "Sam Okafor, PT", "--discipline",
                   "physical_therapy", "--hours", "Mon-Fri 08:00-18:00"});
        chen_ = ok({"practitioner", "add", "--name", "Dr Chen", "--discipline", "primary_care"});
        nair_ = ok({"practitioner", "add", "--name", "Dr Nair", "--discipline", "injections"});
        lee_ = ok({"practitioner", "add", "--name", "Kim Lee, PT", "--discipline",
                   "physical_therapy"});
        // The same clinic whether or not this build has the therapy plugins: modules off.
        for (const char* m : {"chiropractic", "acupuncture", "massage", "injections",
                              "surgery_referral"}) {
            auto r = run({"modules", "disable", m});
            EXPECT_TRUE(r.code == 0 || r.code == 4) << r.err;  // 4: not installed at all
        }
    }
    PlanCliRun run(const std::vector<std::string>& args) { return cli(url_, args); }
    std::string ok(const std::vector<std::string>& args) {
        auto r = run(args);
        EXPECT_EQ(r.code, 0) << r.err;
        return trim(r.out);
    }
    json ok_json(const std::vector<std::string>& args) {
        auto out = ok(args);
        try {
            return json::parse(out);
        } catch (const json::exception& e) {
            ADD_FAILURE() << "not JSON: " << out;
            return json();
        }
    }
    std::string patient(const std::string& name) { return ok({"patient", "add", "--name", name}); }
    /// A radicular disc patient with baseline ODI and NRS; returns the assessment id.
    std::string assess(const std::string& pid, const std::string& date, int weeks,
                       std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"assess", "--patient", pid, "--date", date,
                                      "--complaint", "Low back pain with left leg pain",
                                      "--duration-weeks", std::to_string(weeks), "--pattern",
                                      "radicular", "--cause", "herniated_disc", "--diagnosis",
                                      "M51.26", "--baseline", "odi=46", "--baseline", "nrs=7"};
        args.insert(args.end(), extra.begin(), extra.end());
        return ok(args);
    }
    void score(const std::string& pid, const char* measure, const char* value, const char* date) {
        ok({"outcome", "record", "--patient", pid, "--measure", measure, "--value", value,
            "--date", date});
    }

    std::unique_ptr<TestDatabase> tdb_;
    std::string url_, sam_, chen_, nair_, lee_;
};

TEST_P(PlanFlowTest, TemplatesListEveryCauseWithIdAndName) {
    auto t = ok_json({"plan", "templates"});
    ASSERT_TRUE(t.is_array());
    std::set<std::string> ids;
    for (const auto& x : t) {
        EXPECT_TRUE(x.contains("name"));
        ids.insert(x["id"].get<std::string>());
    }
    for (const char* cause : {"muscle_ligament_strain", "herniated_disc", "osteoarthritis",
                              "spinal_stenosis", "scoliosis", "fibromyalgia",
                              "inflammatory_disease"})
        EXPECT_TRUE(ids.count(cause)) << cause;
}

TEST_P(PlanFlowTest, ImprovingPatientFromAssessmentToBookedSeriesAndReview) {
    auto tom = patient("Tom O'Reed");
    // ICD-10-CM is checked for the date of the assessment: M54.5 is a parent code after 2021.
    auto bad = run({"assess", "--patient", tom, "--date", "2026-03-02", "--complaint", "LBP",
                    "--diagnosis", "M54.5"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("M54.50"), std::string::npos) << bad.err;
    auto a = assess(tom, "2026-03-02", 8);

    auto pid = ok({"plan", "create", "--patient", tom, "--template", "herniated_disc", "--start",
                   "2026-03-02"});
    auto plan = ok_json({"plan", "show", pid});
    EXPECT_EQ(plan["assessment_id"], std::stoll(a));
    EXPECT_EQ(plan["status"], "draft");
    ASSERT_FALSE(plan["goals"].empty());
    EXPECT_EQ(plan["goals"][0]["measure"], "odi");
    EXPECT_EQ(plan["goals"][0]["baseline"], 46.0);
    EXPECT_EQ(plan["goals"][0]["target"], 32.2);  // 30 % better
    ASSERT_FALSE(plan["versions"].empty());
    EXPECT_EQ(plan["versions"][0]["author"], "dr.chen");
    json pt;
    bool has_injection = false;
    for (const auto& c : plan["components"]) {
        if (c["kind"] == "physical_therapy") pt = c;
        if (c["kind"] == "injections") has_injection = true;
    }
    ASSERT_FALSE(pt.is_null()) << plan.dump(2);
    EXPECT_EQ(pt["practitioner_id"], std::stoll(sam_));  // first active PT
    EXPECT_FALSE(has_injection) << "the injections module is off";
    const int planned = pt["planned_sessions"].get<int>();
    EXPECT_EQ(planned, 12);

    // Preview books nothing.
    auto preview = ok_json({"--json", "plan", "schedule", pid, "--from", "2026-03-02",
                            "--dry-run"});
    EXPECT_EQ(preview["dry_run"], true);
    EXPECT_EQ(preview["booked"], false);
    EXPECT_EQ(preview["sessions"].size(), static_cast<std::size_t>(planned));
    EXPECT_TRUE(preview["problems"].empty()) << preview.dump(2);
    EXPECT_TRUE(json::parse(ok({"appointments", "--from", "2026-03-02", "--to", "2026-05-01",
                                "--json"})).empty());

    auto ids = lines(ok({"plan", "schedule", pid, "--from", "2026-03-02"}));
    ASSERT_EQ(ids.size(), static_cast<std::size_t>(planned));
    auto appts = json::parse(ok({"appointments", "--from", "2026-03-02", "--to", "2026-05-01",
                                 "--patient", tom, "--json"}));
    ASSERT_EQ(appts.size(), static_cast<std::size_t>(planned));
    for (std::size_t i = 0; i < appts.size(); ++i) {
        EXPECT_EQ(appts[i]["practitioner_id"], std::stoll(sam_));
        EXPECT_EQ(appts[i]["start"].get<std::string>().substr(11, 5), "08:00");
        if (i > 0)  // at least two days apart (min_spacing_days)
            EXPECT_GE((parse_local_date(appts[i]["start"].get<std::string>().substr(0, 10)) -
                       parse_local_date(appts[i - 1]["start"].get<std::string>().substr(0, 10)))
                          .count(),
                      2);
    }
    EXPECT_EQ(appts[0]["start"], "2026-03-02T08:00:00-05:00");
    // Moving a session offers to re-flow the later ones; a dry run changes nothing.
    auto move = ok_json({"plan", "move", pid, "--appointment", ids[2], "--start",
                         "2026-03-11T09:00", "--dry-run"});
    ASSERT_FALSE(move["moves"].empty()) << move.dump(2);
    EXPECT_EQ(move["moves"][0]["to"], "2026-03-11 09:00");
    EXPECT_EQ(move["applied"], false);
    EXPECT_EQ(json::parse(ok({"appointments", "--from", "2026-03-02", "--to", "2026-05-01",
                              "--patient", tom, "--json"})), appts);
    // Scheduling again books nothing more: the sessions are in the book already.
    EXPECT_EQ(ok({"plan", "schedule", pid, "--from", "2026-03-02"}), "");

    // Sessions completed count toward the component.
    ok({"status", ids[0], "arrived"});
    ok({"status", ids[0], "completed"});
    ok({"status", ids[1], "in_session"});
    ok({"status", ids[1], "completed"});
    plan = ok_json({"plan", "show", pid});
    for (const auto& c : plan["components"])
        if (c["kind"] == "physical_therapy") {
            EXPECT_EQ(c["sessions_completed"], 2);
            EXPECT_EQ(c["sessions_upcoming"], planned - 2);
        }
    EXPECT_GE(plan["versions"].size(), 2u);
    EXPECT_NE(plan["versions"].back()["summary"].get<std::string>().find("booked 12"),
              std::string::npos);

    // Scores over weeks, then review: ODI 46 -> 28 and NRS 7 -> 4 meet the MCID.
    score(tom, "nrs", "6", "2026-03-09");
    score(tom, "odi", "38", "2026-03-16");
    score(tom, "nrs", "4", "2026-03-23");
    score(tom, "odi", "36", "2026-03-23");
    auto scores = ok_json({"outcome", "list", "--patient", tom});
    ASSERT_EQ(scores.size(), 4u);
    EXPECT_EQ(scores[0]["plan_id"], std::stoll(pid));  // attached to the current plan

    auto r = ok_json({"plan", "review", pid, "--date", "2026-03-23"});
    EXPECT_EQ(r["outcome"], "improving") << r.dump(2);
    EXPECT_TRUE(r["flag"].is_null() || r["flag"] == "") << r.dump(2);
    EXPECT_EQ(r["suggestion_code"], "continue") << r.dump(2);
    EXPECT_FALSE(r["comparisons"].empty());
    // Every measure goal reached later on (ODI <= 32.2, NRS <= 5): step down.
    score(tom, "odi", "30", "2026-04-06");
    auto later = ok_json({"plan", "review", pid, "--date", "2026-04-06"});
    EXPECT_EQ(later["outcome"], "improving");
    EXPECT_EQ(later["suggestion_code"], "step_down") << later.dump(2);
}

TEST_P(PlanFlowTest, NotImprovingAfterSixWeeksOfRadicularPainSuggestsInjectionOrSurgery) {
    auto ann = patient("Ann Lee");
    assess(ann, "2026-03-02", 10, {"--prior-weeks", "2"});
    auto pid = ok({"plan", "create", "--patient", ann, "--template", "herniated_disc", "--start",
                   "2026-03-02", "--assign", "physical_therapy=" + lee_});
    auto plan = ok_json({"plan", "show", pid});
    for (const auto& c : plan["components"])
        if (c["kind"] == "physical_therapy") EXPECT_EQ(c["practitioner_id"], std::stoll(lee_));
    EXPECT_EQ(lines(ok({"plan", "schedule", pid, "--from", "2026-03-02"})).size(), 12u);

    for (const char* d : {"2026-03-16", "2026-03-30", "2026-04-13"}) {
        score(ann, "nrs", "7", d);
        score(ann, "odi", "44", d);
    }
    // Two weeks in it is too early to call.
    auto early = ok_json({"plan", "review", pid, "--date", "2026-03-16"});
    EXPECT_EQ(early["outcome"], "too_early") << early.dump(2);
    auto r = ok_json({"plan", "review", pid, "--date", "2026-04-13"});
    EXPECT_EQ(r["outcome"], "not_improving") << r.dump(2);
    EXPECT_EQ(r["flag"], "not improving");
    EXPECT_EQ(r["suggestion_code"], "consider_injection_or_surgical_referral") << r.dump(2);
    EXPECT_FALSE(r["suggestion"].get<std::string>().empty());
}

TEST_P(PlanFlowTest, RedFlagAtReviewPromptsEmergencyReferral) {
    auto lee = patient("Lee Park");
    assess(lee, "2026-03-02", 8);
    auto pid = ok({"plan", "create", "--patient", lee, "--template", "herniated_disc", "--start",
                   "2026-03-02"});
    score(lee, "nrs", "4", "2026-03-16");
    auto r = ok_json({"plan", "review", pid, "--date", "2026-03-16", "--red-flag",
                      "saddle_anaesthesia", "--red-flag", "bladder_dysfunction"});
    EXPECT_EQ(r["outcome"], "red_flag") << r.dump(2);
    EXPECT_EQ(r["flag"], "red flag");
    EXPECT_EQ(r["suggestion_code"], "refer_emergency");
    EXPECT_EQ(r["triage"]["tier"], "emergency");
    // A clean fresh screen does not escalate.
    auto clean = ok_json({"plan", "review", pid, "--date", "2026-03-16", "--screened"});
    EXPECT_NE(clean["outcome"], "red_flag");
    EXPECT_EQ(run({"plan", "review", pid, "--red-flag", "headache"}).code, 2);
}

TEST_P(PlanFlowTest, RedFlagAtAssessmentBlocksElectiveTherapyUntilAcknowledged) {
    auto max = patient("Max Roe");
    auto a = run({"--json", "assess", "--patient", max, "--date", "2026-03-02", "--complaint",
                  "Back pain, fever", "--duration-weeks", "3", "--red-flag", "fever"});
    ASSERT_EQ(a.code, 0) << a.err;
    EXPECT_EQ(json::parse(a.out)["triage"]["tier"], "same_day_urgent");
    auto pid = ok({"plan", "create", "--patient", max, "--template", "muscle_ligament_strain",
                   "--start", "2026-03-02"});
    auto plan = ok_json({"plan", "show", pid});
    ASSERT_FALSE(plan["unacknowledged_findings"].empty()) << plan.dump(2);
    EXPECT_EQ(plan["unacknowledged_findings"][0]["rule"], "red_flag_blocks_elective");

    // All or nothing: nothing is booked, exit 3 saying why.
    auto s = run({"plan", "schedule", pid, "--from", "2026-03-02"});
    EXPECT_EQ(s.code, 3) << s.out << s.err;
    EXPECT_NE(s.err.find("acknowledge"), std::string::npos) << s.err;
    EXPECT_TRUE(json::parse(ok({"appointments", "--from", "2026-03-02", "--to", "2026-05-01",
                                "--json"})).empty());
    EXPECT_EQ(run({"plan", "status", pid, "active"}).code, 3);

    for (const auto& f : plan["unacknowledged_findings"])
        ok({"plan", "acknowledge", pid, "--component", std::to_string(f["component_id"].get<int>()),
            "--rule", f["rule"].get<std::string>(), "--reason",
            "Infection excluded by same-day bloods; GP agrees"});
    EXPECT_FALSE(lines(ok({"plan", "schedule", pid, "--from", "2026-03-02"})).empty());
    ok({"plan", "status", pid, "active"});
    EXPECT_EQ(ok_json({"plan", "show", pid})["status"], "active");
}

TEST_P(PlanFlowTest, AddComponentRunsChecksGatesModulesAndVersionsEveryChange) {
    auto kim = patient("Kim Doe");
    assess(kim, "2026-03-02", 8, {"--egfr", "45", "--medication", "lisinopril"});
    auto pid = ok({"plan", "create", "--patient", kim, "--template", "herniated_disc", "--start",
                   "2026-03-02"});
    const auto v0 = ok_json({"plan", "show", pid})["versions"].size();

    // Core medication rules: NSAID with eGFR 30-59 is a relative finding to acknowledge.
    auto added = run({"--json", "plan", "add-component", pid, "--kind", "medication", "--title",
                      "Ibuprofen", "--medication", "ibuprofen", "--practitioner", chen_});
    ASSERT_EQ(added.code, 0) << added.err;
    auto j = json::parse(added.out);
    bool egfr = false;
    for (const auto& f : j["unacknowledged"]) egfr = egfr || f == "nsaid_egfr_30_59";
    EXPECT_TRUE(egfr) << added.out;
    ok({"plan", "acknowledge", pid, "--component", std::to_string(j["id"].get<int>()), "--rule",
        "nsaid_egfr_30_59", "--reason", "Short course, renal function rechecked in 2 weeks"});

    // A component whose module is disabled (or not installed) is refused: exit 3.
    auto chiro = run({"plan", "add-component", pid, "--kind", "chiropractic", "--practitioner",
                      sam_, "--per-week", "1", "--weeks", "4"});
    EXPECT_EQ(chiro.code, 3) << chiro.err;
    // A practitioner not on the team needs a role; bad input is exit 2, unknown plan exit 4.
    auto becker = ok({"practitioner", "add", "--name", "Dr Becker, PsyD", "--discipline",
                      "psychological_support"});
    EXPECT_EQ(run({"plan", "add-component", pid, "--kind", "psychological_support",
                   "--practitioner", becker}).code, 2);
    EXPECT_EQ(run({"plan", "add-component", pid, "--kind", "reiki"}).code, 2);
    EXPECT_EQ(run({"plan", "show", "999"}).code, 4);
    EXPECT_EQ(run({"plan", "create", "--patient", kim, "--template", "nope"}).code, 4);
    EXPECT_EQ(run({"plan", "create", "--patient", "999", "--template", "herniated_disc"}).code, 4);
    ok({"plan", "add-component", pid, "--kind", "psychological_support", "--practitioner",
        becker, "--role", "mental_health", "--per-week", "1", "--sessions", "6", "--minutes",
        "50"});

    auto plan = ok_json({"plan", "show", pid});
    EXPECT_EQ(plan["versions"].size(), v0 + 4);  // component, ack, team member, component
    for (std::size_t i = 1; i < plan["versions"].size(); ++i)
        EXPECT_EQ(plan["versions"][i]["number"], plan["versions"][i - 1]["number"].get<int>() + 1);
    EXPECT_EQ(plan["versions"].back()["author"], "dr.chen");
    auto list = ok_json({"plan", "list", "--patient", kim});
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["version"], plan["version"]);
}

TEST_P(PlanFlowTest, ScoresAreValidatedAndOdiCanBeGivenAsAnswers) {
    auto p = patient("Ola Berg");
    EXPECT_EQ(run({"outcome", "record", "--patient", p, "--measure", "nrs", "--value", "11"}).code, 2);
    EXPECT_EQ(run({"outcome", "record", "--patient", p, "--measure", "pain", "--value", "3"}).code, 2);
    EXPECT_EQ(run({"outcome", "record", "--patient", "999", "--measure", "nrs", "--value", "3"}).code, 4);
    auto r = run({"--json", "outcome", "record", "--patient", p, "--measure", "odi", "--answers",
                  "3", "2", "-", "1", "4", "2", "3", "2", "1", "2", "--at", "2026-03-02T14:00:00Z"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["value"], 44.4);  // 20 / 45
    EXPECT_EQ(j["band"], "severe");
    auto list = ok_json({"outcome", "list", "--patient", p, "--measure", "odi"});
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["taken_at"], "2026-03-02T14:00:00Z");
    EXPECT_EQ(list[0]["odi_answers"][2], nullptr);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanFlowTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
