// The permission matrix, user-name rules and argon2id password hashing.
#include <gtest/gtest.h>

#include "vertebra/auth/auth.hpp"

namespace vertebra::core {
namespace {

struct MatrixRow {
    Role role;
    Permission permission;
    bool allowed;
};

class PermissionMatrixTest : public ::testing::TestWithParam<MatrixRow> {};

TEST_P(PermissionMatrixTest, RoleHasExactlyTheDocumentedPermission) {
    const auto& row = GetParam();
    Principal p;
    p.name = "someone";
    p.roles = {row.role};
    EXPECT_EQ(p.has(row.permission), row.allowed);
    if (row.allowed) {
        EXPECT_NO_THROW(require(p, row.permission));
    } else {
        try {
            require(p, row.permission);
            FAIL() << "expected a refusal";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::PermissionDenied);
            EXPECT_NE(std::string(e.what()).find(to_string(row.permission)), std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find(to_string(row.role)), std::string::npos);
        }
    }
}

using P = Permission;
const Role FD = Role::FrontDesk, TH = Role::Therapist, OW = Role::Owner;

// The matrix of docs/security.md, spelled out row by row.
INSTANTIATE_TEST_SUITE_P(
    Matrix, PermissionMatrixTest,
    ::testing::Values(
        MatrixRow{FD, P::PatientRead, true}, MatrixRow{FD, P::PatientWrite, true},
        MatrixRow{FD, P::ScheduleWrite, true}, MatrixRow{FD, P::PaymentWrite, true},
        MatrixRow{FD, P::NoteStatus, true}, MatrixRow{FD, P::NoteRead, false},
        MatrixRow{FD, P::NoteWrite, false}, MatrixRow{FD, P::NoteSign, false},
        MatrixRow{FD, P::NoteAddend, false}, MatrixRow{FD, P::AssessmentRead, false},
        MatrixRow{FD, P::UserManage, false}, MatrixRow{FD, P::AuditRead, false},
        MatrixRow{FD, P::ModuleManage, false}, MatrixRow{FD, P::FeeManage, false},
        MatrixRow{TH, P::NoteRead, true}, MatrixRow{TH, P::NoteWrite, true},
        MatrixRow{TH, P::NoteSign, true}, MatrixRow{TH, P::NoteAddend, true},
        MatrixRow{TH, P::AssessmentWrite, true}, MatrixRow{TH, P::ScheduleWrite, true},
        MatrixRow{TH, P::PatientWrite, false}, MatrixRow{TH, P::PaymentWrite, false},
        MatrixRow{TH, P::UserManage, false}, MatrixRow{TH, P::AuditRead, false},
        MatrixRow{TH, P::ModuleManage, false},
        MatrixRow{OW, P::ModuleManage, true}, MatrixRow{OW, P::UserManage, true},
        MatrixRow{OW, P::FeeManage, true}, MatrixRow{OW, P::ReportRead, true},
        MatrixRow{OW, P::AuditRead, true}, MatrixRow{OW, P::SettingsManage, true},
        MatrixRow{OW, P::NoteStatus, true}, MatrixRow{OW, P::NoteRead, false},
        MatrixRow{OW, P::NoteWrite, false}, MatrixRow{OW, P::AssessmentRead, false}));

TEST(AuthTest, RolesCombine) {
    Principal p;
    p.roles = {Role::Owner, Role::Therapist};
    EXPECT_TRUE(p.has(Permission::NoteSign));
    EXPECT_TRUE(p.has(Permission::AuditRead));
}

TEST(AuthTest, RoleNamesRoundTripAndUnknownIsInvalid) {
    for (Role r : {Role::FrontDesk, Role::Therapist, Role::Owner})
        EXPECT_EQ(role_from_string(to_string(r)), r);
    EXPECT_EQ(group_role(Role::FrontDesk), "vertebra_front_desk");
    try {
        role_from_string("admin");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "role");
    }
}

TEST(AuthTest, UserNamesAreSafeLoginRoleNames) {
    EXPECT_NO_THROW(check_user_name("ann_lee2"));
    for (const char* bad : {"", "Ann", "1ann", "ann-lee", "ann lee", "pg_ann", "vertebra_owner",
                            "postgres", "x'; DROP ROLE y; --"}) {
        EXPECT_THROW(check_user_name(bad), Error) << bad;
    }
    EXPECT_THROW(check_user_name(std::string(64, 'a')), Error);
}

TEST(AuthTest, PasswordsAreArgon2idAndVerify) {
    auto h = hash_password("correct horse");
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
    EXPECT_TRUE(verify_password(h, "correct horse"));
    EXPECT_FALSE(verify_password(h, "correct horsE"));
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_NE(hash_password("correct horse"), h);  // salted
    EXPECT_THROW(hash_password(""), Error);
}

}  // namespace
}  // namespace vertebra::core
