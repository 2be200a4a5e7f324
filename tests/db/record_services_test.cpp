// The clinical record through the services on SQLite and PostgreSQL: the permission matrix,
// signing locks notes, addenda, break-glass, lockout, charges gate, and audit tampering.
#include <thread>

#include "record_fixture.hpp"

namespace vertebra::testing {
namespace {

using core::Permission;

class RecordServicesTest : public RecordFixture {};

TEST_P(RecordServicesTest, TherapistWritesSignsAndAddendsAndSignedNoteIsLocked) {
    auto& tom = seat("tom");
    core::NoteContent c;
    c.text = "Lumbar pain 6/10, improved after session.";
    c.subjective = "Feels better";
    const auto now = wall_now();
    auto id = tom.service->create_for_appointment(tom.who, appt_, c, now);
    c.plan = "Continue twice weekly";
    tom.service->save_draft(tom.who, id, c, now);  // autosave of a draft
    tom.service->sign(tom.who, id, now);

    expect_error([&] { tom.service->save_draft(tom.who, id, c, now); },
                 ErrorKind::PermissionDenied, "note is signed; add an addendum");
    expect_error([&] { tom.service->delete_draft(tom.who, id); }, ErrorKind::PermissionDenied,
                 "note is signed; add an addendum");
    expect_error([&] { tom.service->sign(tom.who, id, now); }, ErrorKind::Conflict,
                 "already signed");
    expect_error([&] { tom.service->addend(tom.who, id, "  ", "x", now); }, ErrorKind::Invalid,
                 "reason");
    auto add = tom.service->addend(tom.who, id, "wrong pain score", "Pain was 5/10.", now);
    EXPECT_GT(add, 0);

    auto n = tom.service->read(tom.who, id, now);
    EXPECT_EQ(n.status, core::NoteStatus::Signed);
    EXPECT_EQ(n.content.text, "Lumbar pain 6/10, improved after session.");  // original kept
    EXPECT_EQ(n.content.plan, "Continue twice weekly");
    EXPECT_EQ(n.signed_by, name("tom"));
    EXPECT_EQ(n.content_hash, core::note_hash(n));
    ASSERT_EQ(n.addenda.size(), 1u);
    EXPECT_EQ(n.addenda[0].reason, "wrong pain score");
    EXPECT_EQ(n.addenda[0].author, name("tom"));
    // One note per appointment.
    expect_error([&] { tom.service->create_for_appointment(tom.who, appt_, c, now); },
                 ErrorKind::Conflict, "already has note");
}

TEST_P(RecordServicesTest, PermissionMatrixHoldsThroughTheServices) {
    auto id = signed_note("matrix note");
    const auto now = wall_now();
    core::NoteContent c;
    c.text = "x";

    auto& fay = seat("fay");  // front desk
    expect_error([&] { fay.service->read(fay.who, id, now); }, ErrorKind::PermissionDenied,
                 "lacks note.read");
    expect_error([&] { fay.service->create_for_appointment(fay.who, bea_appt_, c, now); },
                 ErrorKind::PermissionDenied, "lacks note.write");
    expect_error([&] { fay.service->sign(fay.who, id, now); }, ErrorKind::PermissionDenied,
                 "lacks note.sign");
    expect_error([&] { fay.service->addend(fay.who, id, "r", "t", now); },
                 ErrorKind::PermissionDenied, "lacks note.addend");
    expect_error([&] { fay.auth->list(fay.who); }, ErrorKind::PermissionDenied,
                 "lacks user.manage");
    EXPECT_EQ(fay.service->status(fay.who, id).status, core::NoteStatus::Signed);

    auto& olga = seat("olga");  // owner: administration, not clinical notes
    expect_error([&] { olga.service->read(olga.who, id, now); }, ErrorKind::PermissionDenied,
                 "lacks note.read");
    expect_error([&] { olga.service->create_case_note(olga.who, pat_, c, now); },
                 ErrorKind::PermissionDenied, "lacks note.write");
    EXPECT_EQ(olga.auth->list(olga.who).size(), 5u);
    EXPECT_EQ(olga.service->unsigned_report(olga.who).size(), 0u);

    auto& una = seat("una");  // therapist, not on Pat's care team
    expect_error([&] { una.service->read(una.who, id, now); }, ErrorKind::PermissionDenied,
                 "not on the care team");
    expect_error([&] { una.service->addend(una.who, id, "r", "t", now); },
                 ErrorKind::PermissionDenied, "not on the care team");
    expect_error([&] { una.service->create_case_note(una.who, pat_, c, now); },
                 ErrorKind::PermissionDenied, "not on the care team");
    expect_error([&] { una.auth->list(una.who); }, ErrorKind::PermissionDenied,
                 "lacks user.manage");
    // Una's own patient is fine; Tom cannot sign Una's note.
    auto una_note = una.service->create_for_appointment(una.who, bea_appt_, c, now);
    auto& tom = seat("tom");
    expect_error([&] { tom.service->sign(tom.who, una_note, now); },
                 ErrorKind::PermissionDenied, "only the author");
    expect_error([&] { tom.service->save_draft(tom.who, una_note, c, now); },
                 ErrorKind::PermissionDenied, "draft");

    // The owner puts Una on Pat's care team: now she may read.
    olga.service->add_to_care_team(olga.who, pat_, name("una"));
    EXPECT_EQ(una.service->read(una.who, id, now).content.text, "matrix note");

    auto report = olga.service->unsigned_report(olga.who);
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report[0].author, name("una"));
    EXPECT_EQ(report[0].count, 1);
}

TEST_P(RecordServicesTest, ChargesComeOnlyFromASignedNote) {
    auto& fay = seat("fay");
    auto& tom = seat("tom");
    expect_error([&] { fay.service->signed_note_for_charges(fay.who, appt_); },
                 ErrorKind::Conflict, "has no note");
    core::NoteContent c;
    c.text = "treated";
    auto id = tom.service->create_for_appointment(tom.who, appt_, c, wall_now());
    expect_error([&] { fay.service->signed_note_for_charges(fay.who, appt_); },
                 ErrorKind::Conflict, "charges come only from a signed note");
    tom.service->sign(tom.who, id, wall_now());
    EXPECT_EQ(fay.service->signed_note_for_charges(fay.who, appt_).id, id);
}

TEST_P(RecordServicesTest, BreakGlassNeedsPermissionAndReasonAndIsAudited) {
    auto id = signed_note("emergency context");
    const auto now = wall_now();
    auto& una = seat("una");
    expect_error([&] { una.auth->break_glass(una.who, "ER call", pat_, now); },
                 ErrorKind::PermissionDenied, "break_glass");
    auto& eve = seat("eve");
    expect_error([&] { eve.service->read(eve.who, id, now); }, ErrorKind::PermissionDenied,
                 "not on the care team");
    expect_error([&] { eve.auth->break_glass(eve.who, "   ", pat_, now); }, ErrorKind::Invalid,
                 "reason");
    eve.auth->break_glass(eve.who, "patient collapsed; ER asks for history", pat_, now);
    EXPECT_EQ(eve.service->read(eve.who, id, now).content.text, "emergency context");

    auto& olga = seat("olga");
    auto log = olga.audit->all();
    bool grant = false, read = false;
    for (const auto& e : log) {
        if (e.action == "break_glass" && e.user == name("eve") &&
            e.detail == "patient collapsed; ER asks for history")
            grant = true;
        if (e.action == "note.read.break_glass" && e.user == name("eve") && e.patient_id == pat_)
            read = true;
    }
    EXPECT_TRUE(grant);
    EXPECT_TRUE(read);
}

TEST_P(RecordServicesTest, BreakGlassForOnePatientReachesOnlyThatPatient) {
    const auto now = wall_now();
    const core::Id pat_note = signed_note("Pat's history");
    auto& una = seat("una");
    core::NoteContent c;
    c.text = "Bea's history";
    const core::Id bea_note = una.service->create_for_appointment(una.who, bea_appt_, c, now);
    una.service->sign(una.who, bea_note, now);

    auto& eve = seat("eve");
    eve.auth->break_glass(eve.who, "Pat collapsed in the waiting room", pat_, now);
    EXPECT_EQ(eve.service->read(eve.who, pat_note, now).content.text, "Pat's history");
    expect_error([&] { eve.service->read(eve.who, bea_note, now); },
                 ErrorKind::PermissionDenied, "not on the care team of patient #");
    // Signing in again finds the same limited grant in the database.
    auto again = connect("eve");
    again->who = again->auth->login(name("eve"), "eve-pw", "test-host", now);
    ASSERT_TRUE(again->who.in_break_glass(now));
    EXPECT_EQ(again->who.break_glass_patient, pat_);
    EXPECT_EQ(again->service->read(again->who, pat_note, now).content.text, "Pat's history");
    expect_error([&] { again->service->read(again->who, bea_note, now); },
                 ErrorKind::PermissionDenied, "not on the care team");
    // A grant without a patient reaches everyone.
    eve.auth->break_glass(eve.who, "mass casualty drill, all records", std::nullopt, now);
    EXPECT_EQ(eve.service->read(eve.who, bea_note, now).content.text, "Bea's history");
}

TEST_P(RecordServicesTest, RepeatedFailedLoginsLockTheAccountUntilAnOwnerUnlocks) {
    auto& olga = seat("olga");
    auto s = olga.auth->settings();
    s.lockout_threshold = 3;
    olga.auth->save_settings(olga.who, s);
    expect_error([&] { olga.auth->save_settings(olga.who, {0, 15, 60}); }, ErrorKind::Invalid,
                 "lockout_threshold");

    auto fay = connect("fay");
    const auto now = wall_now();
    for (int i = 0; i < 2; ++i)
        expect_error([&] { fay->auth->login(name("fay"), "nope", "w", now); },
                     ErrorKind::PermissionDenied, "login failed");
    expect_error([&] { fay->auth->login(name("fay"), "nope", "w", now); },
                 ErrorKind::PermissionDenied, "now locked");
    expect_error([&] { fay->auth->login(name("fay"), "fay-pw", "w", now); },
                 ErrorKind::PermissionDenied, "locked");
    if (GetParam() == Kind::PostgreSQL) {
        // The database refuses the locked login role too.
        EXPECT_THROW(db::Database::open(url_as(tdb_->url(), name("fay"))), Error);
    }
    olga.auth->unlock(olga.who, name("fay"));
    auto again = connect("fay");
    EXPECT_EQ(again->auth->login(name("fay"), "fay-pw", "w", now).name, name("fay"));

    int failed = 0, lockouts = 0;
    for (const auto& e : olga.audit->all()) {
        if (e.action == "login.failed" && e.object == "user:" + name("fay")) ++failed;
        if (e.action == "lockout" && e.object == "user:" + name("fay")) ++lockouts;
    }
    EXPECT_EQ(failed, 3);
    EXPECT_EQ(lockouts, 1);
}

TEST_P(RecordServicesTest, RoleChangesTakeEffectAndAreAudited) {
    auto& olga = seat("olga");
    auto& fay = seat("fay");
    expect_error([&] { fay.auth->set_roles(fay.who, name("fay"), {core::Role::Owner}); },
                 ErrorKind::PermissionDenied, "lacks user.manage");
    expect_error([&] { olga.auth->set_roles(olga.who, name("olga"), {core::Role::Therapist}); },
                 ErrorKind::Conflict, "own owner role");
    if (GetParam() == Kind::PostgreSQL)
        EXPECT_THROW((*raw_as("fay") << "SELECT count(*) FROM session_notes"), soci::soci_error);
    olga.auth->set_roles(olga.who, name("fay"), {core::Role::FrontDesk, core::Role::Therapist});
    auto again = connect("fay");
    auto who = again->auth->login(name("fay"), "fay-pw", "w", wall_now());
    EXPECT_TRUE(who.has(Permission::NoteWrite));
    if (GetParam() == Kind::PostgreSQL) {
        int n = -1;
        *raw_as("fay") << "SELECT count(*) FROM session_notes", soci::into(n);
        EXPECT_EQ(n, 0);  // granted now; RLS shows nothing outside her care team
    }
    olga.auth->set_roles(olga.who, name("fay"), {core::Role::FrontDesk});
    if (GetParam() == Kind::PostgreSQL)
        EXPECT_THROW((*raw_as("fay") << "SELECT count(*) FROM session_notes"), soci::soci_error);
    int changes = 0;
    for (const auto& e : olga.audit->all())
        if (e.action == "user.roles" && e.object == "user:" + name("fay")) ++changes;
    EXPECT_EQ(changes, 2);
}

TEST_P(RecordServicesTest, ModuleFormFieldsAreValidatedAgainstTheSchema) {
    plugin_api::FormSchema schema;
    schema.id = "session_note";
    schema.kind = "session_note";
    schema.title = "Test note";
    plugin_api::FormField minutes;
    minutes.key = "minutes";
    minutes.label = "Minutes";
    minutes.type = plugin_api::FieldType::Integer;
    minutes.required = true;
    minutes.min = 1;
    minutes.max = 120;
    schema.fields.push_back(minutes);
    auto tom = connect("tom", [schema](const std::string& m, const std::string&) {
        return m == "testmod" ? std::optional(schema) : std::nullopt;
    });
    tom->who = tom->auth->login(name("tom"), "tom-pw", "w", wall_now());
    core::NoteContent c;
    c.module_id = "testmod";
    c.fields = {{"minutes", 500}};
    try {
        tom->service->create_for_appointment(tom->who, appt_, c, wall_now());
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "minutes") << e.what();
    }
    c.fields = nlohmann::json::object();
    try {
        tom->service->create_for_appointment(tom->who, appt_, c, wall_now());
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "minutes") << e.what();
    }
    c.module_id = "unknown_module";
    c.fields = {{"minutes", 30}};
    expect_error([&] { tom->service->create_for_appointment(tom->who, appt_, c, wall_now()); },
                 ErrorKind::Invalid, "not running");
    c.module_id = "testmod";
    auto id = tom->service->create_for_appointment(tom->who, appt_, c, wall_now());
    auto n = tom->service->read(tom->who, id, wall_now());
    EXPECT_EQ(n.content.form_id, "session_note");
    EXPECT_EQ(n.content.fields["minutes"], 30);
}

