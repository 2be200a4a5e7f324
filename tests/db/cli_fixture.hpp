// The set-up every CLI suite repeats: a fresh clinic database on each backend, initialised by
// the real `vertebra-cli db init`, and the ways to run the CLI on it (as the database login, or
// signed in as a clinic user whose name carries this test's suffix).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {

class CliFixture : public ::testing::TestWithParam<Kind> {
protected:
    /// A fresh database after `db init`. `tag` marks this suite's user names (PostgreSQL login
    /// roles are server-wide, so every test needs names of its own).
    void open_clinic(const std::string& tag) {
        static std::atomic<int> n{0};
        sfx_ = "_" + tag + std::to_string(getpid()) + "_" + std::to_string(n++);
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        ASSERT_EQ(cli({"db", "init"}).code, 0);
    }
    /// The clinic the billing suites start from: Back Care in New York, a chiropractor (`dc_`)
    /// with a chiropractic adjustment service (`cmt_`), the owner olga and the front-desk user
    /// fred (passwords "<name>-pw").
    void open_chiropractic_clinic(const std::string& tag) {
        open_clinic(tag);
        if (::testing::Test::HasFatalFailure()) return;
        ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York", "--hours",
            "Mon-Sat 07:00-19:00"});
        dc_ = ok({"practitioner", "add", "--name", "Dr Chen", "--discipline", "chiropractic",
                  "--hours", "Mon-Sat 07:00-19:00"});
        cmt_ = ok({"service", "add", "--name", "Adjustment", "--minutes", "20", "--discipline",
                   "chiropractic", "--module", "chiropractic", "--offer", "adjustment_visit"});
        ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
        ASSERT_EQ(as("olga", {"user", "add", "--name", "fred" + sfx_, "--role", "front_desk"},
                     "fred-pw\n").code, 0);
    }
    CliResult cli(const std::vector<std::string>& args, const std::string& input = "") {
        return run_cli(tdb_->url(), args, input);
    }
    /// Runs a command that must succeed; its output, trimmed.
    std::string ok(const std::vector<std::string>& args, const std::string& input = "") {
        auto r = cli(args, input);
        EXPECT_EQ(r.code, 0) << args.front() << "\n" << r.err;
        return trim(r.out);
    }
    /// As clinic user `base` (password "<base>-pw"); `more` follows on stdin (a new password).
    CliResult as(const std::string& base, std::vector<std::string> args,
                 const std::string& more = "") {
        args.insert(args.begin(), {"--user", base + sfx_});
        return cli(args, base + "-pw\n" + more);
    }
    std::string sfx_;
    std::unique_ptr<TestDatabase> tdb_;
    std::string dc_, cmt_;  ///< open_chiropractic_clinic's practitioner and service
};

}  // namespace vertebra::testing
