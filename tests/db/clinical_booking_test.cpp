// Booking-time clinical checks and care-team collaboration through the real vertebra-cli, the
// real plugin .so files and both backends:
//  - coverage limits (acupuncture NCD 30.3.3, injection frequency, chiropractic course length)
//    and contraindications (massage with DVT) when BOOKING, with an override that needs a reason;
//  - tasks on a plan, the patient timeline (audited) and who may see them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <set>
#include <sstream>

#include "cli_fixture.hpp"
#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;

class ClinicalBookingTest : public CliFixture {
protected:
    void SetUp() override {
        open_clinic("cb");
        if (HasFatalFailure()) return;
        ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York", "--hours",
            "Mon-Sat 07:00-19:00"});
        const std::string all_week = "Mon-Sat 07:00-19:00";
        acu_ = ok({"practitioner", "add", "--name", "Lena Fischer", "--discipline", "acupuncture",
                   "--hours", all_week});
        inj_ = ok({"practitioner", "add", "--name", "Dr Nair", "--discipline", "injections",
                   "--hours", all_week});
        lmt_ = ok({"practitioner", "add", "--name", "Jordan Reyes", "--discipline", "massage",
                   "--hours", all_week});
        dc_ = ok({"practitioner", "add", "--name", "Dr Chen", "--discipline", "chiropractic",
                  "--hours", all_week});
        acu_svc_ = ok({"service", "add", "--name", "Acupuncture", "--minutes", "45",
                       "--discipline", "acupuncture", "--module", "acupuncture", "--offer",
                       "acupuncture_session"});
        facet_svc_ = ok({"service", "add", "--name", "Facet block", "--minutes", "45",
                         "--discipline", "injections", "--module", "injections", "--offer",
                         "facet"});
        massage_svc_ = ok({"service", "add", "--name", "Massage", "--minutes", "60",
                           "--discipline", "massage", "--module", "massage", "--offer",
                           "massage_session"});
        cmt_svc_ = ok({"service", "add", "--name", "Adjustment", "--minutes", "20",
                       "--discipline", "chiropractic", "--module", "chiropractic", "--offer",
                       "adjustment_visit"});
    }

    /// A patient with an assessment: chronic nonspecific low back pain since `onset`.
    std::string patient(const std::string& name, const std::string& payer,
                        std::vector<std::string> extra = {}) {
        const std::string id = ok({"patient", "add", "--name", name, "--payer", payer});
        std::vector<std::string> args{"assess",  "--patient",    id,         "--date",
                                      "2026-11-20", "--complaint", "Low back pain", "--onset",
                                      "2026-05-01", "--duration-weeks", "28", "--pattern",
                                      "axial", "--diagnosis", "M54.50", "--by", "lena"};
        args.insert(args.end(), extra.begin(), extra.end());
        ok(args);
        return id;
    }
    CliResult book(const std::string& pat, const std::string& prac, const std::string& svc,
                   const std::string& start, const std::string& rrule = "",
                   const std::string& override_reason = "") {
        std::vector<std::string> args{"book", "--patient", pat, "--practitioner", prac,
                                      "--service", svc, "--start", start};
        if (!rrule.empty()) args.insert(args.end(), {"--repeat", rrule});
        if (!override_reason.empty()) args.insert(args.end(), {"--override-reason", override_reason});
        return cli(args);
    }

    std::string acu_, inj_, lmt_, acu_svc_, facet_svc_, massage_svc_, cmt_svc_;  // dc_: CliFixture
};

