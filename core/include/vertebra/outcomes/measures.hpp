// Outcome measures (ODI v2.1a, NRS-11, RMDQ-24): exact scoring, bands and their configuration.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core::outcomes {

/// The outcome measures Vertebra scores. Lower is better for all three.
enum class Measure { Odi, Nrs, Rmdq };

/// "odi", "nrs", "rmdq".
const char* to_string(Measure m);
/// Accepts the names above (case-insensitive); Invalid naming `field` otherwise.
Measure measure_from_string(std::string_view s, std::string_view field = "measure");

/// A band of a score: the score belongs to the first band whose `upper` (inclusive) it does not
/// exceed. Bands are listed in ascending order; the last must reach the scale's maximum.
struct Band {
    std::string name;
    double upper = 0;
};

/// How the one-decimal ODI percentage is produced from the exact fraction.
enum class Rounding { HalfUp, Truncate };

/// Minimal clinically important difference: improvement counts when the absolute drop reaches
/// `absolute_points`, or the relative drop (baseline - follow-up) / baseline reaches
/// `relative_fraction`. The two are stored and reported separately (RULES.md §7).
struct McidThreshold {
    double absolute_points = 0;
    double relative_fraction = 0;
};

/// Everything about scoring a clinic may configure. default_outcome_config() gives RULES.md §7
/// defaults; parse_outcome_config() reads the same shape from JSON (docs/outcomes.md).
struct OutcomeConfig {
    std::vector<Band> odi_bands;
    int odi_max_missing_sections = 2;
    Rounding odi_rounding = Rounding::HalfUp;
    std::vector<Band> nrs_bands;
    std::vector<Band> rmdq_bands;
    McidThreshold odi_mcid;
    McidThreshold nrs_mcid;
    McidThreshold rmdq_mcid;

    const McidThreshold& mcid(Measure m) const;
};

/// The shipped defaults (the embedded JSON in outcome_config.cpp, parsed once).
const OutcomeConfig& default_outcome_config();
/// Validates bands (ascending, non-empty names, last covers the scale) and thresholds.
/// Errors are Invalid naming the JSON field.
OutcomeConfig parse_outcome_config(const nlohmann::json& j);
nlohmann::json to_json(const OutcomeConfig& c);

/// The ten ODI v2.1a sections in questionnaire order (names for messages).
const std::array<const char*, 10>& odi_section_names();

/// One ODI section answer: 0-5, or nullopt for unanswered / not applicable.
using OdiAnswers = std::array<std::optional<int>, 10>;

struct OdiScore {
    int sum = 0;
    int answered = 0;
    /// Percentage to one decimal, rounded per config (half-up by default).
    double percent = 0;
    /// Exact percentage sum / (5 * answered) * 100, before rounding.
    double exact_percent = 0;
    std::string band;
};

/// Scores ODI v2.1a. Invalid (field "odi", message naming the section) for an answer outside
/// 0-5 or more than `odi_max_missing_sections` unanswered sections.
OdiScore score_odi(const OdiAnswers& answers,
                   const OutcomeConfig& config = default_outcome_config());
/// Parses the CLI/form text of ten answers: "0".."5" or "-" for unanswered. Invalid otherwise.
OdiAnswers parse_odi_answers(const std::vector<std::string>& texts);

struct ScaleScore {
    int score = 0;
    std::string band;
};

/// NRS-11: integer 0-10; Invalid (field "nrs") otherwise.
ScaleScore score_nrs(int value, const OutcomeConfig& config = default_outcome_config());
/// RMDQ-24: integer 0-24 (number of statements ticked); Invalid (field "rmdq") otherwise.
ScaleScore score_rmdq(int value, const OutcomeConfig& config = default_outcome_config());

/// Parses a whole number from text for NRS/RMDQ; Invalid naming `field` for anything else.
int parse_score_integer(std::string_view text, std::string_view field);

/// The band of an already computed value of measure `m` (ODI percent, NRS, RMDQ).
std::string band_of(Measure m, double value, const OutcomeConfig& config = default_outcome_config());

/// Valid range of a measure's value: ODI 0-100, NRS 0-10, RMDQ 0-24.
double measure_max(Measure m);

/// A timed observation: one score of one measure for one patient.
struct Observation {
    Id id = 0;
    Id patient_id = 0;
    std::optional<Id> plan_id;
    Measure measure = Measure::Nrs;
    double value = 0;  ///< ODI percent (one decimal), NRS or RMDQ integer
    Instant taken_at;
    OdiAnswers odi_answers{};  ///< the section answers when measure == Odi
    std::string recorded_by;
    std::string note;
};

/// Checks value range (and, for ODI with answers, that value matches the answers). Invalid.
void validate_observation(const Observation& o, const OutcomeConfig& config = default_outcome_config());

/// JSON with taken_at as ISO 8601 UTC ("2026-03-02T09:00:00Z") and odi_answers as ten
/// entries of 0-5 or null.
void to_json(nlohmann::json& j, const Observation& o);
void from_json(const nlohmann::json& j, Observation& o);
/// Parses "YYYY-MM-DDTHH:MM:SSZ"; Invalid naming `field` otherwise.
Instant parse_utc(const std::string& text, const std::string& field);

}  // namespace vertebra::core::outcomes
