// Calendar layout: appointments to columns, minutes and lanes; colours by module or discipline.
#include "vertebra/ui/calendar_layout.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace vertebra::ui {

namespace {

using core::Appointment;
using core::AppointmentStatus;
using core::Id;

struct NamedColour {
    std::string_view key;
    Rgb colour;
};

// Fixed colours for the therapies the clinic knows, so a module keeps its colour everywhere.
constexpr std::array<NamedColour, 13> kKnownColours{{
    {"chiropractic", {52, 120, 198}},
    {"physiotherapy", {46, 150, 90}},
    {"physical_therapy", {46, 150, 90}},
    {"acupuncture", {205, 70, 145}},
    {"massage", {224, 140, 40}},
    {"injections", {120, 70, 170}},
    {"pain_medicine", {132, 84, 180}},
    {"surgery_referral", {112, 112, 124}},
    {"psychology", {20, 150, 160}},
    {"psychological_support", {20, 150, 160}},
    {"exercise", {150, 160, 40}},
    {"assessment", {90, 110, 140}},
    {"other", {128, 128, 128}},
}};

constexpr std::array<Rgb, 8> kFallbackPalette{{
    {0, 128, 128},
    {200, 90, 150},
    {100, 140, 60},
    {180, 120, 60},
    {70, 90, 200},
    {160, 60, 60},
    {60, 150, 200},
    {140, 100, 160},
}};

int minutes_into(LocalTime t, LocalDate d) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(t - d).count());
}

struct Placed {
    CalendarBlock block;
    int start = 0;  // for ordering and lanes
    int end = 0;
};

// Greedy lane assignment over clusters of transitively overlapping blocks.
void assign_lanes(std::vector<Placed>& col) {
    std::sort(col.begin(), col.end(), [](const Placed& a, const Placed& b) {
        if (a.start != b.start) return a.start < b.start;
        if (a.end != b.end) return a.end > b.end;
        return a.block.appointment_id < b.block.appointment_id;
    });
    std::size_t i = 0;
    while (i < col.size()) {
        std::size_t j = i;
        int cluster_end = col[i].end;
        std::vector<int> lane_end;  // end minute of the last block in each lane
        std::vector<int> lane_of;
        for (; j < col.size() && (j == i || col[j].start < cluster_end); ++j) {
            cluster_end = std::max(cluster_end, col[j].end);
            int lane = -1;
            for (std::size_t l = 0; l < lane_end.size(); ++l) {
                if (lane_end[l] <= col[j].start) {
                    lane = static_cast<int>(l);
                    break;
                }
            }
            if (lane < 0) {
                lane = static_cast<int>(lane_end.size());
                lane_end.push_back(0);
            }
            lane_end[static_cast<std::size_t>(lane)] = col[j].end;
            lane_of.push_back(lane);
        }
        const double lanes = static_cast<double>(lane_end.size());
        for (std::size_t k = i; k < j; ++k) {
            const double lane = lane_of[k - i];
            col[k].block.x0 = lane / lanes;
            col[k].block.x1 = (lane + 1.0) / lanes;
        }
        i = j;
    }
}

}  // namespace

Rgb colour_for_key(const std::string& key) {
    for (const auto& c : kKnownColours)
        if (c.key == key) return c.colour;
    // FNV-1a: stable across runs and platforms, unlike std::hash.
    std::uint32_t h = 2166136261u;
    for (unsigned char ch : key) h = (h ^ ch) * 16777619u;
    return kFallbackPalette[h % kFallbackPalette.size()];
}

int CalendarLayout::visible_count(core::AppointmentStatus s) const {
    return static_cast<int>(std::count_if(blocks.begin(), blocks.end(),
                                          [s](const CalendarBlock& b) { return b.status == s; }));
}

LocalDate week_start(LocalDate d) { return d - date::days{iso_weekday_index(d)}; }

DayRange visible_days(CalendarMode mode, LocalDate anchor) {
    if (mode == CalendarMode::Day) return {anchor, 1};
    return {week_start(anchor), 7};
}

