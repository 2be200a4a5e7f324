// Calendar screen state: loads the visible days through core services and runs the desk's actions.
#include "vertebra/ui/calendar_presenter.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

namespace vertebra::ui {

using core::Appointment;
using core::AppointmentStatus;
using core::Id;

core::AppointmentStatus target_status(AppointmentAction a) {
    switch (a) {
    case AppointmentAction::Arrive: return AppointmentStatus::Arrived;
    case AppointmentAction::Start: return AppointmentStatus::InSession;
    case AppointmentAction::Complete: return AppointmentStatus::Completed;
    case AppointmentAction::Cancel: return AppointmentStatus::Cancelled;
    case AppointmentAction::NoShow: return AppointmentStatus::NoShow;
    }
    return AppointmentStatus::Booked;
}

CalendarPresenter::CalendarPresenter(core::Scheduler& scheduler, core::SchedulingRepository& repo,
                                     LocalDate today)
    : scheduler_(scheduler), repo_(repo), today_(today), anchor_(today) {
    input_.today = today;
}

void CalendarPresenter::set_mode(CalendarMode m) {
    mode_ = m;
    refresh();
}
void CalendarPresenter::go_today() { go_to(today_); }
void CalendarPresenter::go_previous() {
    go_to(anchor_ - date::days{mode_ == CalendarMode::Week ? 7 : 1});
}
void CalendarPresenter::go_next() {
    go_to(anchor_ + date::days{mode_ == CalendarMode::Week ? 7 : 1});
}
void CalendarPresenter::go_to(LocalDate d) {
    anchor_ = d;
    refresh();
}
void CalendarPresenter::set_show_cancelled(bool on) {
    show_cancelled_ = on;
    relayout();
}
void CalendarPresenter::set_by_room(bool on) {
    by_room_ = on;
    relayout();
}

void CalendarPresenter::set_discipline(std::string d) {
    discipline_ = std::move(d);
    relayout();
}

std::vector<std::string> CalendarPresenter::disciplines() const {
    std::set<std::string> all;
    for (const auto& p : input_.practitioners)
        if (p.active) all.insert(p.disciplines.begin(), p.disciplines.end());
    return {all.begin(), all.end()};
}

void CalendarPresenter::refresh() {
    scheduler_.reload();
    input_.clinic = scheduler_.clinic();
    input_.practitioners = repo_.practitioners();
    input_.rooms = repo_.rooms();
    input_.services = repo_.services();
    const DayRange range = visible_days(mode_, anchor_);
    input_.appointments = scheduler_.appointments_between(range.first, range.count);
    read_patient_names();
    relayout();
}

namespace {
bool same_row(const Appointment& a, const Appointment& b) {
    return a.id == b.id && a.start == b.start && a.end == b.end && a.status == b.status &&
           a.practitioner_id == b.practitioner_id && a.patient_id == b.patient_id &&
           a.room_id == b.room_id && a.service_id == b.service_id &&
           a.late_cancel == b.late_cancel && a.notes == b.notes;
}
}  // namespace

bool CalendarPresenter::poll() {
    const DayRange range = visible_days(mode_, anchor_);
    // The view is already open (and its read audited by refresh()): polling is not a new read.
    auto now = scheduler_.appointments_between(range.first, range.count, {}, std::nullopt, true,
                                               false);
    auto by_id = [](const Appointment& a, const Appointment& b) { return a.id < b.id; };
    std::sort(now.begin(), now.end(), by_id);
    auto before = input_.appointments;
    std::sort(before.begin(), before.end(), by_id);
    if (std::equal(now.begin(), now.end(), before.begin(), before.end(), same_row)) return false;
    input_.appointments = std::move(now);
    read_patient_names();
    relayout();
    return true;
}

void CalendarPresenter::set_change_feed(std::unique_ptr<core::ChangeFeed> feed) {
    feed_ = std::move(feed);
    feed_lost_ = false;
}

bool CalendarPresenter::touches_visible_days(const core::ScheduleChange& c) const {
    if (!c.from || !c.to) return true;
    const DayRange range = visible_days(mode_, anchor_);
    try {
        const ClinicZone zone = scheduler_.zone();
        const Instant first = zone.start_of_day(range.first);
        const Instant end = zone.start_of_day(range.first + date::days{range.count});
        return *c.from < end && *c.to > first;
    } catch (const std::exception&) {
        return true;  // a clinic zone that cannot be read: re-read rather than miss a change
    }
}

LiveUpdate CalendarPresenter::apply(const core::ChangeCheck& c) {
    LiveUpdate u;
    u.connected = c.connected;
    u.problem = c.problem;
    u.reconnected = c.connected && feed_lost_;
    feed_lost_ = !c.connected;
    if (!c.changed) return u;
    bool touches = c.changes.empty();  // a change without details may touch anything
    for (const auto& ch : c.changes) touches = touches || touches_visible_days(ch);
    if (touches) u.reloaded = poll();
    return u;
}

LiveUpdate CalendarPresenter::check_changes() {
    if (!feed_) {
        LiveUpdate u;
        u.reloaded = poll();
        return u;
    }
    return apply(feed_->poll());
}

LiveUpdate CalendarPresenter::wait_for_changes(std::chrono::milliseconds timeout) {
    if (!feed_) return check_changes();
    return apply(feed_->wait(timeout));
}

void CalendarPresenter::read_patient_names() {
    // Names are cached across refreshes; only patients not seen yet are read. A busy clinic's
    // week brings thousands of new patients: one query for every patient's name then (tier L:
    // 20,000 names in about 20 ms, about 1 MB) instead of one query each (about 100 ms a week).
    std::vector<core::Id> missing;
    for (const auto& a : input_.appointments)
        if (!input_.patient_names.count(a.patient_id)) missing.push_back(a.patient_id);
    if (missing.size() > kNamesOneByOne && !all_names_read_) {
        all_names_read_ = true;
        for (auto& p : repo_.find_patients("", std::numeric_limits<int>::max()))
            input_.patient_names.emplace(p.id, std::move(p.name));
    }
    for (core::Id id : missing) {
        if (input_.patient_names.count(id)) continue;
        auto p = repo_.patient(id);
        input_.patient_names[id] = p ? p->name : "Patient #" + std::to_string(id);
    }
}

void CalendarPresenter::relayout() {
    input_.mode = mode_;
    input_.anchor = anchor_;
    input_.today = today_;
    input_.show_cancelled = show_cancelled_;
    input_.discipline = discipline_;
    input_.by_room = by_room_;
    layout_ = layout_calendar(input_);
}

const Appointment* CalendarPresenter::appointment(Id id) const {
    for (const auto& a : input_.appointments)
        if (a.id == id) return &a;
    return nullptr;
}

std::string CalendarPresenter::describe(Id id) {
    const Appointment* a = appointment(id);
    if (!a) return {};
    return scheduler_.describe(*a);
}

std::vector<AppointmentAction> CalendarPresenter::actions_for(Id id) const {
    const Appointment* a = appointment(id);
    if (!a) return {};
    const auto& table = core::status_transitions();
    std::vector<AppointmentAction> out;
    for (auto action : {AppointmentAction::Arrive, AppointmentAction::Start,
                        AppointmentAction::Complete, AppointmentAction::Cancel,
                        AppointmentAction::NoShow}) {
        const AppointmentStatus to = target_status(action);
        const bool table_knows_target = std::any_of(
            table.begin(), table.end(), [&](const auto& t) { return t.to == to; });
        const bool allowed = std::any_of(table.begin(), table.end(), [&](const auto& t) {
            return t.from == a->status && t.to == to;
        });
        // Cancel and no-show may live outside the table (their own services); then the
        // scheduler decides and its refusal is shown to the user.
        if (allowed || (!table_knows_target && a->status != to)) out.push_back(action);
    }
    return out;
}

ActionResult CalendarPresenter::apply(Id id, AppointmentAction action, const std::string& reason) {
    try {
        switch (action) {
        case AppointmentAction::Cancel: scheduler_.cancel(id, reason); break;
        case AppointmentAction::NoShow: scheduler_.no_show(id); break;
        default: scheduler_.set_status(id, target_status(action)); break;
        }
    } catch (...) {
        auto msg = error_sentence(std::current_exception());
        refresh();
        return ActionResult::failure(msg);
    }
    refresh();
    return ActionResult::success();
}

MovePreview CalendarPresenter::preview_resize(Id id, double end_minute) const {
    const Appointment* a = appointment(id);
    int column = -1;
    int top = 0;
    for (const auto& b : layout_.blocks)
        if (b.appointment_id == id) {
            column = b.column;
            top = b.top_minute;
        }
    if (!a || column < 0) return preview_move(id, -1, 0);
    const int end = static_cast<int>(std::lround(end_minute / kSnapMinutes)) * kSnapMinutes;
    return preview_move(id, column, top, std::max(kSnapMinutes, end - top));
}

MovePreview CalendarPresenter::preview_move(Id id, int column, double minute,
                                            std::optional<int> minutes) const {
    MovePreview p;
    p.appointment_id = id;
    const Appointment* a = appointment(id);
    if (!a || column < 0 || column >= static_cast<int>(layout_.columns.size())) {
        p.conflict = true;
        p.reason = "Drop the appointment on a day or practitioner column.";
        return p;
    }
    const auto& col = layout_.columns[static_cast<std::size_t>(column)];
    p.column = column;
    const int length = static_cast<int>((a->end - a->start).count() / 60);
    p.minutes = minutes.value_or(length);
    p.resized = p.minutes != length;
    p.practitioner_id = col.practitioner_id.value_or(a->practitioner_id);
    // A room column moves the appointment to that room; the "No room" column keeps its room.
    p.room_id = col.room_id ? col.room_id : a->room_id;
    int start = static_cast<int>(std::lround(minute / kSnapMinutes)) * kSnapMinutes;
    start = std::clamp(start, 0, 24 * 60 - p.minutes);
    p.new_start = LocalTime{col.date} + std::chrono::minutes{start};

    const ClinicZone zone(input_.clinic.timezone);
    Instant s;
    try {
        s = zone.to_utc(p.new_start);
    } catch (...) {
        p.conflict = true;
        p.reason = error_sentence(std::current_exception());
        return p;
    }
    const Instant e = s + std::chrono::minutes{p.minutes};

    auto name_of_practitioner = [&](Id pid) -> std::string {
        for (const auto& pr : input_.practitioners)
            if (pr.id == pid) return pr.name;
        return "practitioner #" + std::to_string(pid);
    };
    auto name_of_patient = [&](Id pid) -> std::string {
        auto it = input_.patient_names.find(pid);
        return it != input_.patient_names.end() ? it->second : "patient #" + std::to_string(pid);
    };
    auto when = [&](const Appointment& o) {
        const LocalTime ls = zone.to_local(o.start);
        const LocalTime le = zone.to_local(o.end);
        const LocalDate d = date::floor<date::days>(ls);
        return format_hhmm(static_cast<int>((ls - LocalTime{d}).count() / 60)) + "\u2013" +
               format_hhmm(static_cast<int>((le - LocalTime{d}).count() / 60) % (24 * 60));
    };

    for (const auto& o : input_.appointments) {
        if (o.id == a->id || !core::occupies_time(o.status)) continue;
        if (!core::overlaps(s, e, o.start, o.end)) continue;
        if (o.practitioner_id == p.practitioner_id) {
            p.reason = name_of_practitioner(o.practitioner_id) + " already sees " +
                       name_of_patient(o.patient_id) + " at " + when(o) + " (#" +
                       std::to_string(o.id) + ").";
        } else if (p.room_id && o.room_id == p.room_id) {
            std::string room = "#" + std::to_string(*p.room_id);
            for (const auto& r : input_.rooms)
                if (r.id == *p.room_id) room = r.name;
            p.reason = "Room " + room + " is taken at " + when(o) + " by " +
                       name_of_patient(o.patient_id) + " (#" + std::to_string(o.id) + ").";
        } else if (o.patient_id == a->patient_id) {
            p.reason = name_of_patient(o.patient_id) + " already has an appointment at " +
                       when(o) + " with " + name_of_practitioner(o.practitioner_id) + " (#" +
                       std::to_string(o.id) + ").";
        } else {
            continue;
        }
        p.conflict = true;
        return p;
    }
    for (const auto& pr : input_.practitioners) {
        if (pr.id != p.practitioner_id) continue;
        const int wd = iso_weekday_index(col.date);
        if (!pr.hours.covers(wd, start, start + p.minutes)) {
            p.conflict = true;
            p.reason = pr.name + " does not work at " + format_hhmm(start) + "\u2013" +
                       format_hhmm((start + p.minutes) % (24 * 60)) + " on that day.";
        }
    }
    return p;
}

ActionResult CalendarPresenter::commit_move(const MovePreview& p) {
    const Appointment* a = appointment(p.appointment_id);
    if (!a) return ActionResult::failure("The appointment is no longer in the calendar.");
    std::optional<Id> practitioner;
    if (p.practitioner_id != a->practitioner_id) practitioner = p.practitioner_id;
    std::optional<Id> room;
    if (p.room_id != a->room_id) room = p.room_id;
    try {
        scheduler_.reschedule(p.appointment_id, p.new_start,
                              p.resized ? std::optional<int>(p.minutes) : std::nullopt, false,
                              practitioner, room);
    } catch (...) {
        auto msg = error_sentence(std::current_exception());
        refresh();
        return ActionResult::failure(msg);
    }
    refresh();
    return ActionResult::success();
}

std::string error_sentence(std::exception_ptr e) {
    std::string text;
    try {
        if (e) std::rethrow_exception(e);
        text = "Something went wrong that Vertebra did not expect";
    } catch (const Error& err) {
        text = err.what();
        if (err.kind() == ErrorKind::Internal)
            text = "Vertebra hit an internal problem: " + text;
    } catch (const std::exception& ex) {
        text = std::string("Something went wrong: ") + ex.what();
    } catch (...) {
        text = "Something went wrong that Vertebra did not expect";
    }
    if (text.empty()) text = "Something went wrong that Vertebra did not expect";
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    const char last = text.back();
    if (last != '.' && last != '!' && last != '?') text += '.';
    return text;
}

}  // namespace vertebra::ui
