// db/ internals of the clinical record: audit appends inside a caller's transaction, and the
// factories of the note, user and audit repositories.
#pragma once

#include <memory>

#include "database_impl.hpp"
#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"

namespace vertebra::db {

/// Appends one chained audit entry in the open transaction. On PostgreSQL through
/// vertebra_audit_append() (the login role is recorded, `e.user` is ignored); on SQLite computed
/// here after BEGIN IMMEDIATE has serialised writers.
/// Returns the entry's seq.
std::int64_t append_audit(Database::Impl& db, const core::AuditEvent& e);

std::unique_ptr<core::NoteRepository> make_note_repository(Database::Impl& db);
std::unique_ptr<core::UserRepository> make_user_repository(Database::Impl& db);
std::unique_ptr<core::AuditRepository> make_audit_repository(Database::Impl& db);

}  // namespace vertebra::db
