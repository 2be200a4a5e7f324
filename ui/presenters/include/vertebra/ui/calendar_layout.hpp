// Lays out a day or week of appointments in abstract units (columns, minutes) for any renderer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::ui {

enum class CalendarMode { Day, Week };

/// A colour as the presenter chooses it; the view turns it into its own colour type.
struct Rgb {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    bool operator==(const Rgb&) const = default;
};

/// The colour of a module or discipline (stable across runs; known ones have fixed colours).
Rgb colour_for_key(const std::string& key);

struct CalendarColumn {
    LocalDate date;                          ///< the day this column shows
    std::optional<core::Id> practitioner_id; ///< day view: whose column
    std::string practitioner_name;           ///< day view
    std::optional<core::Id> room_id;         ///< day view by room: whose column (none = no room)
    std::string title;                       ///< day view: practitioner or room name
    bool is_today = false;
    std::vector<core::MinuteRange> open;     ///< working (day view) or opening (week view) hours
};

/// One appointment block. x0/x1 are fractions of the column width; minutes are after local
/// midnight of the column's date, clipped to that day.
struct CalendarBlock {
    core::Id appointment_id = 0;
    int column = 0;
    double x0 = 0.0;
    double x1 = 1.0;
    int top_minute = 0;
    int bottom_minute = 0;
    core::AppointmentStatus status = core::AppointmentStatus::Booked;
    bool late_cancel = false;
    bool in_series = false;
    std::string colour_key;  ///< module id, else discipline of the service or practitioner
    Rgb colour;
    std::string time_label;  ///< "09:00-09:30"
    std::string patient;
    std::string service;
    std::string practitioner;
    std::string room;
};

struct LegendEntry {
    std::string key;
    Rgb colour;
    bool operator==(const LegendEntry&) const = default;
};

struct CalendarLayout {
    CalendarMode mode = CalendarMode::Week;
    LocalDate first_day;
    int days = 7;
    int first_minute = 8 * 60;  ///< top of the visible time range (whole hour)
    int last_minute = 18 * 60;  ///< bottom of the visible time range (whole hour)
    std::vector<CalendarColumn> columns;
    std::vector<CalendarBlock> blocks;  ///< in column, then start order
    std::vector<LegendEntry> legend;    ///< colour keys in use, sorted by key
    int visible_count(core::AppointmentStatus s) const;
};

/// Everything the layout needs; the caller loads it (see CalendarPresenter).
struct CalendarInput {
    CalendarMode mode = CalendarMode::Week;
    LocalDate anchor;  ///< any day of the week (week view) or the day (day view)
    LocalDate today;
    core::Clinic clinic;  ///< its timezone places appointments on days and minutes
    std::vector<core::Practitioner> practitioners;
    std::vector<core::Room> rooms;
    std::vector<core::Service> services;
    std::map<core::Id, std::string> patient_names;
    std::vector<core::Appointment> appointments;
    bool show_cancelled = true;
    std::string discipline;  ///< empty = all; else only practitioners of this discipline
    bool by_room = false;    ///< day view: a column per room (plus "No room" when needed)
};

/// Monday of the week containing `d`.
LocalDate week_start(LocalDate d);
/// The days a layout covers: [first, first + count).
struct DayRange {
    LocalDate first;
    int count = 1;
};
DayRange visible_days(CalendarMode mode, LocalDate anchor);

/// Pure: the same input gives the same layout. Overlapping blocks in one column share its width
/// in lanes. The week view hides Saturday/Sunday when the clinic is closed and nothing is booked.
CalendarLayout layout_calendar(const CalendarInput& in);

/// The block under a point, topmost (last drawn) first; nullopt on empty time.
std::optional<core::Id> block_at(const CalendarLayout& layout, int column, double x_fraction,
                                 double minute);

}  // namespace vertebra::ui
