// db/ internals: the connection, SQL dialect helpers and the soci_error -> vertebra::Error map.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>

#include "vertebra/common/error.hpp"
#include "vertebra/db/database.hpp"

namespace vertebra::db {

class SchedulingRepositoryImpl;

struct Database::Impl {
    DatabaseUrl url;
    soci::session sql;
    std::unique_ptr<SchedulingRepositoryImpl> scheduling;

    bool pg() const { return url.backend == Backend::PostgreSQL; }

    /// Bind placeholder for an instant given as epoch seconds.
    std::string ts(const char* param) const {
        return pg() ? std::string("to_timestamp(:") + param + ")" : std::string(":") + param;
    }
    /// A timestamp column read back as epoch seconds.
    std::string epoch(const char* column) const {
        return pg() ? std::string("extract(epoch from ") + column + ")::bigint" : column;
    }
    /// Starts a write transaction: BEGIN IMMEDIATE on SQLite (takes the write lock before the
    /// check), BEGIN on PostgreSQL.
    void begin_write();
    void commit();
    void rollback() noexcept;
    /// Write transactions open on this connection: a nested in_write_transaction() runs in a
    /// SAVEPOINT of the outer one (e.g. plan booking: appointments and plan links together).
    int tx_depth = 0;

    /// Re-opens a dropped PostgreSQL connection before use (after a server restart).
    void ensure_connected();
    /// Runs a multi-statement script (migrations) through the native driver.
    void exec_script(const std::string& script);
};

/// Maps a SOCI failure to the project's error kinds: lost connection / locked file ->
/// Unavailable, privilege -> PermissionDenied, exclusion/overlap -> Conflict (id unknown).
[[noreturn]] void rethrow_db_error(Database::Impl& db, const soci::soci_error& e);

/// True when the error is a double booking refused by the database (23P01, 40P01, SQLite trigger).
bool is_booking_conflict(const soci::soci_error& e);

/// Counts an open write transaction for as long as it lives.
struct TxDepth {
    explicit TxDepth(Database::Impl& db) : db_(db) { ++db_.tx_depth; }
    ~TxDepth() { --db_.tx_depth; }
    TxDepth(const TxDepth&) = delete;
    TxDepth& operator=(const TxDepth&) = delete;
    Database::Impl& db_;
};

/// Runs `f` inside a write transaction, rolling back on any failure and mapping SOCI errors.
/// Inside another write transaction on the same connection it runs in a savepoint: its failure
/// undoes only its own writes and the outer transaction decides.
template <typename F>
auto in_write_transaction(Database::Impl& db, F&& f) -> decltype(f()) {
    if (db.tx_depth > 0) {
        const std::string sp = "vertebra_sp" + std::to_string(db.tx_depth);
        try {
            db.sql << "SAVEPOINT " + sp;
        } catch (const soci::soci_error& e) {
            rethrow_db_error(db, e);
        }
        TxDepth depth(db);
        auto undo = [&] {
            try {
                db.sql << "ROLLBACK TO SAVEPOINT " + sp;
                db.sql << "RELEASE SAVEPOINT " + sp;
            } catch (...) {
            }
        };
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                db.sql << "RELEASE SAVEPOINT " + sp;
                return;
            } else {
                auto r = f();
                db.sql << "RELEASE SAVEPOINT " + sp;
                return r;
            }
        } catch (const soci::soci_error& e) {
            undo();
            rethrow_db_error(db, e);
        } catch (...) {
            undo();
            throw;
        }
    }
    db.ensure_connected();
    try {
        db.begin_write();
    } catch (const soci::soci_error& e) {
        rethrow_db_error(db, e);
    }
    TxDepth depth(db);
    try {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            db.commit();
        } else {
            auto r = f();
            db.commit();
            return r;
        }
    } catch (const soci::soci_error& e) {
        db.rollback();
        rethrow_db_error(db, e);
    } catch (...) {
        db.rollback();
        throw;
    }
}

/// Runs a read, mapping SOCI errors.
template <typename F>
auto guarded_read(Database::Impl& db, F&& f) -> decltype(f()) {
    db.ensure_connected();
    try {
        return f();
    } catch (const soci::soci_error& e) {
        rethrow_db_error(db, e);
    }
}

}  // namespace vertebra::db
