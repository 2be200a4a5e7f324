// Outcome-measure configuration: the shipped defaults (as JSON data) and their validation.
#include <cmath>
#include <string>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"
#include "vertebra/outcomes/measures.hpp"

namespace vertebra::core::outcomes {

namespace {

// RULES.md §7 defaults. Kept as JSON so that a clinic's override file has exactly this shape.
// RMDQ severity bands are a documented clinic choice (docs/outcomes.md), not a published cut-off.
constexpr const char* kDefaultConfig = R"json({
  "odi": {
    "bands": [
      {"name": "minimal", "upper": 20},
      {"name": "moderate", "upper": 40},
      {"name": "severe", "upper": 60},
      {"name": "crippled", "upper": 80},
      {"name": "bed-bound", "upper": 100}
    ],
    "max_missing_sections": 2,
    "rounding": "half_up",
    "mcid": {"absolute_points": 10, "relative_fraction": 0.30}
  },
  "nrs": {
    "bands": [
      {"name": "none", "upper": 0},
      {"name": "mild", "upper": 3},
      {"name": "moderate", "upper": 6},
      {"name": "severe", "upper": 10}
    ],
    "mcid": {"absolute_points": 2, "relative_fraction": 0.30}
  },
  "rmdq": {
    "bands": [
      {"name": "minimal", "upper": 4},
      {"name": "mild", "upper": 10},
      {"name": "moderate", "upper": 16},
      {"name": "severe", "upper": 24}
    ],
    "mcid": {"absolute_points": 5, "relative_fraction": 0.30}
  }
})json";

const nlohmann::json& section(const nlohmann::json& j, const char* name) {
    if (!j.is_object() || !j.contains(name) || !j.at(name).is_object())
        throw invalid(name, "missing section in outcome configuration");
    return j.at(name);
}

std::vector<Band> parse_bands(const nlohmann::json& s, const std::string& measure, double max) {
    const std::string field = measure + ".bands";
    if (!s.contains("bands") || !s.at("bands").is_array() || s.at("bands").empty())
        throw invalid(field, "a non-empty list of {name, upper} is required");
    std::vector<Band> out;
    for (const auto& b : s.at("bands")) {
        if (!b.is_object() || !b.contains("name") || !b.at("name").is_string() ||
            !b.contains("upper") || !b.at("upper").is_number())
            throw invalid(field, "each band needs a text \"name\" and a numeric \"upper\"");
        Band band{b.at("name").get<std::string>(), b.at("upper").get<double>()};
        if (band.name.empty()) throw invalid(field, "a band name is empty");
        if (band.upper < 0 || band.upper > max)
            throw invalid(field, "band \"" + band.name + "\" upper limit is outside the scale");
        if (!out.empty() && band.upper <= out.back().upper)
            throw invalid(field, "bands must be in ascending order of their upper limit");
        out.push_back(std::move(band));
    }
    if (out.back().upper != max)
        throw invalid(field, "the last band must reach the scale maximum " +
                                 std::to_string(static_cast<int>(max)));
    return out;
}

McidThreshold parse_mcid(const nlohmann::json& s, const std::string& measure) {
    const std::string field = measure + ".mcid";
    if (!s.contains("mcid") || !s.at("mcid").is_object())
        throw invalid(field, "{absolute_points, relative_fraction} is required");
    const auto& m = s.at("mcid");
    McidThreshold t;
    if (!m.contains("absolute_points") || !m.at("absolute_points").is_number() ||
        !m.contains("relative_fraction") || !m.at("relative_fraction").is_number())
        throw invalid(field, "absolute_points and relative_fraction must both be numbers");
    t.absolute_points = m.at("absolute_points").get<double>();
    t.relative_fraction = m.at("relative_fraction").get<double>();
    if (t.absolute_points <= 0) throw invalid(field + ".absolute_points", "must be above 0");
    if (t.relative_fraction <= 0 || t.relative_fraction > 1)
        throw invalid(field + ".relative_fraction", "must be a fraction in (0, 1], e.g. 0.30");
    return t;
}

nlohmann::json bands_json(const std::vector<Band>& bands) {
    auto a = nlohmann::json::array();
    for (const auto& b : bands) a.push_back({{"name", b.name}, {"upper", b.upper}});
    return a;
}

nlohmann::json mcid_json(const McidThreshold& t) {
    return {{"absolute_points", t.absolute_points}, {"relative_fraction", t.relative_fraction}};
}

}  // namespace

const McidThreshold& OutcomeConfig::mcid(Measure m) const {
    switch (m) {
        case Measure::Odi: return odi_mcid;
        case Measure::Nrs: return nrs_mcid;
        case Measure::Rmdq: return rmdq_mcid;
    }
    return nrs_mcid;
}

OutcomeConfig parse_outcome_config(const nlohmann::json& j) {
    OutcomeConfig c;
    const auto& odi = section(j, "odi");
    c.odi_bands = parse_bands(odi, "odi", 100);
    c.odi_mcid = parse_mcid(odi, "odi");
    c.odi_max_missing_sections = json_integer_member<int>(odi, "max_missing_sections", 2);
    if (c.odi_max_missing_sections < 0 || c.odi_max_missing_sections > 9)
        throw invalid("odi.max_missing_sections", "must be 0-9 (at least one section answered)");
    const std::string rounding = odi.value("rounding", std::string("half_up"));
    if (rounding == "half_up")
        c.odi_rounding = Rounding::HalfUp;
    else if (rounding == "truncate")
        c.odi_rounding = Rounding::Truncate;
    else
        throw invalid("odi.rounding", "must be \"half_up\" or \"truncate\", not \"" + rounding + "\"");

    const auto& nrs = section(j, "nrs");
    c.nrs_bands = parse_bands(nrs, "nrs", 10);
    c.nrs_mcid = parse_mcid(nrs, "nrs");
    const auto& rmdq = section(j, "rmdq");
    c.rmdq_bands = parse_bands(rmdq, "rmdq", 24);
    c.rmdq_mcid = parse_mcid(rmdq, "rmdq");
    return c;
}

nlohmann::json to_json(const OutcomeConfig& c) {
    return {
        {"odi",
         {{"bands", bands_json(c.odi_bands)},
          {"max_missing_sections", c.odi_max_missing_sections},
          {"rounding", c.odi_rounding == Rounding::HalfUp ? "half_up" : "truncate"},
          {"mcid", mcid_json(c.odi_mcid)}}},
        {"nrs", {{"bands", bands_json(c.nrs_bands)}, {"mcid", mcid_json(c.nrs_mcid)}}},
        {"rmdq", {{"bands", bands_json(c.rmdq_bands)}, {"mcid", mcid_json(c.rmdq_mcid)}}},
    };
}

const OutcomeConfig& default_outcome_config() {
    static const OutcomeConfig config = parse_outcome_config(nlohmann::json::parse(kDefaultConfig));
    return config;
}

}  // namespace vertebra::core::outcomes
