// Plan to schedule (pure): frequency, spacing, practitioner availability, patient clashes, re-flow.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "vertebra/plans/schedule.hpp"

namespace vertebra::core::plans {
namespace {

LocalTime lt(const char* s) { return parse_local_datetime(s); }
std::string fmt_t(LocalTime t) { return date::format("%Y-%m-%d %H:%M", t); }

/// A small real availability model: each practitioner works Mon-Fri 09:00-17:00 on a 30-minute
/// grid, minus busy intervals; searches 60 days ahead.
struct Diary {
    std::map<Id, std::vector<std::pair<LocalTime, LocalTime>>> busy;
    std::set<Id> weekends_off{11, 12, 13};
    std::optional<LocalTime> operator()(Id p, int minutes, LocalTime not_before) const {
        const LocalDate first = date::floor<date::days>(not_before);
        for (int d = 0; d < 60; ++d) {
            const LocalDate day = first + date::days{d};
            const int wd = iso_weekday_index(day);
            if (wd >= 5) continue;
            for (int m = 9 * 60; m + minutes <= 17 * 60; m += 30) {
                const LocalTime s = LocalTime{day} + std::chrono::minutes{m};
                const LocalTime e = s + std::chrono::minutes{minutes};
                if (s < not_before) continue;
                bool free = true;
                if (auto it = busy.find(p); it != busy.end())
                    for (const auto& [b0, b1] : it->second)
                        if (s < b1 && b0 < e) free = false;
                if (free) return s;
            }
        }
        return std::nullopt;
    }
};

TreatmentPlan plan_with(std::vector<PlanComponent> comps) {
    TreatmentPlan p;
    p.start_date = parse_local_date("2026-03-02");  // a Monday
    Id id = 1;
    for (auto& c : comps) {
        c.id = id++;
        p.components.push_back(c);
    }
    return p;
}

PlanComponent comp(ComponentKind k, Id practitioner, int per_week, std::optional<int> weeks,
                   std::optional<int> count, int minutes, int spacing) {
    PlanComponent c;
    c.kind = k;
    c.practitioner_id = practitioner;
    c.per_week = per_week;
    c.duration_weeks = weeks;
    c.session_count = count;
    c.session_minutes = minutes;
    c.min_spacing_days = spacing;
    return c;
}

TEST(PlanScheduleTest, SpreadsTwicePerWeekOverSixWeeks) {
    const auto p = plan_with({comp(ComponentKind::PhysicalTherapy, 11, 2, 6, {}, 45, 2)});
    const auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, Diary{});
    EXPECT_TRUE(s.complete());
    ASSERT_EQ(s.bookings.size(), 12u);
    // Session k on or after day floor(k*7/2): Mon, Thu, Mon, Thu, ...
    EXPECT_EQ(fmt_t(s.bookings[0].start), "2026-03-02 09:00");
    EXPECT_EQ(fmt_t(s.bookings[1].start), "2026-03-05 09:00");
    EXPECT_EQ(fmt_t(s.bookings[2].start), "2026-03-09 09:00");
    EXPECT_EQ(fmt_t(s.bookings[11].start), "2026-04-09 09:00");
    for (std::size_t i = 0; i < s.bookings.size(); ++i) {
        EXPECT_EQ(s.bookings[i].session_number, static_cast<int>(i) + 1);
        EXPECT_EQ(s.bookings[i].minutes, 45);
        EXPECT_EQ(s.bookings[i].practitioner_id, 11);
    }
}

TEST(PlanScheduleTest, HonoursSpacingWhenThePractitionerIsBusy) {
    Diary d;
    // Practitioner 11 is booked all of Monday 2 March: session 1 slips to Tuesday, and session 2
    // must then be at least 2 days later (Thursday) - it is.
    d.busy[11] = {{lt("2026-03-02T00:00"), lt("2026-03-03T00:00")},
                  // and all of Thursday 5 March: session 2 slips to Friday.
                  {lt("2026-03-05T00:00"), lt("2026-03-06T00:00")}};
    const auto p = plan_with({comp(ComponentKind::PhysicalTherapy, 11, 2, {}, 4, 45, 3)});
    const auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, d);
    ASSERT_EQ(s.bookings.size(), 4u);
    EXPECT_EQ(fmt_t(s.bookings[0].start), "2026-03-03 09:00");
    EXPECT_EQ(fmt_t(s.bookings[1].start), "2026-03-06 09:00");
    // Session 3: day floor(2*7/2)=7 -> Mon 9 March, and >= 6 March + 3 = 9 March.
    EXPECT_EQ(fmt_t(s.bookings[2].start), "2026-03-09 09:00");
    for (std::size_t i = 1; i < s.bookings.size(); ++i)
        EXPECT_GE((date::floor<date::days>(s.bookings[i].start) -
                   date::floor<date::days>(s.bookings[i - 1].start)).count(), 3);
}