CalendarLayout layout_calendar(const CalendarInput& in) {
    const ClinicZone zone(in.clinic.timezone);
    const DayRange range = visible_days(in.mode, in.anchor);

    CalendarLayout out;
    out.mode = in.mode;
    out.first_day = range.first;
    out.days = range.count;

    std::map<Id, const core::Practitioner*> practitioners;
    for (const auto& p : in.practitioners) practitioners[p.id] = &p;
    std::map<Id, const core::Service*> services;
    for (const auto& s : in.services) services[s.id] = &s;
    std::map<Id, const core::Room*> rooms;
    for (const auto& r : in.rooms) rooms[r.id] = &r;

    auto practitioner_shown = [&](Id id) {
        if (in.discipline.empty()) return true;
        auto it = practitioners.find(id);
        return it != practitioners.end() && it->second->has_discipline(in.discipline);
    };
    auto appointment_shown = [&](const Appointment& a) {
        if (!in.show_cancelled && a.status == AppointmentStatus::Cancelled) return false;
        return practitioner_shown(a.practitioner_id);
    };

    // Local placement of each shown appointment: (date, start minute, end minute).
    struct Local {
        const Appointment* a;
        LocalDate date;
        int start;
        int end;
    };
    std::vector<Local> locals;
    for (const auto& a : in.appointments) {
        if (!appointment_shown(a)) continue;
        const LocalTime s = zone.to_local(a.start);
        const LocalTime e = zone.to_local(a.end);
        const LocalDate d = date::floor<date::days>(s);
        if (d < range.first || d >= range.first + date::days{range.count}) continue;
        const int start = minutes_into(s, d);
        const int end = std::min(minutes_into(e, d), 24 * 60);
        locals.push_back({&a, d, start, std::max(end, start + 1)});
    }

    const bool clinic_has_hours = std::any_of(in.clinic.opening_hours.days.begin(),
                                              in.clinic.opening_hours.days.end(),
                                              [](const auto& d) { return !d.empty(); });
    // Week view: the clinic's opening hours, else the union of practitioners' hours.
    auto week_open = [&](int wd) {
        if (clinic_has_hours) return in.clinic.opening_hours.days[static_cast<std::size_t>(wd)];
        std::vector<core::MinuteRange> all;
        for (const auto& p : in.practitioners) {
            if (!p.active || !practitioner_shown(p.id)) continue;
            for (const auto& r : p.hours.days[static_cast<std::size_t>(wd)]) all.push_back(r);
        }
        std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.begin < b.begin; });
        std::vector<core::MinuteRange> merged;
        for (const auto& r : all) {
            if (!merged.empty() && r.begin <= merged.back().end)
                merged.back().end = std::max(merged.back().end, r.end);
            else
                merged.push_back(r);
        }
        return merged;
    };

    // Columns.
    std::map<LocalDate, int> column_of_day;
    std::map<Id, int> column_of_practitioner;
    std::map<Id, int> column_of_room;
    int no_room_column = -1;
    if (in.mode == CalendarMode::Week) {
        for (int i = 0; i < range.count; ++i) {
            const LocalDate d = range.first + date::days{i};
            const int wd = iso_weekday_index(d);
            auto open = week_open(wd);
            const bool booked = std::any_of(locals.begin(), locals.end(),
                                            [&](const Local& l) { return l.date == d; });
            if (wd >= 5 && open.empty() && !booked) continue;
            column_of_day[d] = static_cast<int>(out.columns.size());
            CalendarColumn c;
            c.date = d;
            c.is_today = d == in.today;
            c.open = std::move(open);
            out.columns.push_back(std::move(c));
        }
    } else if (in.by_room) {
        const int wd = iso_weekday_index(range.first);
        auto open = week_open(wd);
        for (const auto& r : in.rooms) {
            column_of_room[r.id] = static_cast<int>(out.columns.size());
            CalendarColumn c;
            c.date = range.first;
            c.room_id = r.id;
            c.title = r.name;
            c.is_today = range.first == in.today;
            c.open = open;
            out.columns.push_back(std::move(c));
        }
        const bool roomless = std::any_of(locals.begin(), locals.end(), [&](const Local& l) {
            return !l.a->room_id || !column_of_room.count(*l.a->room_id);
        });
        if (roomless) {
            no_room_column = static_cast<int>(out.columns.size());
            CalendarColumn c;
            c.date = range.first;
            c.title = "No room";
            c.is_today = range.first == in.today;
            c.open = open;
            out.columns.push_back(std::move(c));
        }
    } else {
        const int wd = iso_weekday_index(range.first);
        std::set<Id> booked;
        for (const auto& l : locals) booked.insert(l.a->practitioner_id);
        for (const auto& p : in.practitioners) {
            if (!practitioner_shown(p.id)) continue;
            if (!p.active && !booked.count(p.id)) continue;
            column_of_practitioner[p.id] = static_cast<int>(out.columns.size());
            CalendarColumn c;
            c.date = range.first;
            c.practitioner_id = p.id;
            c.practitioner_name = p.name;
            c.title = p.name;
            c.is_today = range.first == in.today;
            c.open = p.hours.days[static_cast<std::size_t>(wd)];
            out.columns.push_back(std::move(c));
        }
    }

    // Blocks, grouped per column for lane assignment.
    std::vector<std::vector<Placed>> per_column(out.columns.size());
    std::set<std::string> keys;
    for (const auto& l : locals) {
        int column = -1;
        if (in.mode == CalendarMode::Week) {
            auto it = column_of_day.find(l.date);
            if (it != column_of_day.end()) column = it->second;
        } else if (in.by_room) {
            auto it = l.a->room_id ? column_of_room.find(*l.a->room_id) : column_of_room.end();
            column = it != column_of_room.end() ? it->second : no_room_column;
        } else {
            auto it = column_of_practitioner.find(l.a->practitioner_id);
            if (it != column_of_practitioner.end()) column = it->second;
        }
        if (column < 0) continue;
        const Appointment& a = *l.a;
        CalendarBlock b;
        b.appointment_id = a.id;
        b.column = column;
        b.top_minute = l.start;
        b.bottom_minute = l.end;
        b.status = a.status;
        b.late_cancel = a.late_cancel;
        b.in_series = a.series_id.has_value();
        b.time_label = format_hhmm(l.start) + "\u2013" + format_hhmm(l.end % (24 * 60));
        auto pn = in.patient_names.find(a.patient_id);
        b.patient = pn != in.patient_names.end() ? pn->second
                                                 : "Patient #" + std::to_string(a.patient_id);
        const core::Practitioner* p = nullptr;
        if (auto it = practitioners.find(a.practitioner_id); it != practitioners.end()) {
            p = it->second;
            b.practitioner = p->name;
        }
        if (a.service_id) {
            if (auto it = services.find(*a.service_id); it != services.end()) {
                b.service = it->second->name;
                b.colour_key = !it->second->module_id.empty() ? it->second->module_id
                                                              : it->second->discipline;
            }
        }
        if (b.colour_key.empty() && p && !p->disciplines.empty()) b.colour_key = p->disciplines[0];
        if (b.colour_key.empty()) b.colour_key = "other";
        b.colour = colour_for_key(b.colour_key);
        keys.insert(b.colour_key);
        if (a.room_id) {
            if (auto it = rooms.find(*a.room_id); it != rooms.end()) b.room = it->second->name;
        }
        per_column[static_cast<std::size_t>(column)].push_back({std::move(b), l.start, l.end});
    }

    // Visible time range: open hours and blocks, rounded out to whole hours.
    int lo = 24 * 60;
    int hi = 0;
    for (const auto& c : out.columns) {
        for (const auto& r : c.open) {
            lo = std::min(lo, r.begin);
            hi = std::max(hi, r.end);
        }
    }
    for (auto& col : per_column) {
        assign_lanes(col);
        for (auto& p : col) {
            lo = std::min(lo, p.start);
            hi = std::max(hi, p.end);
            out.blocks.push_back(std::move(p.block));
        }
    }
    if (lo >= hi) {
        lo = 8 * 60;
        hi = 18 * 60;
    }
    out.first_minute = lo / 60 * 60;
    out.last_minute = std::min(24 * 60, (hi + 59) / 60 * 60);

    for (const auto& k : keys) out.legend.push_back({k, colour_for_key(k)});
    return out;
}

std::optional<core::Id> block_at(const CalendarLayout& layout, int column, double x_fraction,
                                 double minute) {
    for (auto it = layout.blocks.rbegin(); it != layout.blocks.rend(); ++it) {
        if (it->column != column) continue;
        if (x_fraction < it->x0 || x_fraction >= it->x1) continue;
        if (minute < it->top_minute || minute >= it->bottom_minute) continue;
        return it->appointment_id;
    }
    return std::nullopt;
}

}  // namespace vertebra::ui
