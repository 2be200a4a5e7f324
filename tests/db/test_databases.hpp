// Throwaway databases for tests: a fresh SQLite file, or a fresh database on the test PostgreSQL
// server started by tests/run ($VERTEBRA_TEST_PG).
#pragma once

#include <memory>
#include <string>

#include "vertebra/db/database.hpp"

namespace vertebra::testing {

enum class Kind { SQLite, PostgreSQL };

inline std::string kind_name(Kind k) { return k == Kind::SQLite ? "SQLite" : "PostgreSQL"; }

/// A database that exists for one test and is removed afterwards.
class TestDatabase {
public:
    explicit TestDatabase(Kind kind);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& url() const { return url_; }
    /// A new connection (migrated on the first call).
    std::unique_ptr<db::Database> open();
    Kind kind() const { return kind_; }

private:
    Kind kind_;
    std::string url_;
    std::string dir_;     // SQLite
    std::string dbname_;  // PostgreSQL
    bool migrated_ = false;
};

/// URL of the PostgreSQL admin database; fails the test if tests/run did not start a server.
std::string admin_pg_url();
/// Runs a statement on the admin database (CREATE/DROP DATABASE).
void admin_exec(const std::string& sql);

/// One number from a query on its own connection to `url` (raw SQL, as the checks must not
/// trust the code under test).
long long count_sql(const std::string& url, const std::string& q);

}  // namespace vertebra::testing