TEST(PlanScheduleTest, NeverDoubleBooksThePatientAcrossComponents) {
    const auto p = plan_with({comp(ComponentKind::PhysicalTherapy, 11, 1, 2, {}, 60, 1),
                              comp(ComponentKind::Chiropractic, 13, 1, 2, {}, 30, 1)});
    const auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, Diary{});
    ASSERT_EQ(s.bookings.size(), 4u);
    for (std::size_t i = 0; i < s.bookings.size(); ++i)
        for (std::size_t j = i + 1; j < s.bookings.size(); ++j) {
            const auto& a = s.bookings[i];
            const auto& b = s.bookings[j];
            EXPECT_FALSE(a.start < b.start + std::chrono::minutes{b.minutes} &&
                         b.start < a.start + std::chrono::minutes{a.minutes})
                << fmt_t(a.start) << " vs " << fmt_t(b.start);
        }
    // PT takes 09:00-10:00; chiropractic asks again from 10:00.
    EXPECT_EQ(fmt_t(s.bookings[0].start), "2026-03-02 09:00");
    EXPECT_EQ(fmt_t(s.bookings[1].start), "2026-03-02 10:00");
    EXPECT_EQ(s.bookings[1].kind, ComponentKind::Chiropractic);
}

TEST(PlanScheduleTest, CompletedSessionsCountAndUnschedulableComponentsAreReported) {
    auto pt = comp(ComponentKind::PhysicalTherapy, 11, 2, 3, {}, 45, 2);
    pt.sessions_completed = 4;
    auto med = comp(ComponentKind::Medication, 12, 0, {}, {}, 30, 0);
    auto unassigned = comp(ComponentKind::Massage, 0, 1, {}, 4, 30, 5);
    auto flagged = comp(ComponentKind::Acupuncture, 12, 1, {}, 4, 30, 5);
    flagged.findings.push_back({plugin_api::Severity::Relative, "acu_anticoagulant", "x", ""});
    auto removed = comp(ComponentKind::OccupationalTherapy, 12, 1, {}, 4, 30, 5);
    removed.active = false;
    const auto p = plan_with({pt, med, unassigned, flagged, removed});
    const auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, Diary{});
    ASSERT_EQ(s.bookings.size(), 2u);  // 6 planned - 4 completed
    EXPECT_EQ(s.bookings[0].session_number, 5);
    EXPECT_EQ(s.bookings[1].session_number, 6);
    ASSERT_EQ(s.problems.size(), 2u);
    EXPECT_NE(s.problems[0].find("no responsible practitioner"), std::string::npos);
    EXPECT_NE(s.problems[1].find("findings to acknowledge"), std::string::npos);
}

TEST(PlanScheduleTest, ReportsWhenNoSlotIsFound) {
    const auto p = plan_with({comp(ComponentKind::PhysicalTherapy, 11, 1, 3, {}, 45, 1)});
    int calls = 0;
    FirstFreeSlot slot = [&](Id, int, LocalTime t) -> std::optional<LocalTime> {
        if (++calls > 1) return std::nullopt;
        return t + std::chrono::hours{1};
    };
    const auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, slot);
    EXPECT_EQ(s.bookings.size(), 1u);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_NE(s.problems[0].find("no free slot for session 2 of 3"), std::string::npos);
}

TEST(PlanScheduleTest, ReflowMovesOnlySessionsThatBreakSpacing) {
    const auto p = plan_with({comp(ComponentKind::PhysicalTherapy, 11, 2, 2, {}, 45, 2)});
    const Diary d;
    auto s = generate_schedule(p, {parse_local_date("2026-03-02")}, d).bookings;
    ASSERT_EQ(s.size(), 4u);  // Mon 2, Thu 5, Mon 9, Thu 12
    // Session 2 moves from Thu 5 to Fri 6 14:00: session 3 (Mon 9) still >= 2 days later: kept.
    auto r = reflow_after_move(s, 1, lt("2026-03-06T14:00"), 2, d);
    EXPECT_EQ(fmt_t(r[1].start), "2026-03-06 14:00");
    EXPECT_EQ(fmt_t(r[2].start), "2026-03-09 09:00");
    EXPECT_EQ(fmt_t(r[3].start), "2026-03-12 09:00");
    // Session 2 moves to Mon 9 10:00: session 3 must be >= Wed 11, session 4 >= Fri 13.
    r = reflow_after_move(s, 1, lt("2026-03-09T10:00"), 2, d);
    EXPECT_EQ(fmt_t(r[2].start), "2026-03-11 09:00");
    EXPECT_EQ(fmt_t(r[3].start), "2026-03-13 09:00");
    EXPECT_EQ(nlohmann::json(r[3])["start"], "2026-03-13 09:00");
}

}  // namespace
}  // namespace vertebra::core::plans
