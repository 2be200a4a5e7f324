// Changes to the appointment book made by other connections: PostgreSQL LISTEN/NOTIFY on a
// dedicated connection (migration 0008's trigger), SQLite's PRAGMA data_version on its own.
#include <libpq-fe.h>
#include <poll.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "database_impl.hpp"
#include "vertebra/scheduling/change_feed.hpp"

namespace vertebra::db {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kChannel = "vertebra_schedule";
/// Between two attempts to reach a server that went away.
constexpr milliseconds kRetryEvery{1000};

std::string first_line(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

/// Waits until `fd` is readable (or writable) or `timeout` passed; true when ready.
bool wait_fd(int fd, bool for_write, milliseconds timeout) {
    if (fd < 0) return false;
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    return n > 0;
}

/// A notification's payload (see 0008_schedule_notify.sql); anything unreadable = unknown.
core::ScheduleChange parse_payload(const char* text) {
    core::ScheduleChange c;
    const auto j = nlohmann::json::parse(text ? text : "", nullptr, false);
    if (!j.is_object()) return c;
    if (auto it = j.find("count"); it != j.end() && it->is_number_integer()) c.count = it->get<int>();
    if (auto it = j.find("id"); it != j.end() && it->is_number_integer()) c.appointment_id = it->get<core::Id>();
    if (auto it = j.find("from"); it != j.end() && it->is_number_integer())
        c.from = from_epoch(it->get<std::int64_t>());
    if (auto it = j.find("to"); it != j.end() && it->is_number_integer())
        c.to = from_epoch(it->get<std::int64_t>());
    return c;
}

// ---- PostgreSQL --------------------------------------------------------------------------------

/// LISTEN on a connection of its own (the main one runs queries and transactions; a notification
/// is only delivered between them anyway). Reconnects without blocking: PQconnectStart and
/// PQconnectPoll driven by poll()/wait().
class PgChangeFeed final : public core::ChangeFeed {
public:
    PgChangeFeed(std::string conninfo, std::string display)
        : conninfo_(std::move(conninfo)), display_(std::move(display)) {
        // A listener only reads: without TCP keepalives a server that vanished (power cut,
        // network) would never be noticed. About a minute instead.
        if (conninfo_.find("keepalives") == std::string::npos)
            conninfo_ += " keepalives=1 keepalives_idle=30 keepalives_interval=10 keepalives_count=3";
        // The first connection is made before returning, so nothing committed after this
        // constructor can be missed.
        start_connect();
        const auto deadline = Clock::now() + std::chrono::seconds(15);
        while (state_ != State::Listening && state_ != State::Down && Clock::now() < deadline)
            step(milliseconds(100));
        if (state_ != State::Listening)
            throw Error(ErrorKind::Unavailable,
                        "database unavailable: cannot listen for changes on " + display_ + " (" +
                            (problem_.empty() ? std::string("no answer") : problem_) + ")");
        missed_ = false;  // nothing to catch up on: the caller has just read what it shows
    }
    ~PgChangeFeed() override { drop(); }

    core::ChangeCheck poll() override {
        step(milliseconds(0));
        return take();
    }

    core::ChangeCheck wait(milliseconds timeout) override {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            step(std::max(milliseconds(0), left));
            if (!pending_.empty() || missed_ || Clock::now() >= deadline) return take();
        }
    }

    std::string mechanism() const override { return "LISTEN/NOTIFY"; }

private:
    enum class State { Connecting, Subscribing, Listening, Down };

    void drop() {
        if (conn_) PQfinish(conn_);
        conn_ = nullptr;
    }

    void fail(const std::string& why) {
        problem_ = "lost the connection to " + display_ + " (" + first_line(why) +
                   "); trying again";
        drop();
        state_ = State::Down;
        retry_at_ = Clock::now() + kRetryEvery;
    }

    void start_connect() {
        drop();
        conn_ = PQconnectStart(conninfo_.c_str());
        if (!conn_) return fail("out of memory");
        if (PQstatus(conn_) == CONNECTION_BAD) return fail(PQerrorMessage(conn_));
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
        state_ = State::Connecting;
        connect_wants_write_ = true;
    }

    /// Advances the state machine, waiting at most `budget` for the socket.
    void step(milliseconds budget) {
        const auto deadline = Clock::now() + budget;
        for (;;) {
            const auto left = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                                            deadline - Clock::now()));
            switch (state_) {
            case State::Down:
                if (Clock::now() < retry_at_) {
                    const auto until_retry = std::chrono::duration_cast<milliseconds>(retry_at_ - Clock::now());
                    if (left.count() == 0) return;
                    std::this_thread::sleep_for(std::min(left, until_retry));
                    if (Clock::now() < retry_at_) return;
                }
                start_connect();
                continue;
            case State::Connecting: {
                if (!wait_fd(PQsocket(conn_), connect_wants_write_, left)) return;
                const auto r = PQconnectPoll(conn_);
                if (r == PGRES_POLLING_FAILED) {
                    fail(PQerrorMessage(conn_));
                    return;
                }
                if (r == PGRES_POLLING_OK) {
                    PQsetnonblocking(conn_, 1);
                    const std::string listen = std::string("LISTEN ") + kChannel;
                    if (!PQsendQuery(conn_, listen.c_str())) {
                        fail(PQerrorMessage(conn_));
                        return;
                    }
                    state_ = State::Subscribing;
                } else {
                    connect_wants_write_ = r == PGRES_POLLING_WRITING;
                }
                continue;
            }
            case State::Subscribing: {
                const int unsent = PQflush(conn_);  // non-blocking: the LISTEN may not be out yet
                if (unsent < 0) {
                    fail(PQerrorMessage(conn_));
                    return;
                }
                if (unsent > 0) {
                    if (!wait_fd(PQsocket(conn_), true, left)) return;
                    continue;
                }
                if (!PQconsumeInput(conn_)) {
                    fail(PQerrorMessage(conn_));
                    return;
                }
                bool done = false;
                while (!PQisBusy(conn_)) {
                    PGresult* r = PQgetResult(conn_);
                    if (!r) {
                        done = true;
                        break;
                    }
                    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
                    const std::string err = PQresultErrorMessage(r);
                    PQclear(r);
                    if (!ok) {
                        fail(err);
                        return;
                    }
                }
                if (done) {
                    if (ever_listened_) missed_ = true;  // back after a loss: catch up
                    ever_listened_ = true;
                    problem_.clear();
                    state_ = State::Listening;
                    continue;
                }
                if (!wait_fd(PQsocket(conn_), false, left)) return;
                continue;
            }
            case State::Listening: {
                if (!PQconsumeInput(conn_)) {
                    fail(PQerrorMessage(conn_));
                    return;
                }
                while (PGnotify* n = PQnotifies(conn_)) {
                    pending_.push_back(parse_payload(n->extra));
                    PQfreemem(n);
                }
                // Results of nothing we sent (an error the server sent before closing) end it.
                if (PQstatus(conn_) == CONNECTION_BAD) {
                    fail(PQerrorMessage(conn_));
                    return;
                }
                if (!pending_.empty() || left.count() == 0) return;
                if (!wait_fd(PQsocket(conn_), false, left)) return;
                continue;
            }
            }
        }
    }

    core::ChangeCheck take() {
        core::ChangeCheck c;
        c.connected = state_ == State::Listening;
        c.problem = c.connected ? std::string() : problem_;
        if (c.connected && state_ == State::Listening && problem_.empty() && missed_) {
            c.changed = true;  // changes while we were away were not announced: unknown
            missed_ = false;
            pending_.clear();
            return c;
        }
        if (!pending_.empty()) {
            c.changed = true;
            c.changes = std::move(pending_);
            pending_.clear();
        }
        if (!c.connected && c.problem.empty()) c.problem = "connecting to " + display_;
        return c;
    }

    std::string conninfo_;
    std::string display_;
    PGconn* conn_ = nullptr;
    State state_ = State::Down;
    bool connect_wants_write_ = true;
    bool ever_listened_ = false;
    bool missed_ = false;
    Clock::time_point retry_at_{};
    std::string problem_;
    std::vector<core::ScheduleChange> pending_;
};

