// Telling a workstation that the book changed elsewhere (another workstation, the CLI); db/
// implements it with PostgreSQL LISTEN/NOTIFY and SQLite's data_version. No SQL here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/domain/types.hpp"

namespace vertebra::core {

/// One change the database announced: the appointments touched and the instants they span
/// (before and after a move). Unknown parts are empty: then anything may have changed.
struct ScheduleChange {
    std::optional<Id> appointment_id;  ///< set when exactly one appointment changed
    std::optional<Instant> from;       ///< earliest start of the rows touched
    std::optional<Instant> to;         ///< latest end of the rows touched
    int count = 0;                     ///< rows touched (0 = unknown)
};

/// What a look at the feed found.
struct ChangeCheck {
    /// Something may have changed since the last look: re-read what is shown. Also true right
    /// after a lost connection came back (what happened meanwhile was not announced).
    bool changed = false;
    /// What changed, when the backend says (PostgreSQL); empty with `changed` = unknown.
    std::vector<ScheduleChange> changes;
    /// False while the feed cannot hear the database; `problem` says why (a sentence). The feed
    /// keeps trying to reconnect on every later poll()/wait().
    bool connected = true;
    std::string problem;
};

/// Changes to the appointment book made by any connection. Not thread-safe; never blocks in
/// poll(), so a UI timer may call it.
class ChangeFeed {
public:
    virtual ~ChangeFeed() = default;
    /// Looks without waiting.
    virtual ChangeCheck poll() = 0;
    /// Waits up to `timeout` for a change (returns at once when one is pending).
    virtual ChangeCheck wait(std::chrono::milliseconds timeout) = 0;
    /// "LISTEN/NOTIFY" or "data_version polling", for the status line and docs.
    virtual std::string mechanism() const = 0;
};

}  // namespace vertebra::core