TEST_P(ClinicalBookingTest, AcupunctureNcdLimitsAreCheckedWhenBooking) {
    const std::string ann = patient("Ann Medicare", "medicare");
    // Twelve visits in the first 90 days are covered.
    auto r = book(ann, acu_, acu_svc_, "2027-01-05T09:00", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(lines(r.out).size(), 12u);
    // The 13th needs documented improvement: refused, naming the rule, nothing written.
    r = book(ann, acu_, acu_svc_, "2027-02-23T09:00");
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_NE(r.err.find("visit 13 is beyond the first 12"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("override needs a documented reason"), std::string::npos) << r.err;
    // A blank reason is no reason.
    EXPECT_EQ(book(ann, acu_, acu_svc_, "2027-02-23T09:00", "", "   ").code, 3);
    // With a reason it is booked, the reason kept on the appointment, the finding reported.
    r = book(ann, acu_, acu_svc_, "2027-02-23T09:00", "", "ODI 46 -> 30: improvement, note 12");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: NCD 30.3.3: visit 13"), std::string::npos) << r.err;
    auto day = json::parse(ok({"appointments", "--from", "2027-02-23", "--to", "2027-02-23",
                               "--json"}));
    ASSERT_EQ(day.size(), 1u);
    EXPECT_NE(day[0]["notes"].get<std::string>().find("ODI 46 -> 30: improvement"),
              std::string::npos)
        << day.dump();
    // A series that runs past the limit is refused as a whole, naming the occurrence's date.
    const std::string bob = patient("Bob Medicare", "medicare");
    r = book(bob, acu_, acu_svc_, "2027-03-02T11:00", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=14");
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("2027-04-13: NCD 30.3.3: visit 13"), std::string::npos) << r.err;
    EXPECT_TRUE(json::parse(ok({"appointments", "--from", "2027-03-02", "--to", "2027-04-30",
                                "--json"}))
                    .empty());
    // A commercial payer has no NCD: the same series books.
    const std::string cid = patient("Cid Commercial", "commercial");
    r = book(cid, acu_, acu_svc_, "2027-03-02T11:00", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=14");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST_P(ClinicalBookingTest, InjectionFrequencyAndMassageContraindicationAreCheckedWhenBooking) {
    const std::string dora = patient("Dora", "medicare");
    // Facet: four sessions in 12 months; a cancelled one does not count.
    auto r = book(dora, inj_, facet_svc_, "2027-01-04T09:00", "FREQ=MONTHLY;BYDAY=1MO;COUNT=4");
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ids = lines(r.out);
    r = book(dora, inj_, facet_svc_, "2027-06-07T09:00");
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("Session 5 of facet injection"), std::string::npos) << r.err;
    ok({"cancel", ids.back(), "--reason", "patient ill"});
    r = book(dora, inj_, facet_svc_, "2027-06-07T09:00");
    EXPECT_EQ(r.code, 0) << r.err;

    // Massage with a recorded DVT: absolute contraindication.
    const std::string eve = patient("Eve", "commercial", {"--condition", "dvt"});
    r = book(eve, lmt_, massage_svc_, "2027-01-05T10:00");
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("deep vein thrombosis"), std::string::npos) << r.err;
    const std::string fay = patient("Fay", "commercial");
    EXPECT_EQ(book(fay, lmt_, massage_svc_, "2027-01-05T10:00").code, 0);

    // A patient without any assessment: nothing recorded, nothing found (massage has no NCD).
    const std::string gus = ok({"patient", "add", "--name", "Gus"});
    EXPECT_EQ(book(gus, lmt_, massage_svc_, "2027-01-05T12:00").code, 0);
    // Unknown payers and offers are refused up front.
    EXPECT_EQ(cli({"patient", "add", "--name", "Hal", "--payer", "aetna"}).code, 2);
    EXPECT_EQ(cli({"service", "add", "--name", "X", "--minutes", "30", "--discipline", "massage",
                   "--module", "massage", "--offer", "hot_stones"})
                  .code,
              2);
}

TEST_P(ClinicalBookingTest, ChiropracticCourseLengthWarnsForMedicareOnly) {
    const std::string ian = patient("Ian", "medicare");
    // Weekly adjustments for 14 weeks: occurrence 14 (2027-04-05) is past 3 months of care.
    auto r = book(ian, dc_, cmt_svc_, "2027-01-04T08:00", "FREQ=WEEKLY;COUNT=14");
    ASSERT_EQ(r.code, 0) << r.err;  // a warning, not a block
    EXPECT_NE(r.err.find("[chiro_course_length]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2027-04-05: Active care began 2027-01-04"), std::string::npos) << r.err;
    const std::string jo = patient("Jo", "commercial");
    r = book(jo, dc_, cmt_svc_, "2027-01-04T09:00", "FREQ=WEEKLY;COUNT=14");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST_P(ClinicalBookingTest, CareTeamTasksAndThePatientTimeline) {
    ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
    ASSERT_EQ(as("olga", {"user", "add", "--name", "lena" + sfx_, "--role", "therapist",
                          "--practitioner", acu_}, "lena-pw\n").code, 0);
    ASSERT_EQ(as("olga", {"user", "add", "--name", "fred" + sfx_, "--role", "front_desk"},
                 "fred-pw\n").code,
              0);
    const std::string kim = patient("Kim", "commercial");
    ok({"assess", "--patient", kim, "--date", "2026-12-10", "--complaint", "Low back pain",
        "--onset", "2026-05-01", "--duration-weeks", "30", "--pattern", "axial", "--diagnosis",
        "M54.50", "--medication", "ibuprofen:nsaid", "--by", "lena"});
    auto r = book(kim, acu_, acu_svc_, "2027-01-05T09:00");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string plan = ok({"plan", "create", "--patient", kim, "--template", "muscle_ligament_strain",
                                 "--start", "2027-01-04"});
    ASSERT_FALSE(plan.empty());
    ok({"outcome", "record", "--patient", kim, "--measure", "nrs", "--value", "6", "--at",
        "2027-01-05T09:50:00Z"});

    // Tasks: the therapist on the care team adds, lists, ticks off and reopens.
    r = as("lena", {"task", "add", "--plan", plan, "--title", "Call GP about ibuprofen",
                    "--assignee", "lena" + sfx_, "--due", "2027-01-08"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string task = trim(r.out);
    r = as("lena", {"task", "add", "--plan", plan, "--title", "Home exercise sheet"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(as("lena", {"task", "add", "--plan", plan, "--title", "  "}).code, 2);
    EXPECT_EQ(as("lena", {"task", "add", "--plan", plan, "--title", "x", "--assignee", "nobody"})
                  .code,
              2);
    EXPECT_EQ(as("lena", {"task", "add", "--plan", plan, "--title", "x", "--due", "2026-01-01"})
                  .code,
              2);
    EXPECT_EQ(as("lena", {"task", "add", "--plan", "999", "--title", "x"}).code, 4);
    r = as("lena", {"--json", "task", "mine"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto mine = json::parse(r.out);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0]["title"], "Call GP about ibuprofen");
    EXPECT_EQ(mine[0]["due"], "2027-01-08");
    ASSERT_EQ(as("lena", {"task", "done", task}).code, 0);
    EXPECT_EQ(as("lena", {"task", "done", task}).code, 3) << "already done";
    r = as("lena", {"--json", "task", "list", "--plan", plan});
    auto list = json::parse(r.out);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["title"], "Home exercise sheet") << "open tasks first";
    EXPECT_EQ(list[1]["done"], true);
    EXPECT_EQ(list[1]["done_by"], "lena" + sfx_);
    EXPECT_TRUE(json::parse(as("lena", {"--json", "task", "mine"}).out).empty());

    // Front desk sees neither tasks nor the timeline (exit 6 naming the permission).
    r = as("fred", {"task", "list", "--plan", plan});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("assessment.read"), std::string::npos) << r.err;
    EXPECT_EQ(as("fred", {"timeline", "--patient", kim}).code, 6);
    EXPECT_EQ(as("fred", {"task", "done", task}).code, 6);

    // A shared case note on the patient, signed.
    const std::string note_file = ::testing::TempDir() + "note" + sfx_ + ".txt";
    FILE* f = std::fopen(note_file.c_str(), "w");
    std::fputs("Needled BL23, BL25; tolerated well.", f);
    std::fclose(f);
    r = as("lena", {"note", "create", "--patient", kim, "--text-file", note_file});
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(as("lena", {"note", "sign", trim(r.out)}).code, 0);

    // The timeline joins everything, oldest first, and its read is audited.
    r = as("lena", {"--json", "timeline", "--patient", kim});
    ASSERT_EQ(r.code, 0) << r.err;
    auto tl = json::parse(r.out);
    std::set<std::string> kinds;
    std::string prev;
    for (const auto& e : tl) {
        kinds.insert(e["kind"].get<std::string>());
        EXPECT_LE(prev, e["at"].get<std::string>()) << "time order";
        prev = e["at"].get<std::string>();
    }
    EXPECT_EQ(kinds, (std::set<std::string>{"appointment", "medication", "note", "plan", "score",
                                            "task"}))
        << tl.dump(1);
    bool started = false, nrs = false;
    for (const auto& e : tl) {
        started = started || e["title"] == "Medication started: ibuprofen (nsaid)";
        nrs = nrs || e["title"] == "NRS 6";
        EXPECT_EQ(e.dump().find("BL23"), std::string::npos) << "note text stays in the note";
    }
    EXPECT_TRUE(started) << tl.dump(1);
    EXPECT_TRUE(nrs) << tl.dump(1);
    r = as("olga", {"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
    ASSERT_EQ(r.code, 0) << r.err;
    int reads = 0, task_events = 0;
    for (const auto& e : json::parse(r.out)) {
        reads += e["action"] == "timeline.read";
        task_events += e["action"].get<std::string>().rfind("task.", 0) == 0;
    }
    EXPECT_EQ(reads, 1);
    EXPECT_EQ(task_events, 3) << "two created, one done";
    EXPECT_EQ(as("olga", {"audit", "verify"}).code, 0);
}

TEST_P(ClinicalBookingTest, ChargesComeOnlyFromTheSignedNote) {
    ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
    ASSERT_EQ(as("olga", {"user", "add", "--name", "chen" + sfx_, "--role", "therapist",
                          "--practitioner", dc_}, "chen-pw\n").code, 0);
    ASSERT_EQ(as("olga", {"user", "add", "--name", "fred" + sfx_, "--role", "front_desk"},
                 "fred-pw\n").code,
              0);
    const std::string lea = patient("Lea", "medicare");
    auto r = book(lea, dc_, cmt_svc_, "2027-01-04T08:00");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string appt = trim(r.out);

    // No note yet, then a draft: no charges.
    r = as("chen", {"bill", "--appointment", appt});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("charges come only from a signed note"), std::string::npos) << r.err;
    const std::string note_file = ::testing::TempDir() + "cmt" + sfx_ + ".json";
    FILE* f = std::fopen(note_file.c_str(), "w");
    std::fputs(R"({"subjective": "Neck and low back pain after lifting",
                   "fields": {"care": "active", "spinal_regions": ["cervical", "lumbar"],
                              "part_cervical": ["P", "A"], "part_lumbar": ["R", "T"],
                              "symptoms": "Neck stiffness C5-C6, low back pain L4-L5"}})",
               f);
    std::fclose(f);
    r = as("chen", {"note", "create", "--appointment", appt, "--text-file", note_file});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string note = trim(r.out);
    r = as("chen", {"bill", "--appointment", appt});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("has only a draft note"), std::string::npos) << r.err;

    // Signed: the module's rules for the patient's payer (Medicare: AT on active care).
    ASSERT_EQ(as("chen", {"note", "sign", note}).code, 0);
    r = as("chen", {"--json", "bill", "--appointment", appt});
    ASSERT_EQ(r.code, 0) << r.err;
    auto bill = json::parse(r.out);
    EXPECT_EQ(bill["payer"], "medicare");
    EXPECT_EQ(bill["date"], "2027-01-04");
    ASSERT_EQ(bill["lines"].size(), 1u) << bill.dump();
    EXPECT_EQ(bill["lines"][0]["code"], "98940");
    EXPECT_EQ(bill["lines"][0]["modifiers"], json::array({"AT"}));
    // The payer can be given; commercial has no AT.
    r = as("chen", {"--json", "bill", "--appointment", appt, "--payer", "commercial"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["lines"][0]["modifiers"], json::array());
    // Front desk may not read the note the charges come from; a file and an appointment
    // together are refused.
    EXPECT_EQ(as("fred", {"bill", "--appointment", appt}).code, 6);
    EXPECT_EQ(as("chen", {"bill", "--appointment", appt, "visit.json"}).code, 2);
    EXPECT_EQ(as("chen", {"bill", "--appointment", "9999"}).code, 4);
}

TEST_P(ClinicalBookingTest, SignedInUsersBookWithTheirPermissionsAndEachAccessIsAudited) {
    ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
    ASSERT_EQ(as("olga", {"user", "add", "--name", "fred" + sfx_, "--role", "front_desk"},
                 "fred-pw\n").code,
              0);
    ASSERT_EQ(as("olga", {"user", "add", "--name", "lena" + sfx_, "--role", "therapist",
                          "--practitioner", lmt_}, "lena-pw\n").code, 0);
    // Front desk: demographics and the book.
    auto r = as("fred", {"patient", "add", "--name", "Mia Front"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string mia = trim(r.out);
    r = as("fred", {"--json", "patient", "find", "Mia"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).size(), 1u);
    r = as("fred", {"book", "--patient", mia, "--practitioner", lmt_, "--service", massage_svc_,
                    "--start", "2027-01-05T10:00"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string appt = trim(r.out);
    // Front desk may not read the clinical record: the booking says what was not checked.
    EXPECT_NE(r.err.find("[record_not_readable]"), std::string::npos) << r.err;
    ASSERT_EQ(as("fred", {"appointments", "--from", "2027-01-05"}).code, 0);
    ASSERT_EQ(as("fred", {"cancel", appt, "--reason", "patient called"}).code, 0);
    // The owner manages the clinic, not the book or demographics; a therapist books.
    r = as("olga", {"book", "--patient", mia, "--practitioner", lmt_, "--service",
                    massage_svc_, "--start", "2027-01-06T10:00"});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("schedule.write"), std::string::npos) << r.err;
    r = as("olga", {"patient", "add", "--name", "Nope"});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("patient.write"), std::string::npos) << r.err;
    EXPECT_EQ(as("lena", {"patient", "add", "--name", "Nope"}).code, 6);
    r = as("lena", {"book", "--patient", mia, "--practitioner", lmt_, "--service", massage_svc_,
                    "--start", "2027-01-06T10:00"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err.find("[record_not_readable]"), std::string::npos) << r.err;  // her patient
    // A therapist off Mia's care team books too, but is told the record was not checked
    // (rather than checked against a record hidden from her).
    ASSERT_EQ(as("olga", {"user", "add", "--name", "tara" + sfx_, "--role", "therapist"},
                 "tara-pw\n").code, 0);
    r = as("tara", {"book", "--patient", mia, "--practitioner", lmt_, "--service", massage_svc_,
                    "--start", "2027-01-07T10:00"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("[record_not_readable]"), std::string::npos) << r.err;

    // Every access is in the chained log, with the patient where there is one.
    r = as("olga", {"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::multiset<std::string> seen;
    for (const auto& e : json::parse(r.out)) {
        const std::string action = e["action"];
        if (action.rfind("patient.", 0) && action.rfind("appointment.", 0) &&
            action != "schedule.read")
            continue;
        const std::string user = e["user"];
        seen.insert(action + " " + user.substr(0, user.find('_')) + " " +
                    (e["patient_id"].is_null() ? "-" : std::to_string(e["patient_id"].get<long long>())));
    }
    EXPECT_EQ(seen, (std::multiset<std::string>{
                        "patient.create fred " + mia, "patient.search fred -",
                        "appointment.book fred " + mia, "schedule.read fred -",
                        "appointment.cancel fred " + mia, "appointment.book lena " + mia,
                        "appointment.book tara " + mia}))
        << r.out.substr(0, 3000);
    EXPECT_EQ(as("olga", {"audit", "verify"}).code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicalBookingTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
