// ICD-10-CM validation by date of service against the shipped effective-dated table (RULES.md §8).
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/plans/icd10.hpp"

namespace vertebra::core::plans {
namespace {

LocalDate day(const char* s) { return parse_local_date(s); }

struct Icd10Case {
    std::string code;
    std::string date;
    bool ok;
    std::string message_part;                // for refusals
    std::vector<std::string> suggestions;    // expected suggestions, in order
};

class Icd10ValidationTest : public testing::TestWithParam<Icd10Case> {};

TEST_P(Icd10ValidationTest, ChecksByDateOfService) {
    const auto& c = GetParam();
    const auto r = Icd10Table::shipped().check(c.code, day(c.date.c_str()));
    EXPECT_EQ(r.ok, c.ok) << r.message;
    if (!c.ok) {
        EXPECT_NE(r.message.find(c.message_part), std::string::npos) << r.message;
        EXPECT_EQ(r.suggestions, c.suggestions) << r.message;
    } else {
        EXPECT_TRUE(r.message.empty());
        EXPECT_FALSE(r.code.descriptor.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Icd10ValidationTest,
    testing::Values(
        // M54.5: billable through FY2021, parent from 1 Oct 2021.
        Icd10Case{"M54.5", "2021-09-30", true, "", {}},
        Icd10Case{"M54.5", "2021-10-01", false, "not billable for dates of service from 2021-10-01 (FY2022)",
                  {"M54.50", "M54.51", "M54.59"}},
        Icd10Case{"M54.5", "2026-03-02", false, "use M54.50, M54.51 or M54.59",
                  {"M54.50", "M54.51", "M54.59"}},
        Icd10Case{"M54.50", "2021-10-01", true, "", {}},
        Icd10Case{"M54.50", "2021-09-30", false, "valid only for dates of service from 2021-10-01 (FY2022)",
                  {"M54.5"}},
        Icd10Case{"m5451", "2024-01-10", true, "", {}},
        // M51.36 / M51.37: parents since FY2025.
        Icd10Case{"M51.36", "2024-09-30", true, "", {}},
        Icd10Case{"M51.36", "2024-10-01", false, "(FY2025): it is a parent code",
                  {"M51.360", "M51.361", "M51.362", "M51.369"}},
        Icd10Case{"M51.37", "2025-02-01", false, "use M51.370, M51.371, M51.372 or M51.379",
                  {"M51.370", "M51.371", "M51.372", "M51.379"}},
        Icd10Case{"M51.370", "2024-10-01", true, "", {}},
        Icd10Case{"M51.362", "2024-09-30", false, "from 2024-10-01 (FY2025)", {"M51.36"}},
        // M48.06: parent (since FY2018).
        Icd10Case{"M48.06", "2025-01-15", false, "it is a parent code", {"M48.061", "M48.062"}},
        Icd10Case{"M48.062", "2025-01-15", true, "", {}},
        // S39.012 needs its 7th character.
        Icd10Case{"S39.012", "2025-01-15", false, "needs a 7th character: A (initial encounter), D (subsequent encounter) or S (sequela)",
                  {"S39.012A", "S39.012D", "S39.012S"}},
        Icd10Case{"S39.012A", "2025-01-15", true, "", {}},
        Icd10Case{"s39012d", "2025-01-15", true, "", {}},
        Icd10Case{"S39.012X", "2025-01-15", false, "7th character X is not valid for S39.012", {}},
        // Non-radiographic axial spondyloarthritis exists from FY2022.
        Icd10Case{"M45.A6", "2021-10-01", true, "", {}},
        Icd10Case{"M45.A6", "2021-09-30", false, "from 2021-10-01", {}},
        // A category is not a code.
        Icd10Case{"M48", "2025-01-15", false, "is a category", {"M48.061", "M48.062", "M48.07"}},
        // Malformed and unknown.
        Icd10Case{"54.5", "2025-01-15", false, "is not an ICD-10-CM code", {}},
        Icd10Case{"M5.45", "2025-01-15", false, "is not an ICD-10-CM code", {}},
        Icd10Case{"Z99.89", "2025-01-15", false, "not in the clinic's ICD-10-CM table", {}},
        Icd10Case{"M54.50", "2015-09-30", false, "ICD-10-CM applies to dates of service from 2015-10-01", {}}));

TEST(Icd10ValidationTest, ValidateThrowsInvalidNamingDiagnosis) {
    try {
        validate_icd10("M54.5", day("2022-01-03"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "diagnosis");
        EXPECT_NE(std::string(e.what()).find("M54.50"), std::string::npos);
    }
    const auto ok = validate_icd10(" m54.59 ", day("2022-01-03"));
    EXPECT_EQ(ok.code, "M54.59");
    EXPECT_EQ(ok.descriptor, "Other low back pain");
    EXPECT_EQ(validate_icd10("S39.012A", day("2022-01-03")).descriptor,
              "Strain of muscle, fascia and tendon of lower back, initial encounter");
}

TEST(Icd10TableTest, FiscalYearStartsFirstOfOctober) {
    EXPECT_EQ(fiscal_year(day("2021-09-30")), 2021);
    EXPECT_EQ(fiscal_year(day("2021-10-01")), 2022);
    EXPECT_EQ(fiscal_year(day("2024-12-31")), 2025);
}

TEST(Icd10TableTest, NormalizesCodeText) {
    EXPECT_EQ(normalize_icd10("m545"), "M54.5");
    EXPECT_EQ(normalize_icd10("G89.4"), "G89.4");
    EXPECT_EQ(normalize_icd10("M48"), "M48");
    EXPECT_EQ(normalize_icd10("M4.806"), "");
    EXPECT_EQ(normalize_icd10("M54.5.0"), "");
    EXPECT_EQ(normalize_icd10("M54.50123"), "");
}

TEST(Icd10TableTest, ShippedTableCoversEveryCodeOfRules) {
    const auto& t = Icd10Table::shipped();
    for (const char* c : {"M54.5", "M54.50", "M54.51", "M54.59", "M54.16", "M54.17", "M51.26",
                          "M51.27", "M51.36", "M51.360", "M51.361", "M51.362", "M51.369", "M51.37",
                          "M51.370", "M51.371", "M51.372", "M51.379", "M48.061", "M48.062",
                          "M47.816", "M47.817", "M79.7", "S39.012", "G89.29", "G89.4", "M45.9",
                          "M41.26", "M41.126", "M99.03"})
        EXPECT_NE(t.find(c), nullptr) << c;
}

TEST(Icd10TableTest, RefusesMalformedData) {
    auto base = nlohmann::json::parse(R"({"code_set_start": "2015-10-01", "codes": []})");
    auto with = [&](nlohmann::json entry) {
        auto j = base;
        j["codes"].push_back(entry);
        return j;
    };
    EXPECT_NO_THROW(Icd10Table::parse(with({{"code", "M54.50"}, {"descriptor", "x"},
                                            {"periods", {{{"effective_from", "2021-10-01"}}}}})));
    EXPECT_THROW(Icd10Table::parse(with({{"code", "M5450"}, {"descriptor", "x"},
                                         {"periods", {{{"effective_from", "2021-10-01"}}}}})),
                 Error);
    EXPECT_THROW(Icd10Table::parse(with({{"code", "M54.50"}, {"descriptor", "x"},
                                         {"periods", nlohmann::json::array()}})),
                 Error);
    EXPECT_THROW(Icd10Table::parse(with({{"code", "M54.50"}, {"descriptor", "x"},
                                         {"periods", {{{"effective_from", "2021-13-01"}}}}})),
                 Error);
    EXPECT_THROW(Icd10Table::parse(with({{"code", "M54.5"}, {"descriptor", "x"},
                                         {"periods", {{{"effective_from", "2015-10-01"}}}},
                                         {"use_instead", {"M54.99"}}})),
                 Error);
    // Overlapping periods.
    EXPECT_THROW(Icd10Table::parse(with({{"code", "M54.5"}, {"descriptor", "x"},
                                         {"periods", {{{"effective_from", "2015-10-01"}},
                                                      {{"effective_from", "2021-10-01"}}}}})),
                 Error);
}

}  // namespace
}  // namespace vertebra::core::plans
