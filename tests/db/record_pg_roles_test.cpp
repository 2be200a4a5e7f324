// PostgreSQL enforces the matrix itself: raw SQL as each clinic login role, bypassing the app.
#include "record_fixture.hpp"

namespace vertebra::testing {
namespace {

class RecordPgRolesTest : public RecordFixture {
protected:
    void SetUp() override {
        RecordFixture::SetUp();
        // A signed note with an addendum, and a draft, all carrying a marker text.
        auto& tom = seat("tom");
        core::NoteContent c;
        c.text = kMarker + " narrative";
        c.subjective = kMarker + " subjective";
        c.assessment = kMarker + " assessment";
        note_ = tom.service->create_for_appointment(tom.who, appt_, c, wall_now());
        tom.service->sign(tom.who, note_, wall_now());
        tom.service->addend(tom.who, note_, "correction", kMarker + " addendum", wall_now());
        draft_ = tom.service->create_case_note(tom.who, pat_, c, wall_now());
    }

    /// Every table and view of the schema, from the catalog.
    std::vector<std::string> relations() {
        auto raw = raw_admin();
        std::vector<std::string> out(500);
        *raw << "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
                "ORDER BY 1",
            soci::into(out);
        return out;
    }

    struct Scan {
        std::vector<std::string> readable, refused, leaking;
    };

    /// Reads every row of every relation as `base`, looking for the marker in any column.
    Scan scan_as(const std::string& base) {
        Scan scan;
        auto s = raw_as(base);
        for (const auto& rel : relations()) {
            int hits = 0;
            try {
                *s << "SELECT count(*) FROM \"" + rel + "\" t WHERE t::text LIKE '%' || :m || '%'",
                    soci::use(kMarker), soci::into(hits);
                scan.readable.push_back(rel);
                if (hits > 0) scan.leaking.push_back(rel);
            } catch (const soci::postgresql_soci_error& e) {
                EXPECT_EQ(e.sqlstate(), "42501") << rel << ": " << e.what();
                scan.refused.push_back(rel);
            }
        }
        return scan;
    }