TEST_P(RecordServicesTest, RawSqlCannotChangeOrDeleteASignedNote) {
    auto id = signed_note("evidence");
    long long nid = id;
    auto raw = raw_admin();
    EXPECT_THROW((*raw << "UPDATE session_notes SET body_text = 'rewritten' WHERE id = :id",
                  soci::use(nid)),
                 soci::soci_error);
    EXPECT_THROW((*raw << "DELETE FROM session_notes WHERE id = :id", soci::use(nid)),
                 soci::soci_error);
    auto& tom = seat("tom");
    tom.service->addend(tom.who, id, "clarify", "addendum text", wall_now());
    EXPECT_THROW((*raw << "UPDATE note_addenda SET body_text = 'x'"), soci::soci_error);
    EXPECT_THROW((*raw << "DELETE FROM note_addenda"), soci::soci_error);
    EXPECT_EQ(tom.service->read(tom.who, id, wall_now()).content.text, "evidence");
}

TEST_P(RecordServicesTest, AuditVerifyCatchesEditDeleteAndReorder) {
    signed_note("audited");
    auto& olga = seat("olga");
    auto verify = [&] { return core::verify_audit_chain(olga.audit->all()); };
    auto v = verify();
    ASSERT_TRUE(v.intact) << v.problem;
    ASSERT_GE(v.entries, 6);

    auto raw = raw_admin();
    // The log refuses changes, even from the administrator...
    EXPECT_THROW((*raw << "UPDATE audit_log SET detail = 'x' WHERE seq = 2"), soci::soci_error);
    EXPECT_THROW((*raw << "DELETE FROM audit_log WHERE seq = 2"), soci::soci_error);
    // ...so an attacker with file or superuser access removes the guard first.
    if (GetParam() == Kind::SQLite) {
        *raw << "DROP TRIGGER audit_log_no_update";
        *raw << "DROP TRIGGER audit_log_no_delete";
    } else {
        *raw << "ALTER TABLE audit_log DISABLE TRIGGER USER";
    }

    std::string detail;
    *raw << "SELECT detail FROM audit_log WHERE seq = 3", soci::into(detail);
    *raw << "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3";
    v = verify();
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 3) << v.problem;
    *raw << "UPDATE audit_log SET detail = :d WHERE seq = 3", soci::use(detail);
    ASSERT_TRUE(verify().intact);

    // Delete entry 4 (kept aside to restore it).
    *raw << "CREATE TABLE audit_keep AS SELECT * FROM audit_log WHERE seq = 4";
    *raw << "DELETE FROM audit_log WHERE seq = 4";
    v = verify();
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 4) << v.problem;
    *raw << "INSERT INTO audit_log SELECT * FROM audit_keep";
    ASSERT_TRUE(verify().intact);

    // Reorder: swap entries 2 and 3.
    *raw << "UPDATE audit_log SET seq = -1 WHERE seq = 2";
    *raw << "UPDATE audit_log SET seq = 2 WHERE seq = 3";
    *raw << "UPDATE audit_log SET seq = 3 WHERE seq = -1";
    v = verify();
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 2) << v.problem;
}

TEST_P(RecordServicesTest, ConcurrentWritersKeepTheChainGapFreeAndIntact) {
    constexpr int kThreads = 6, kEach = 15;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto db = db::Database::open(url_as(tdb_->url(), name(t % 2 ? "fay" : "tom")));
                auto audit = db->audit();
                for (int i = 0; i < kEach; ++i) {
                    core::AuditEvent e;
                    e.user = name("tom");
                    e.action = "probe";
                    e.object = "thread:" + std::to_string(t);
                    e.workstation = "w" + std::to_string(t);
                    audit->append(e);
                }
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << e.what();
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures, 0);
    auto& olga = seat("olga");
    auto all = olga.audit->all();
    auto v = core::verify_audit_chain(all);
    EXPECT_TRUE(v.intact) << v.problem;
    int probes = 0;
    for (const auto& e : all) probes += e.action == "probe";
    EXPECT_EQ(probes, kThreads * kEach);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordServicesTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
