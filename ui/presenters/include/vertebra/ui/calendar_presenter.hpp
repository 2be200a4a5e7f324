// The calendar screen's state and actions (navigate, change status, move), driving core services.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/scheduling/change_feed.hpp"
#include "vertebra/scheduling/scheduler.hpp"
#include "vertebra/ui/calendar_layout.hpp"

namespace vertebra::ui {

/// What the front desk can do to an appointment from its context menu.
enum class AppointmentAction { Arrive, Start, Complete, Cancel, NoShow };

/// The status an action leads to (Cancel -> Cancelled, NoShow -> NoShow, ...).
core::AppointmentStatus target_status(AppointmentAction a);

/// Outcome of an action: ok, or a sentence for the user (the core's message, unchanged).
struct ActionResult {
    bool ok = true;
    std::string message;
    static ActionResult success() { return {}; }
    static ActionResult failure(std::string m) { return {false, std::move(m)}; }
};

/// Where a dragged appointment would land, and what the loaded book says about it. The database
/// has the last word when the move is committed; this is the feedback drawn while dragging.
struct MovePreview {
    core::Id appointment_id = 0;
    int column = 0;
    LocalTime new_start;  ///< clinic local time, snapped to the grid
    int minutes = 0;
    bool resized = false;  ///< the length changed (commit passes it to the scheduler)
    core::Id practitioner_id = 0;
    std::optional<core::Id> room_id;  ///< the room after the move (day view by room can change it)
    bool conflict = false;
    std::string reason;   ///< why it conflicts (names the other appointment), or empty
};

/// What a look for other workstations' changes found.
struct LiveUpdate {
    bool reloaded = false;     ///< the visible days changed: draw them again
    bool connected = true;     ///< false while the feed cannot hear the database
    std::string problem;       ///< why not (a sentence), else ""
    bool reconnected = false;  ///< it could not before, and now can again
};

class CalendarPresenter {
public:
    /// `today` is the clinic's local date (the view's "Today" goes there).
    CalendarPresenter(core::Scheduler& scheduler, core::SchedulingRepository& repo,
                      LocalDate today);

    CalendarMode mode() const { return mode_; }
    LocalDate anchor() const { return anchor_; }
    LocalDate today() const { return today_; }
    void set_mode(CalendarMode m);
    void go_today();
    void go_previous();
    void go_next();
    void go_to(LocalDate d);
    void set_today(LocalDate d) { today_ = d; }
    bool show_cancelled() const { return show_cancelled_; }
    void set_show_cancelled(bool on);
    const std::string& discipline() const { return discipline_; }
    /// Day view: a column per room instead of per practitioner.
    bool by_room() const { return by_room_; }
    void set_by_room(bool on);
    void set_discipline(std::string d);
    /// Every discipline of an active practitioner, sorted (for the filter choice).
    std::vector<std::string> disciplines() const;

    /// Reloads clinic data and the visible days from the repository and lays them out.
    void refresh();
    /// Cheap change check for bookings made elsewhere (another workstation): re-reads only the
    /// visible days' appointments and lays out again if they differ. True if anything changed.
    bool poll();
    /// Listens for changes made elsewhere through `feed` (db::Database::change_feed()).
    /// Without a feed, check_changes() re-reads the visible days every time (poll()).
    void set_change_feed(std::unique_ptr<core::ChangeFeed> feed);
    bool has_change_feed() const { return feed_ != nullptr; }
    const core::ChangeFeed* change_feed() const { return feed_.get(); }
    /// Never waits: asks the feed, and re-reads the visible days only when it announced a change
    /// that may touch them (PostgreSQL says which instants; SQLite only that something changed).
    LiveUpdate check_changes();
    /// The same, waiting up to `timeout` for the feed first (tests and measurements).
    LiveUpdate wait_for_changes(std::chrono::milliseconds timeout);
    /// Whether a change spanning [from, to) touches the visible days (unknown parts: yes).
    bool touches_visible_days(const core::ScheduleChange& c) const;
    const CalendarLayout& layout() const { return layout_; }
    const core::Clinic& clinic() const { return input_.clinic; }
    /// Appointments of the visible days (all of them, whatever the filters).
    const std::vector<core::Appointment>& appointments() const { return input_.appointments; }
    const core::Appointment* appointment(core::Id id) const;
    /// The core's sentence describing the appointment (for tooltips and the status bar).
    std::string describe(core::Id id);

    /// Actions the status table allows for this appointment now, in menu order.
    std::vector<AppointmentAction> actions_for(core::Id id) const;
    /// Runs an action through the scheduler and refreshes. Cancel takes `reason`.
    ActionResult apply(core::Id id, AppointmentAction action, const std::string& reason = {});

    /// Grid for dragging, in minutes.
    static constexpr int kSnapMinutes = 5;
    /// Feedback for dragging appointment `id` so that it starts at `minute` in `column`;
    /// `minutes` changes its length too (resizing by its bottom edge).
    MovePreview preview_move(core::Id id, int column, double minute,
                             std::optional<int> minutes = {}) const;
    /// Feedback for dragging the bottom edge of `id` to `end_minute` (same start, new length).
    MovePreview preview_resize(core::Id id, double end_minute) const;
    /// Reschedules through the scheduler; on success refreshes.
    ActionResult commit_move(const MovePreview& p);

private:
    core::Scheduler& scheduler_;
    core::SchedulingRepository& repo_;
    LocalDate today_;
    LocalDate anchor_;
    CalendarMode mode_ = CalendarMode::Week;
    bool show_cancelled_ = true;
    bool by_room_ = false;
    std::string discipline_;
    CalendarInput input_;
    CalendarLayout layout_;
    std::unique_ptr<core::ChangeFeed> feed_;
    bool feed_lost_ = false;
    bool all_names_read_ = false;
    /// Above this many patients without a cached name, every patient's name is read at once.
    static constexpr std::size_t kNamesOneByOne = 64;
    void read_patient_names();
    void relayout();
    LiveUpdate apply(const core::ChangeCheck& c);
};

/// Turns the exception in flight (or `e`) into a plain sentence for a dialog or status bar.
std::string error_sentence(std::exception_ptr e);

}  // namespace vertebra::ui
