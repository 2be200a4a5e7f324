// Exact scoring of ODI v2.1a, NRS-11 and RMDQ-24 (RULES.md §7; decisions in docs/outcomes.md).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "vertebra/common/error.hpp"
#include "vertebra/outcomes/measures.hpp"

namespace vertebra::core::outcomes {

namespace {

// Tolerance for comparing one-decimal values with band limits and thresholds.
constexpr double kEpsilon = 1e-9;

std::string band_in(const std::vector<Band>& bands, double value) {
    for (const auto& b : bands)
        if (value <= b.upper + kEpsilon) return b.name;
    return bands.empty() ? std::string{} : bands.back().name;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

const char* to_string(Measure m) {
    switch (m) {
        case Measure::Odi: return "odi";
        case Measure::Nrs: return "nrs";
        case Measure::Rmdq: return "rmdq";
    }
    return "?";
}

Measure measure_from_string(std::string_view s, std::string_view field) {
    const std::string l = lower(s);
    if (l == "odi") return Measure::Odi;
    if (l == "nrs" || l == "nprs") return Measure::Nrs;
    if (l == "rmdq") return Measure::Rmdq;
    throw invalid(std::string(field),
                  "\"" + std::string(s) + "\" is not an outcome measure (odi, nrs or rmdq)");
}

double measure_max(Measure m) {
    switch (m) {
        case Measure::Odi: return 100;
        case Measure::Nrs: return 10;
        case Measure::Rmdq: return 24;
    }
    return 0;
}

const std::array<const char*, 10>& odi_section_names() {
    static const std::array<const char*, 10> names{
        "pain intensity", "personal care", "lifting",   "walking",     "sitting",
        "standing",       "sleeping",      "sex life",  "social life", "travelling"};
    return names;
}

OdiScore score_odi(const OdiAnswers& answers, const OutcomeConfig& config) {
    OdiScore s;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (!answers[i]) continue;
        const int a = *answers[i];
        if (a < 0 || a > 5)
            throw invalid("odi", "section " + std::to_string(i + 1) + " (" +
                                     odi_section_names()[i] + ") answer " + std::to_string(a) +
                                     " is outside 0-5");
        s.sum += a;
        ++s.answered;
    }
    const int missing = 10 - s.answered;
    if (missing > config.odi_max_missing_sections)
        throw invalid("odi", std::to_string(missing) + " of 10 sections are unanswered; at most " +
                                 std::to_string(config.odi_max_missing_sections) +
                                 " may be missing to score the ODI");
    if (s.answered == 0) throw invalid("odi", "no section is answered");
    // percent = sum / (5 * answered) * 100 = 20 * sum / answered; in tenths: 200 * sum / answered.
    const long num = 200L * s.sum;
    const long den = s.answered;
    const long tenths = config.odi_rounding == Rounding::HalfUp ? (2 * num + den) / (2 * den)
                                                                : num / den;
    s.percent = static_cast<double>(tenths) / 10.0;
    s.exact_percent = static_cast<double>(s.sum) * 100.0 / (5.0 * s.answered);
    // Banded on the exact value. With at most 2 missing sections every band limit (20/40/60/80)
    // is either hit exactly or at least 2.2 points away, so the rounded value bands the same.
    s.band = band_in(config.odi_bands, s.exact_percent);
    return s;
}

OdiAnswers parse_odi_answers(const std::vector<std::string>& texts) {
    if (texts.size() != 10)
        throw invalid("odi", "expected 10 section answers (0-5, or - for unanswered), got " +
                                 std::to_string(texts.size()));
    OdiAnswers out{};
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string& t = texts[i];
        if (t == "-") continue;
        int v = 0;
        const auto* end = t.data() + t.size();
        const auto r = std::from_chars(t.data(), end, v);
        if (t.empty() || r.ec != std::errc{} || r.ptr != end)
            throw invalid("odi", "section " + std::to_string(i + 1) + " (" +
                                     odi_section_names()[i] + ") answer \"" + t +
                                     "\" is not a number 0-5 or - for unanswered");
        if (v < 0 || v > 5)
            throw invalid("odi", "section " + std::to_string(i + 1) + " (" +
                                     odi_section_names()[i] + ") answer " + std::to_string(v) +
                                     " is outside 0-5");
        out[i] = v;
    }
    return out;
}

ScaleScore score_nrs(int value, const OutcomeConfig& config) {
    if (value < 0 || value > 10)
        throw invalid("nrs", "pain rating " + std::to_string(value) + " is outside 0-10");
    return {value, band_in(config.nrs_bands, value)};
}

ScaleScore score_rmdq(int value, const OutcomeConfig& config) {
    if (value < 0 || value > 24)
        throw invalid("rmdq", "score " + std::to_string(value) +
                                  " is outside 0-24 (number of statements ticked)");
    return {value, band_in(config.rmdq_bands, value)};
}

int parse_score_integer(std::string_view text, std::string_view field) {
    int v = 0;
    const auto* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != end)
        throw invalid(std::string(field), "\"" + std::string(text) + "\" is not a whole number");
    return v;
}

std::string band_of(Measure m, double value, const OutcomeConfig& config) {
    if (value < 0 || value > measure_max(m) + kEpsilon)
        throw invalid(to_string(m), "value " + std::to_string(value) + " is outside 0-" +
                                        std::to_string(static_cast<int>(measure_max(m))));
    switch (m) {
        case Measure::Odi: return band_in(config.odi_bands, value);
        case Measure::Nrs: return band_in(config.nrs_bands, value);
        case Measure::Rmdq: return band_in(config.rmdq_bands, value);
    }
    return {};
}

void validate_observation(const Observation& o, const OutcomeConfig& config) {
    const std::string field = to_string(o.measure);
    if (o.value < 0 || o.value > measure_max(o.measure) + kEpsilon)
        throw invalid(field, "value " + std::to_string(o.value) + " is outside 0-" +
                                 std::to_string(static_cast<int>(measure_max(o.measure))));
    if (o.measure != Measure::Odi && std::floor(o.value) != o.value)
        throw invalid(field, "must be a whole number");
    if (o.measure == Measure::Odi &&
        std::any_of(o.odi_answers.begin(), o.odi_answers.end(), [](auto a) { return a.has_value(); })) {
        const auto s = score_odi(o.odi_answers, config);
        if (std::abs(s.percent - o.value) > 0.05 + kEpsilon)
            throw invalid(field, "value " + std::to_string(o.value) +
                                     " does not match the section answers (" +
                                     std::to_string(s.percent) + ")");
    }
}

}  // namespace vertebra::core::outcomes
