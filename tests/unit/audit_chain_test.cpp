// The audit log's hash chain: intact chains verify; edits, deletions and reordering are caught.
#include <gtest/gtest.h>

#include "vertebra/audit/audit.hpp"

namespace vertebra::core {
namespace {

std::vector<AuditEntry> chain(int n) {
    std::vector<AuditEntry> out;
    std::string prev = audit_genesis_hash();
    for (int i = 1; i <= n; ++i) {
        AuditEntry e;
        e.seq = i;
        e.at = from_epoch(1'800'000'000 + i);
        e.user = "ann";
        if (i % 2) e.patient_id = 7;
        e.action = "note.read";
        e.object = "note:" + std::to_string(i);
        e.workstation = "desk-1";
        e.detail = i == 3 ? "reason, with \"quotes\"; 3:x;" : "";
        e.prev_hash = prev;
        e.hash = audit_hash(e);
        prev = e.hash;
        out.push_back(e);
    }
    return out;
}

TEST(AuditChainTest, IntactChainVerifies) {
    auto v = verify_audit_chain(chain(5));
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.entries, 5);
    EXPECT_TRUE(verify_audit_chain({}).intact);
}

TEST(AuditChainTest, CanonicalFormIsLengthPrefixed) {
    AuditEntry e;
    e.seq = 1;
    e.at = from_epoch(10);
    e.user = "a";
    e.action = "x";
    e.prev_hash = "p";
    EXPECT_EQ(audit_canonical(e), "1:1;2:10;1:a;0:;1:x;0:;0:;0:;1:p;");
    // Known SHA-256, so that the PostgreSQL function and the C++ agree on the bytes.
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuditChainTest, EditedEntryIsNamed) {
    auto c = chain(5);
    c[2].detail = "nothing to see";
    auto v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 3);
    EXPECT_NE(v.problem.find("edited"), std::string::npos);
}

TEST(AuditChainTest, EditWithRecomputedHashBreaksTheNextLink) {
    auto c = chain(5);
    c[1].user = "mallory";
    c[1].hash = audit_hash(c[1]);
    auto v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 3);
}

TEST(AuditChainTest, DeletedEntryIsNamed) {
    auto c = chain(5);
    c.erase(c.begin() + 1);
    auto v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 2);
    EXPECT_NE(v.problem.find("missing"), std::string::npos);
}

TEST(AuditChainTest, DeletionWithRenumberingIsCaught) {
    auto c = chain(5);
    c.erase(c.begin() + 1);
    for (std::size_t i = 0; i < c.size(); ++i) c[i].seq = static_cast<std::int64_t>(i + 1);
    auto v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 2);
}

TEST(AuditChainTest, ReorderedEntriesAreCaught) {
    auto c = chain(5);
    std::swap(c[1], c[2]);
    auto v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 2);
    std::swap(c[1].seq, c[2].seq);  // swapped and renumbered
    v = verify_audit_chain(c);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_seq, 2);
}

TEST(AuditChainTest, CsvQuotesAndHasHeader) {
    auto c = chain(3);
    auto csv = audit_csv(c);
    EXPECT_EQ(csv.rfind("seq,at_utc,user,patient_id,action,object,workstation,detail,hash\r\n", 0),
              0u);
    EXPECT_NE(csv.find("\"reason, with \"\"quotes\"\"; 3:x;\""), std::string::npos) << csv;
    EXPECT_NE(csv.find(",7,"), std::string::npos);
}

}  // namespace
}  // namespace vertebra::core
