// ICD-10-CM diagnosis codes as effective-dated data, validated by date of service (RULES.md §8).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"

namespace vertebra::core::plans {

/// One period of a code's life: [from, to) with to open when unset.
struct Icd10Period {
    LocalDate from;
    std::optional<LocalDate> to;
    bool billable = true;
    bool covers(LocalDate d) const { return from <= d && (!to || d < *to); }
};

struct Icd10Entry {
    std::string code;        ///< with the dot: "M54.50"
    std::string descriptor;  ///< "Low back pain, unspecified"
    std::vector<Icd10Period> periods;
    std::vector<std::string> use_instead;              ///< hint when not billable
    std::map<std::string, std::string> seventh_characters;  ///< "A" -> "initial encounter"
    std::vector<std::string> excludes1;                ///< code prefixes not coded together
    bool unverified = false;  ///< descriptor or dates not yet confirmed in the NCHS text
    std::string note;
};

/// A code accepted for a date of service.
struct Icd10Code {
    std::string code;
    std::string descriptor;
    bool unverified = false;
    bool operator==(const Icd10Code&) const = default;
};

/// The outcome of checking one code: ok, or a message for the clinician and suggested codes.
struct Icd10Check {
    bool ok = false;
    Icd10Code code;                    ///< normalised code (and descriptor if known)
    std::string message;               ///< why it is refused (empty when ok)
    std::vector<std::string> suggestions;
};

/// US federal fiscal year of a date: FY N runs 1 October N-1 to 30 September N.
int fiscal_year(LocalDate d);

/// Upper-cases, trims and inserts the dot ("m545" -> "M54.5"); returns "" if not code-shaped.
std::string normalize_icd10(const std::string& text);

class Icd10Table {
public:
    /// Parses {"name", "code_set_start", "codes": [...]} (shape in docs/plans.md). Invalid,
    /// naming the entry and field, for malformed data.
    static Icd10Table parse(const nlohmann::json& j, const std::string& origin = "icd10 table");
    static Icd10Table load(const std::filesystem::path& path);
    /// core/data/icd10/icd10cm_back_pain.json from the data directory, loaded once.
    static const Icd10Table& shipped();

    const Icd10Entry* find(const std::string& normalized_code) const;
    const std::map<std::string, Icd10Entry>& entries() const { return entries_; }
    LocalDate code_set_start() const { return code_set_start_; }

    /// Checks a code for a date of service; never throws for bad codes (see validate()).
    Icd10Check check(const std::string& code, LocalDate date_of_service) const;
    /// check() that throws Error(Invalid, message with hints, field "diagnosis") when refused.
    Icd10Code validate(const std::string& code, LocalDate date_of_service) const;

private:
    std::vector<std::string> billable_children(const std::string& code, LocalDate d) const;
    bool billable_on(const std::string& code, LocalDate d) const;

    std::map<std::string, Icd10Entry> entries_;
    LocalDate code_set_start_;
};

/// Validates against the shipped table. Throws Invalid (field "diagnosis") with hints.
Icd10Code validate_icd10(const std::string& code, LocalDate date_of_service);

/// Where shipped data lives: core::shipped_data_dir() ($VERTEBRA_DATA_DIR; the installed layout
/// next to the program; the source tree's core/data; ${prefix}/share/vertebra).
std::filesystem::path plans_data_dir();

}  // namespace vertebra::core::plans
