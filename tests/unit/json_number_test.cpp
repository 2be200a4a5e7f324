// json_integer: every whole number core reads from JSON is range-checked instead of cast
// (nlohmann's get<int>() is undefined for 1e300 and silently wraps 2^32 + 1 to 1).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "vertebra/common/json_number.hpp"
#include "vertebra/outcomes/measures.hpp"
#include "vertebra/plans/assessment.hpp"

using namespace vertebra;
using nlohmann::json;

namespace {

template <class T>
std::string refusal(const json& v) {
    try {
        (void)json_integer<T>(v, "f");
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "f");
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST(JsonIntegerTest, TakesWholeNumbersThatFit) {
    EXPECT_EQ(json_integer<int>(json(42), "f"), 42);
    EXPECT_EQ(json_integer<int>(json(-7), "f"), -7);
    EXPECT_EQ(json_integer<int>(json(3.0), "f"), 3);  // a tool that writes 3.0
    EXPECT_EQ(json_integer<int>(json(std::numeric_limits<int>::max()), "f"),
              std::numeric_limits<int>::max());
    EXPECT_EQ(json_integer<int>(json(std::numeric_limits<int>::min()), "f"),
              std::numeric_limits<int>::min());
    EXPECT_EQ(json_integer<std::int64_t>(json(std::numeric_limits<std::int64_t>::max()), "f"),
              std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(json_integer<std::int64_t>(json(std::numeric_limits<std::int64_t>::min()), "f"),
              std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(json_integer<std::uint64_t>(json(std::numeric_limits<std::uint64_t>::max()), "f"),
              std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(json_integer<std::int64_t>(json::parse("-9.223372036854775808e18"), "f"),
              std::numeric_limits<std::int64_t>::min());
}

TEST(JsonIntegerTest, RefusesWhatTheTypeCannotHoldNamingTheField) {
    const std::string int_range = "f: must be a whole number from -2147483648 to 2147483647";
    EXPECT_EQ(refusal<int>(json(2147483648LL)), int_range);
    EXPECT_EQ(refusal<int>(json(4294967297LL)), int_range);  // was read as 1
    EXPECT_EQ(refusal<int>(json(-2147483649LL)), int_range);
    EXPECT_EQ(refusal<int>(json::parse("1e300")), int_range);
    EXPECT_EQ(refusal<int>(json::parse("-1e300")), int_range);
    EXPECT_EQ(refusal<int>(json(2.5)), int_range);
    EXPECT_EQ(refusal<int>(json("3")), int_range);
    EXPECT_EQ(refusal<int>(json(true)), int_range);
    EXPECT_EQ(refusal<int>(json(nullptr)), int_range);
    EXPECT_EQ(refusal<int>(json::array()), int_range);
    EXPECT_NE(refusal<std::int64_t>(json(std::numeric_limits<std::uint64_t>::max())), "accepted");
    EXPECT_NE(refusal<std::int64_t>(json::parse("9.223372036854775808e18")), "accepted");  // 2^63
    EXPECT_NE(refusal<std::int64_t>(json::parse("1e19")), "accepted");
    EXPECT_NE(refusal<std::uint32_t>(json(-1)), "accepted");
    EXPECT_NE(refusal<std::uint64_t>(json(-1.0)), "accepted");
    EXPECT_NE(refusal<std::int16_t>(json(40000)), "accepted");
}

TEST(JsonIntegerTest, MemberFallsBackWhenAbsentOrNullAndRefusesANonObject) {
    const json j = {{"a", 5}, {"n", nullptr}, {"big", 1e300}};
    EXPECT_EQ(json_integer_member<int>(j, "a", 1), 5);
    EXPECT_EQ(json_integer_member<int>(j, "missing", 1), 1);
    EXPECT_EQ(json_integer_member<int>(j, "n", 1), 1);
    try {
        (void)json_integer_member<int>(j, "big", 1, "plan.big");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "plan.big");
    }
    EXPECT_THROW((void)json_integer_member<int>(json::array({1}), "a", 1), Error);
    EXPECT_THROW((void)json_integer_member<int>(json("text"), "a", 1), Error);
}

TEST(JsonIntegerTest, RecordsFromJsonRefuseHugeNumbersInsteadOfCastingThem) {
    // An assessment file (vertebra-cli assess --file) and a stored score with numbers no int holds.
    json a = {{"assessed_on", "2026-11-02"}, {"patient_id", 1}, {"duration_weeks", 1e300}};
    try {
        (void)a.get<core::plans::Assessment>();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "duration_weeks");
    }
    a["duration_weeks"] = 12;
    a["patient_id"] = 1e300;
    EXPECT_THROW((void)a.get<core::plans::Assessment>(), Error);
    a["patient_id"] = 1;
    EXPECT_EQ(a.get<core::plans::Assessment>().duration_weeks, 12);

    json o = {{"patient_id", 1}, {"measure", "odi"}, {"value", 20}, {"taken_at", "2026-11-02T09:00:00Z"},
              {"odi_answers", {1, 1, 1, 1, 1, 1, 1, nullptr, 1, 4294967297LL}}};
    try {
        (void)o.get<core::outcomes::Observation>();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "odi_answers");
    }
}
