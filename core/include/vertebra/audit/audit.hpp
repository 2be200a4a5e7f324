// Tamper-evident audit log: entries hash-chained to their predecessor, verification and reports.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core {

/// What happened, before the log numbers and chains it. `user` is ignored on PostgreSQL, where
/// the database records the login role itself (session_user) so that no one can forge it.
struct AuditEvent {
    std::string user;
    std::optional<Id> patient_id;
    std::string action;       ///< "note.read", "note.sign", "login.failed", "break_glass", ...
    std::string object;       ///< "note:12", "user:ann", "module:massage"
    std::string workstation;  ///< host name of the workstation
    std::string detail;       ///< free text: a reason, a content hash, a changed role
};

/// One stored entry. `seq` starts at 1 and has no gaps; `hash` covers every field and
/// `prev_hash` (the previous entry's hash; 64 zeros for the first).
struct AuditEntry {
    std::int64_t seq = 0;
    Instant at;
    std::string user;
    std::optional<Id> patient_id;
    std::string action;
    std::string object;
    std::string workstation;
    std::string detail;
    std::string prev_hash;
    std::string hash;
};

/// Lower-case hex SHA-256 (libsodium) of `bytes`.
std::string sha256_hex(const std::string& bytes);

/// The chain's first predecessor.
const std::string& audit_genesis_hash();

/// The exact bytes hashed: each field as `<byte length>:<bytes>;`, in the order seq, at (epoch
/// seconds), user, patient ("" when none), action, object, workstation, detail, prev_hash.
/// The PostgreSQL function vertebra_audit_append builds the same string (0004_record.sql).
std::string audit_canonical(const AuditEntry& e);
/// Lower-case hex SHA-256 of audit_canonical(e).
std::string audit_hash(const AuditEntry& e);

struct AuditVerification {
    bool intact = true;
    std::int64_t entries = 0;
    std::int64_t first_broken_seq = 0;  ///< 0 when intact
    std::string problem;                ///< for people: "entry 7 was edited (hash mismatch)"
};

/// Walks entries in stored order: each must have seq = previous + 1 (a gap = deleted entries,
/// a step back = reordering), prev_hash = previous hash (reordered or deleted), and a hash that
/// matches its content (edited).
AuditVerification verify_audit_chain(const std::vector<AuditEntry>& entries);

struct AuditQuery {
    std::optional<Instant> from;  ///< inclusive
    std::optional<Instant> to;    ///< exclusive
    std::string user;             ///< empty = everyone
    std::optional<Id> patient_id;
};

/// CSV (RFC 4180, header row, UTC ISO times) of entries for `audit report --csv`.
std::string audit_csv(const std::vector<AuditEntry>& entries);

/// Storage of the log. Appends are serialised and chained by the implementation, in the caller's
/// transaction where one is open. Entries are never updated or removed.
class AuditRepository {
public:
    virtual ~AuditRepository() = default;
    /// Appends one entry (own transaction, or a savepoint of the caller's) and returns its seq.
    virtual std::int64_t append(const AuditEvent& event) = 0;
    /// Runs `change` as one write transaction on the log's connection, which every repository
    /// of the same database shares: a change and the entries appended inside `change` are
    /// stored together or not at all (a full disk or a lost connection between them leaves
    /// neither). Nests inside a transaction already open (savepoint). Services that audit a
    /// change must be given repositories of one database.
    virtual void atomically(const std::function<void()>& change) = 0;
    /// Every entry in seq order (for verification).
    virtual std::vector<AuditEntry> all() = 0;
    virtual std::vector<AuditEntry> query(const AuditQuery& q) = 0;
};

}  // namespace vertebra::core
