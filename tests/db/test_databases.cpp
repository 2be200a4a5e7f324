// Creates and drops throwaway SQLite files and PostgreSQL databases for the db test suites.
#include "test_databases.hpp"

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

namespace vertebra::testing {

namespace {
std::atomic<int> counter{0};
}

std::string admin_pg_url() {
    const char* url = std::getenv("VERTEBRA_TEST_PG");
    if (!url || !*url) {
        ADD_FAILURE() << "VERTEBRA_TEST_PG is not set: run the suite through tests/run, which "
                         "starts a throwaway PostgreSQL server";
        return "";
    }
    return url;
}

void admin_exec(const std::string& sql) {
    auto url = db::DatabaseUrl::parse(admin_pg_url());
    soci::session s(*soci::factory_postgresql(), url.conninfo);
    s << sql;
}

TestDatabase::TestDatabase(Kind kind) : kind_(kind) {
    int n = counter++;
    if (kind == Kind::SQLite) {
        char tmpl[] = "/tmp/vertebra-test-XXXXXX";
        dir_ = mkdtemp(tmpl);
        url_ = "sqlite:" + dir_ + "/clinic.db";
    } else {
        std::string admin = admin_pg_url();
        dbname_ = "vt_" + std::to_string(getpid()) + "_" + std::to_string(n);
        admin_exec("CREATE DATABASE " + dbname_);  // name is ours, not input
        auto slash = admin.rfind('/');
        url_ = admin.substr(0, slash + 1) + dbname_;
    }
}

TestDatabase::~TestDatabase() {
    try {
        if (kind_ == Kind::SQLite) {
            std::filesystem::remove_all(dir_);
        } else if (!dbname_.empty()) {
            admin_exec("DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)");
        }
    } catch (const std::exception&) {
    }
}

std::unique_ptr<db::Database> TestDatabase::open() {
    auto d = db::Database::open(url_);
    if (!migrated_) {
        d->migrate();
        migrated_ = true;
    }
    return d;
}

long long count_sql(const std::string& url, const std::string& q) {
    auto u = db::DatabaseUrl::parse(url);
    soci::session sql;
    if (u.backend == db::Backend::PostgreSQL)
        sql.open(*soci::factory_postgresql(), u.conninfo);
    else
        sql.open(*soci::factory_sqlite3(), u.sqlite_path);
    long long n = -1;
    sql << q, soci::into(n);
    return n;
}

}  // namespace vertebra::testing