    const std::string kMarker = "ZEBRA-7731";
    core::Id note_ = 0, draft_ = 0;
};

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

TEST_P(RecordPgRolesTest, FrontDeskFindsNoNoteTextInAnyTableOrView) {
    auto scan = scan_as("fay");
    EXPECT_TRUE(scan.leaking.empty()) << "note text readable by front desk in "
                                      << ::testing::PrintToString(scan.leaking);
    // Not vacuous: front desk does read its own tables, and the note status without text.
    EXPECT_TRUE(has(scan.readable, "appointments"));
    EXPECT_TRUE(has(scan.readable, "patients"));
    EXPECT_TRUE(has(scan.readable, "note_status"));
    EXPECT_TRUE(has(scan.refused, "session_notes"));
    EXPECT_TRUE(has(scan.refused, "note_addenda"));
    EXPECT_TRUE(has(scan.refused, "audit_log"));
    EXPECT_GE(scan.readable.size() + scan.refused.size(), 15u);
    auto s = raw_as("fay");
    int n = 0;
    *s << "SELECT count(*) FROM note_status WHERE status = 'signed'", soci::into(n);
    EXPECT_EQ(n, 1);
}

TEST_P(RecordPgRolesTest, OwnerAndOtherTherapistsFindNoNoteTextEither) {
    auto owner = scan_as("olga");
    EXPECT_TRUE(owner.leaking.empty()) << ::testing::PrintToString(owner.leaking);
    EXPECT_TRUE(has(owner.readable, "audit_log"));
    auto una = scan_as("una");  // therapist, not on Pat's care team: RLS hides the rows
    EXPECT_TRUE(una.leaking.empty()) << ::testing::PrintToString(una.leaking);
    EXPECT_TRUE(has(una.readable, "session_notes"));
    auto tom = scan_as("tom");  // the author sees his own
    EXPECT_TRUE(has(tom.leaking, "session_notes"));
    EXPECT_TRUE(has(tom.leaking, "note_addenda"));
}

TEST_P(RecordPgRolesTest, SignedNoteRejectsUpdateAndDeleteWhoeverAsks) {
    long long id = note_;
    for (const std::string who : {"tom", "olga"}) {
        auto s = raw_as(who);
        try {
            soci::statement st = (s->prepare << "UPDATE session_notes SET body_text = 'x' "
                                                "WHERE id = :id",
                                  soci::use(id));
            st.execute(true);
            // Owner has no UPDATE grant; the author is stopped by the trigger.
            FAIL() << who << " changed a signed note";
        } catch (const soci::postgresql_soci_error& e) {
            EXPECT_EQ(e.sqlstate(), "42501") << e.what();
        }
    }
    auto admin = raw_admin();  // even the superuser
    try {
        *admin << "DELETE FROM session_notes WHERE id = :id", soci::use(id);
        FAIL() << "superuser deleted a signed note";
    } catch (const soci::postgresql_soci_error& e) {
        EXPECT_NE(std::string(e.what()).find("note is signed; add an addendum"), std::string::npos);
    }
    EXPECT_THROW((*admin << "TRUNCATE session_notes CASCADE"), soci::soci_error);
}

TEST_P(RecordPgRolesTest, RowSecurityStopsForgeryAndDirectWrites) {
    auto tom = raw_as("tom");
    long long pat = pat_;
    // SOCI binds by reference and runs the statement when the full expression ends, after its
    // temporaries are gone: bound values must be named (ASan: stack-use-after-scope).
    const std::string una_name = name("una"), tom_name = name("tom");
    // Cannot write a note in another therapist's name, nor for a patient outside the team.
    EXPECT_THROW((*tom << "INSERT INTO session_notes (patient_id, author, created_at, updated_at) "
                          "VALUES (:p, :a, now(), now())",
                  soci::use(pat), soci::use(una_name)),
                 soci::soci_error);
    long long bea = bea_;
    EXPECT_THROW((*tom << "INSERT INTO session_notes (patient_id, author, created_at, updated_at) "
                          "VALUES (:p, :a, now(), now())",
                  soci::use(bea), soci::use(tom_name)),
                 soci::soci_error);
    // Una cannot touch Tom's draft: RLS makes it invisible, so nothing changes.
    auto una = raw_as("una");
    long long d = draft_;
    soci::statement st = (una->prepare << "UPDATE session_notes SET body_text = 'x' WHERE id = :id",
                          soci::use(d));
    st.execute(true);
    EXPECT_EQ(st.get_affected_rows(), 0);
    // Nobody writes the audit log directly or edits it; front desk cannot create users.
    auto fay = raw_as("fay");
    EXPECT_THROW((*fay << "INSERT INTO audit_log (seq, at, user_name, action, prev_hash, hash) "
                          "VALUES (999, now(), 'x', 'x', 'x', 'x')"),
                 soci::soci_error);
    EXPECT_THROW((*fay << "SELECT vertebra_create_user('mallory', 'owner', 'h', 'v', NULL, false, "
                          "'w', '')"),
                 soci::soci_error);
    EXPECT_THROW((*fay << "SELECT password_hash FROM users"), soci::soci_error);
    auto olga = raw_as("olga");
    EXPECT_THROW((*olga << "UPDATE audit_log SET detail = 'x'"), soci::soci_error);
    EXPECT_THROW((*olga << "DELETE FROM audit_log"), soci::soci_error);
    // The matrix's write columns hold in the database: only front desk writes demographics,
    // the owner does not book.
    EXPECT_THROW((*tom << "UPDATE patients SET phone = '1'"), soci::soci_error);
    EXPECT_THROW((*olga << "UPDATE appointments SET notes = 'x'"), soci::soci_error);
    EXPECT_THROW((*olga << "INSERT INTO patients (name) VALUES ('x')"), soci::soci_error);
    *fay << "UPDATE patients SET phone = '555-0100' WHERE id = :p", soci::use(pat);
    // Audit entries carry the login role, whatever the caller claims.
    long long seq = 0;
    *fay << "SELECT vertebra_audit_append(NULL, 'probe', 'x', 'w', 'd')", soci::into(seq);
    std::string user;
    long long s2 = seq;
    *olga << "SELECT user_name FROM audit_log WHERE seq = :s", soci::use(s2), soci::into(user);
    EXPECT_EQ(user, name("fay"));
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordPgRolesTest, ::testing::Values(Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
