// Calendar layout: columns, minutes in the clinic's zone, lanes for overlaps, colours and hit-tests.
#include <gtest/gtest.h>

#include "vertebra/ui/calendar_layout.hpp"

using namespace vertebra;
using namespace vertebra::core;
using namespace vertebra::ui;

namespace {

LocalDate day(int y, unsigned m, unsigned d) { return LocalDate{date::year{y} / m / d}; }

class CalendarLayoutTest : public ::testing::Test {
protected:
    CalendarInput in;
    ClinicZone zone{"Europe/Berlin"};
    Id next_id = 1;

    void SetUp() override {
        in.clinic.name = "Test clinic";
        in.clinic.timezone = "Europe/Berlin";
        for (int wd = 0; wd < 5; ++wd) in.clinic.opening_hours.days[wd] = {{8 * 60, 18 * 60}};
        Practitioner ada{1, "Ada Park", {"chiropractic"}, {}, true};
        Practitioner ben{2, "Ben Ross", {"physiotherapy"}, {}, true};
        Practitioner old{3, "Cy Old", {"massage"}, {}, false};
        for (int wd = 0; wd < 5; ++wd) {
            ada.hours.days[wd] = {{8 * 60, 16 * 60}};
            ben.hours.days[wd] = {{10 * 60, 18 * 60}};
        }
        in.practitioners = {ada, ben, old};
        in.services = {{10, "Adjustment", 30, "chiropractic", {}, "chiropractic"},
                       {11, "Exercise therapy", 45, "physiotherapy", {}, ""}};
        in.rooms = {{20, "Treatment 1", {}}};
        in.patient_names = {{100, "Tom Reed"}, {101, "Una Lee"}};
        in.today = day(2026, 11, 4);
        in.anchor = day(2026, 11, 4);  // a Wednesday
    }

