// Clinic time zones, ISO parsing/formatting and weekly-hours specs.
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/recurrence.hpp"

namespace vertebra {
namespace {

TEST(ClinicZoneTest, ConvertsAcrossNewYorkDst) {
    ClinicZone z("America/New_York");
    auto before = z.to_utc(parse_local_datetime("2026-10-31T09:00"));
    auto after = z.to_utc(parse_local_datetime("2026-11-02T09:00"));
    EXPECT_EQ(format_utc(before), "2026-10-31T13:00:00Z");
    EXPECT_EQ(format_utc(after), "2026-11-02T14:00:00Z");
    EXPECT_EQ(z.format_iso(after), "2026-11-02T09:00:00-05:00");
}

TEST(ClinicZoneTest, RefusesTimeInSpringForwardGapNamingIt) {
    ClinicZone z("America/New_York");
    try {
        z.to_utc(parse_local_datetime("2026-03-08T02:30"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "start");
        EXPECT_NE(std::string(e.what()).find("02:30 does not exist on 2026-03-08"), std::string::npos);
    }
    EXPECT_FALSE(z.try_to_utc(parse_local_datetime("2026-03-08T02:30")).has_value());
}

TEST(ClinicZoneTest, AmbiguousFallBackTimeTakesTheFirst) {
    ClinicZone z("America/New_York");
    EXPECT_EQ(format_utc(z.to_utc(parse_local_datetime("2026-11-01T01:30"))), "2026-11-01T05:30:00Z");
}

TEST(ClinicZoneTest, UnknownZoneIsInvalid) {
    EXPECT_THROW(ClinicZone("Mars/Olympus"), Error);
}

TEST(ParseTest, RejectsMalformedDatesAndTimes) {
    for (const char* bad : {"2026-13-01T09:00", "2026-02-30T09:00", "2026-11-02 25:00", "tomorrow",
                            "2026-11-02T9:00", "", "2026-11-02T09:60"}) {
        EXPECT_THROW(parse_local_datetime(bad), Error) << bad;
    }
    EXPECT_NO_THROW(parse_local_datetime("2026-11-02 09:00"));
    EXPECT_EQ(format_date(parse_local_date("2028-02-29")), "2028-02-29");
    EXPECT_THROW(parse_local_date("2027-02-29"), Error);
}

TEST(WeeklyHoursTest, ParsesGroupsRangesAndLists) {
    auto h = core::parse_weekly_hours("Mon-Fri 08:00-12:00,13:00-18:00; Sat 09:00-12:00");
    EXPECT_EQ(h.days[0].size(), 2u);
    EXPECT_TRUE(h.covers(0, 8 * 60, 12 * 60));
    EXPECT_FALSE(h.covers(0, 11 * 60 + 30, 12 * 60 + 30));  // spans the lunch break
    EXPECT_TRUE(h.covers(5, 9 * 60, 10 * 60));
    EXPECT_TRUE(h.days[6].empty());
    EXPECT_EQ(core::format_weekly_hours(h), "Mon-Fri 08:00-12:00,13:00-18:00; Sat 09:00-12:00");
    auto l = core::parse_weekly_hours("mon,wed,Thu 09:00-17:00");
    EXPECT_TRUE(l.days[1].empty());
    EXPECT_EQ(l.days[2].size(), 1u);
}

TEST(WeeklyHoursTest, RejectsBadSpecsNamingThePart) {
    for (const char* bad : {"", "Mon", "Fun 08:00-09:00", "Mon 09:00-08:00", "Fri-Mon 08:00-09:00",
                            "Mon 08:00-12:00,11:00-13:00", "Mon 8-9"}) {
        EXPECT_THROW(core::parse_weekly_hours(bad), Error) << bad;
    }
}

TEST(RecurrenceTest, ExpandsWeeklyByDayInLocalTime) {
    auto occ = core::expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4",
                                  parse_local_datetime("2026-10-26T09:00"));
    ASSERT_EQ(occ.size(), 4u);
    EXPECT_EQ(date::format("%F %R", occ[0]), "2026-10-26 09:00");
    EXPECT_EQ(date::format("%F %R", occ[1]), "2026-10-28 09:00");
    EXPECT_EQ(date::format("%F %R", occ[3]), "2026-11-04 09:00");
}

TEST(RecurrenceTest, UntilIsHonoured) {
    auto occ = core::expand_rrule("RRULE:FREQ=DAILY;UNTIL=20261105T235959",
                                  parse_local_datetime("2026-11-02T10:00"));
    EXPECT_EQ(occ.size(), 4u);
}

TEST(RecurrenceTest, RefusesUnboundedInvalidAndHugeRules) {
    auto start = parse_local_datetime("2026-11-02T10:00");
    EXPECT_THROW(core::expand_rrule("FREQ=WEEKLY", start), Error);
    EXPECT_THROW(core::expand_rrule("FREQ=SOMETIMES;COUNT=3", start), Error);
    EXPECT_THROW(core::expand_rrule("FREQ=HOURLY;COUNT=3", start), Error);
    EXPECT_THROW(core::expand_rrule("FREQ=DAILY;COUNT=100000", start), Error);
    EXPECT_THROW(core::expand_rrule("", start), Error);
}

}  // namespace
}  // namespace vertebra