// ---- SQLite --------------------------------------------------------------------------------------

/// PRAGMA data_version on a connection of its own: it changes whenever another connection (this
/// process's main one included) commits to the file. A few microseconds a look.
class SqliteChangeFeed final : public core::ChangeFeed {
public:
    SqliteChangeFeed(const std::string& path, std::string display) : display_(std::move(display)) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
            sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &stmt_, nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            close();
            throw Error(ErrorKind::Unavailable, "database unavailable: cannot watch " + display_ +
                                                    " for changes (" + why + ")");
        }
        sqlite3_busy_timeout(db_, 50);
        if (auto v = read()) last_ = *v;
    }
    ~SqliteChangeFeed() override { close(); }

    core::ChangeCheck poll() override {
        core::ChangeCheck c;
        const auto v = read();
        if (!v) {
            c.connected = false;
            c.problem = problem_;
            return c;
        }
        if (lost_) {  // readable again: whatever happened meanwhile counts as a change
            lost_ = false;
            c.changed = true;
        }
        if (*v != last_) c.changed = true;
        last_ = *v;
        return c;
    }

    core::ChangeCheck wait(milliseconds timeout) override {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            auto c = poll();
            if (c.changed || Clock::now() >= deadline) return c;
            std::this_thread::sleep_for(
                std::min(milliseconds(20), std::chrono::duration_cast<milliseconds>(deadline - Clock::now())));
        }
    }

    std::string mechanism() const override { return "data_version polling"; }

private:
    std::optional<long long> read() {
        sqlite3_reset(stmt_);
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) {
            const long long v = sqlite3_column_int64(stmt_, 0);
            sqlite3_reset(stmt_);
            return v;
        }
        problem_ = "cannot read " + display_ + " (" + sqlite3_errmsg(db_) + "); trying again";
        lost_ = true;
        sqlite3_reset(stmt_);
        return std::nullopt;
    }
    void close() {
        if (stmt_) sqlite3_finalize(stmt_);
        if (db_) sqlite3_close(db_);
        stmt_ = nullptr;
        db_ = nullptr;
    }

    std::string display_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    long long last_ = 0;
    bool lost_ = false;
    std::string problem_;
};

}  // namespace

std::unique_ptr<core::ChangeFeed> Database::change_feed() {
    const auto& u = impl_->url;
    if (u.backend == Backend::PostgreSQL)
        return std::make_unique<PgChangeFeed>(u.conninfo, u.display);
    return std::make_unique<SqliteChangeFeed>(u.sqlite_path, u.display);
}

}  // namespace vertebra::db
