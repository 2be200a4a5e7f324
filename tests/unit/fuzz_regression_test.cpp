// Regression tests for what the libFuzzer targets found (docs/testing.md, "Long runs and
// findings"): each input used to end as a crash, undefined behaviour, a leak, or an exception
// other than vertebra::Error; now each is a clear Invalid naming the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>

#include "vertebra/billing/catalog.hpp"
#include "vertebra/billing/visit_billing.hpp"
#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/plans/icd10.hpp"
#include "vertebra/plans/templates.hpp"
#include "vertebra/plugin_api/forms.hpp"
#include "vertebra/plugin_api/rule_data.hpp"
#include "vertebra/scheduling/recurrence.hpp"

namespace vertebra::core {
namespace {

using nlohmann::json;

/// Runs `f` and returns the Invalid error's field; fails the test for anything else.
template <class F>
std::string invalid_field(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid) << e.what();
        return e.field();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a vertebra::Error: " << e.what();
        return "<other exception>";
    }
    ADD_FAILURE() << "accepted";
    return "<accepted>";
}

// fuzz_bill: a number beyond double is out_of_range in nlohmann's parser, not a parse_error.
TEST(FuzzRegression, VisitNumberBeyondDoubleIsInvalidInput) {
    EXPECT_EQ(invalid_field([] { billing::parse_visit_json(R"({"date":"2026-03-02","x":1e400})"); }),
              "input");
}

// fuzz_bill: two items of INT_MAX minutes overflowed the pooled total (UBSan, timed_units.cpp).
TEST(FuzzRegression, HugeTimedMinutesAreRefusedNotSummedIntoOverflow) {
    const auto rules = billing::load_core_rules(parse_local_date("2026-03-02", "date"));
    const int big = std::numeric_limits<int>::max();
    std::vector<billing::VisitItem> items{{"97110", big}, {"97112", big}};
    for (const char* payer : {"medicare", "commercial"})
        EXPECT_EQ(invalid_field([&] { billing::bill_items(items, rules.payer(payer), rules); }),
                  "minutes");
    // Within a day is fine.
    std::vector<billing::VisitItem> ok{{"97110", 720}, {"97112", 720}};
    EXPECT_NO_THROW(billing::bill_items(ok, rules.payer("medicare"), rules));
}

// fuzz_rrule: "RSCALE=..." leaked libical's strdup'd copy on every call (LeakSanitizer); the
// ASan build checks that it no longer does.
TEST(FuzzRegression, RruleWithRscaleDoesNotLeak) {
    const LocalTime start = LocalTime{LocalDate{date::year{2026} / 3 / 2}} + std::chrono::hours{9};
    for (const char* rule : {"FREQ=DAILY;COUNT=3;RSCALE=GREGORIAN", "RSCALE=THDAY=", "FREQ=WEEKLY;RSCALE=X"}) {
        try {
            (void)expand_rrule(rule, start);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Invalid);
            EXPECT_EQ(e.field(), "repeat");
        }
    }
}

// fuzz_rrule: libical gave dates out of order for a numbered BYDAY under FREQ=WEEKLY.
TEST(FuzzRegression, RruleDatesOutOfOrderAreInvalid) {
    const LocalTime start = LocalTime{LocalDate{date::year{2026} / 3 / 2}} + std::chrono::hours{9};
    try {
        const auto out = expand_rrule("FREQ=WEEKLY;BYDAY=53MO,WE;COUNT=18", start);
        for (std::size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1], out[i]);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "repeat");
    }
}

// The data-file parsers: a JSON type error deep inside is Invalid, not nlohmann's type_error.
TEST(FuzzRegression, DataFileTypeErrorsAreInvalid) {
    EXPECT_NE(invalid_field([] {
                  plans::parse_plan_template(
                      json{{"id", "t"}, {"name", "T"}, {"cause", "herniated_disc"}, {"review_every_weeks", "4"}},
                      "t.json");
              }),
              "<accepted>");
    EXPECT_NE(invalid_field([] {
                  plans::Icd10Table::parse(
                      json{{"code_set_start", "2015-10-01"},
                           {"codes", {{{"code", "M54.5"}, {"descriptor", "x"}, {"periods", {{{"effective_from", "2015-10-01"}, {"billable", "yes"}}}}}}}},
                      "icd.json");
              }),
              "<accepted>");
    EXPECT_EQ(invalid_field([] {
                  billing::CodeCatalog c;
                  c.add_from_json(json{{{"code", "1"}, {"max_units_per_day", "many"}}}, "fuzz");
              }),
              "codes");
    EXPECT_EQ(invalid_field([] {
                  billing::parse_payer("p", json{{"timed_method", "medicare"}, {"discipline_modifiers", {{"pt", 5}}}});
              }),
              "payers");
    EXPECT_NE(invalid_field([] {
                  json{{"id", "f"}, {"title", "F"}, {"kind", "intake"}, {"fields", 7}}.get<plugin_api::FormSchema>();
              }),
              "<accepted>");
    EXPECT_NE(invalid_field([] {
                  plugin_api::RuleSet::from_json(json{{"name", "x"}, {"versions", {{{"effective_from", 5}, {"data", {}}}}}},
                                                 "x.json");
              }),
              "<accepted>");
}

}  // namespace
}  // namespace vertebra::core