    Appointment& add(Id practitioner, Id patient, LocalDate d, int start_min, int minutes,
                     std::optional<Id> service = {}, AppointmentStatus st = AppointmentStatus::Booked) {
        Appointment a;
        a.id = next_id++;
        a.practitioner_id = practitioner;
        a.patient_id = patient;
        a.service_id = service;
        a.room_id = 20;
        a.start = zone.to_utc(LocalTime{d} + std::chrono::minutes{start_min});
        a.end = a.start + std::chrono::minutes{minutes};
        a.status = st;
        in.appointments.push_back(a);
        return in.appointments.back();
    }
};

TEST_F(CalendarLayoutTest, WeekViewStartsMondayAndHidesClosedEmptyWeekend) {
    const auto l = layout_calendar(in);
    EXPECT_EQ(l.first_day, day(2026, 11, 2));
    ASSERT_EQ(l.columns.size(), 5u);
    EXPECT_EQ(l.columns[0].date, day(2026, 11, 2));
    EXPECT_TRUE(l.columns[2].is_today);
    EXPECT_FALSE(l.columns[1].is_today);
    EXPECT_EQ(l.first_minute, 8 * 60);
    EXPECT_EQ(l.last_minute, 18 * 60);
}

TEST_F(CalendarLayoutTest, WeekendWithAnAppointmentIsShown) {
    add(1, 100, day(2026, 11, 7), 9 * 60, 30);
    const auto l = layout_calendar(in);
    ASSERT_EQ(l.columns.size(), 6u);
    EXPECT_EQ(l.columns[5].date, day(2026, 11, 7));
    ASSERT_EQ(l.blocks.size(), 1u);
    EXPECT_EQ(l.blocks[0].column, 5);
}

TEST_F(CalendarLayoutTest, BlocksUseClinicLocalMinutesAcrossDst) {
    // 2026-10-25: Berlin leaves summer time. 09:00 local is 08:00 UTC after, 07:00 UTC before.
    in.anchor = day(2026, 10, 26);
    add(1, 100, day(2026, 10, 23), 9 * 60, 30, 10);  // Friday before the change
    add(1, 100, day(2026, 10, 26), 9 * 60, 30, 10);  // Monday after
    in.anchor = day(2026, 10, 23);
    auto before = layout_calendar(in);
    ASSERT_EQ(before.blocks.size(), 1u);
    EXPECT_EQ(before.blocks[0].top_minute, 9 * 60);
    EXPECT_EQ(before.blocks[0].time_label, "09:00\u201309:30");
    in.anchor = day(2026, 10, 26);
    auto after = layout_calendar(in);
    ASSERT_EQ(after.blocks.size(), 1u);
    EXPECT_EQ(after.blocks[0].top_minute, 9 * 60);
    EXPECT_EQ(after.blocks[0].bottom_minute, 9 * 60 + 30);
}

TEST_F(CalendarLayoutTest, OverlappingBlocksShareTheColumnInLanes) {
    const LocalDate wed = day(2026, 11, 4);
    add(1, 100, wed, 9 * 60, 60);        // lane 0
    add(2, 101, wed, 9 * 60 + 30, 60);   // overlaps the first: lane 1
    add(1, 101, wed, 10 * 60, 30);       // back-to-back with the first: lane 0 again
    add(2, 100, wed, 14 * 60, 30);       // alone: full width
    const auto l = layout_calendar(in);
    ASSERT_EQ(l.blocks.size(), 4u);
    std::map<Id, CalendarBlock> by_id;
    for (const auto& b : l.blocks) by_id[b.appointment_id] = b;
    EXPECT_DOUBLE_EQ(by_id[1].x0, 0.0);
    EXPECT_DOUBLE_EQ(by_id[1].x1, 0.5);
    EXPECT_DOUBLE_EQ(by_id[2].x0, 0.5);
    EXPECT_DOUBLE_EQ(by_id[2].x1, 1.0);
    EXPECT_DOUBLE_EQ(by_id[3].x0, 0.0);
    EXPECT_DOUBLE_EQ(by_id[4].x0, 0.0);
    EXPECT_DOUBLE_EQ(by_id[4].x1, 1.0);
}

TEST_F(CalendarLayoutTest, DayViewHasAColumnPerActivePractitionerWithTheirHours) {
    in.mode = CalendarMode::Day;
    add(2, 100, day(2026, 11, 4), 11 * 60, 45, 11);
    const auto l = layout_calendar(in);
    ASSERT_EQ(l.columns.size(), 2u);  // the inactive practitioner has nothing booked
    EXPECT_EQ(l.columns[0].practitioner_name, "Ada Park");
    EXPECT_EQ(l.columns[1].practitioner_id, 2);
    ASSERT_EQ(l.columns[1].open.size(), 1u);
    EXPECT_EQ(l.columns[1].open[0].begin, 10 * 60);
    ASSERT_EQ(l.blocks.size(), 1u);
    EXPECT_EQ(l.blocks[0].column, 1);
    EXPECT_EQ(l.blocks[0].patient, "Tom Reed");
    EXPECT_EQ(l.blocks[0].service, "Exercise therapy");
    EXPECT_EQ(l.blocks[0].room, "Treatment 1");
}

TEST_F(CalendarLayoutTest, DayViewByRoomHasAColumnPerRoomAndOneForNoRoom) {
    in.mode = CalendarMode::Day;
    in.by_room = true;
    in.rooms.push_back({21, "Gym", {"exercise_equipment"}});
    add(1, 100, day(2026, 11, 4), 9 * 60, 30).room_id = 21;
    add(2, 101, day(2026, 11, 4), 11 * 60, 30).room_id.reset();
    auto l = layout_calendar(in);
    ASSERT_EQ(l.columns.size(), 3u);
    EXPECT_EQ(l.columns[0].title, "Treatment 1");
    EXPECT_EQ(l.columns[1].room_id, std::optional<Id>(21));
    EXPECT_FALSE(l.columns[2].room_id.has_value());
    ASSERT_EQ(l.blocks.size(), 2u);
    EXPECT_EQ(l.blocks[0].column, 1);
    EXPECT_EQ(l.blocks[1].column, 2);
    in.appointments.pop_back();
    EXPECT_EQ(layout_calendar(in).columns.size(), 2u);  // nobody without a room: no extra column
}

TEST_F(CalendarLayoutTest, ColourComesFromModuleThenDiscipline) {
    const LocalDate wed = day(2026, 11, 4);
    add(1, 100, wed, 9 * 60, 30, 10);  // module chiropractic
    add(2, 101, wed, 11 * 60, 45, 11); // no module: discipline physiotherapy
    add(3, 101, wed, 13 * 60, 30);     // no service: practitioner's discipline
    const auto l = layout_calendar(in);
    ASSERT_EQ(l.blocks.size(), 3u);
    EXPECT_EQ(l.blocks[0].colour_key, "chiropractic");
    EXPECT_EQ(l.blocks[1].colour_key, "physiotherapy");
    EXPECT_EQ(l.blocks[2].colour_key, "massage");
    EXPECT_EQ(l.blocks[0].colour, colour_for_key("chiropractic"));
    EXPECT_NE(l.blocks[0].colour, l.blocks[1].colour);
    ASSERT_EQ(l.legend.size(), 3u);
    EXPECT_EQ(l.legend[0].key, "chiropractic");
}

TEST_F(CalendarLayoutTest, UnknownKeysGetAStableColour) {
    EXPECT_EQ(colour_for_key("osteopathy"), colour_for_key("osteopathy"));
}

TEST_F(CalendarLayoutTest, FiltersHideCancelledAndOtherDisciplines) {
    const LocalDate wed = day(2026, 11, 4);
    add(1, 100, wed, 9 * 60, 30, 10, AppointmentStatus::Cancelled);
    add(1, 101, wed, 9 * 60, 30, 10);
    add(2, 100, wed, 11 * 60, 45, 11);
    EXPECT_EQ(layout_calendar(in).blocks.size(), 3u);
    in.show_cancelled = false;
    EXPECT_EQ(layout_calendar(in).blocks.size(), 2u);
    in.discipline = "physiotherapy";
    const auto l = layout_calendar(in);
    ASSERT_EQ(l.blocks.size(), 1u);
    EXPECT_EQ(l.blocks[0].practitioner, "Ben Ross");
}

TEST_F(CalendarLayoutTest, TimeRangeGrowsToEarlyAndLateAppointments) {
    add(1, 100, day(2026, 11, 2), 7 * 60 + 15, 30);
    add(2, 100, day(2026, 11, 3), 19 * 60 + 30, 30);
    const auto l = layout_calendar(in);
    EXPECT_EQ(l.first_minute, 7 * 60);
    EXPECT_EQ(l.last_minute, 20 * 60);
}

TEST_F(CalendarLayoutTest, BlockAtFindsTheBlockUnderAPoint) {
    const LocalDate wed = day(2026, 11, 4);
    add(1, 100, wed, 9 * 60, 60);
    add(2, 101, wed, 9 * 60 + 30, 60);
    const auto l = layout_calendar(in);
    EXPECT_EQ(block_at(l, 2, 0.25, 9 * 60 + 10), std::optional<Id>(1));
    EXPECT_EQ(block_at(l, 2, 0.75, 10 * 60 + 10), std::optional<Id>(2));
    EXPECT_EQ(block_at(l, 2, 0.75, 9 * 60 + 10), std::nullopt);  // right lane, before it starts
    EXPECT_EQ(block_at(l, 1, 0.25, 9 * 60 + 10), std::nullopt);  // Tuesday
    EXPECT_EQ(block_at(l, 2, 0.25, 10 * 60), std::nullopt);      // end is exclusive
}

TEST_F(CalendarLayoutTest, DayNavigationRanges) {
    EXPECT_EQ(visible_days(CalendarMode::Week, day(2026, 11, 8)).first, day(2026, 11, 2));
    EXPECT_EQ(visible_days(CalendarMode::Week, day(2026, 11, 9)).first, day(2026, 11, 9));
    EXPECT_EQ(visible_days(CalendarMode::Day, day(2026, 11, 8)).count, 1);
}

}  // namespace
