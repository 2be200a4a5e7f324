// JSON form of outcome observations (storage and CLI output).
#include <sstream>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"
#include "vertebra/outcomes/measures.hpp"

namespace vertebra::core::outcomes {

Instant parse_utc(const std::string& text, const std::string& field) {
    std::istringstream in(text);
    Instant t;
    in >> date::parse("%Y-%m-%dT%H:%M:%SZ", t);
    if (in.fail() || in.peek() != std::char_traits<char>::eof())
        throw invalid(field, "\"" + text + "\" is not a UTC time like 2026-03-02T09:00:00Z");
    return t;
}

void to_json(nlohmann::json& j, const Observation& o) {
    auto answers = nlohmann::json::array();
    bool any = false;
    for (const auto& a : o.odi_answers) {
        answers.push_back(a ? nlohmann::json(*a) : nlohmann::json(nullptr));
        any = any || a.has_value();
    }
    j = {{"id", o.id},
         {"patient_id", o.patient_id},
         {"plan_id", o.plan_id ? nlohmann::json(*o.plan_id) : nlohmann::json(nullptr)},
         {"measure", to_string(o.measure)},
         {"value", o.value},
         {"taken_at", format_utc(o.taken_at)},
         {"recorded_by", o.recorded_by},
         {"note", o.note}};
    if (any) j["odi_answers"] = answers;
}

void from_json(const nlohmann::json& j, Observation& o) {
    o = Observation{};
    o.id = json_integer_member<Id>(j, "id", Id{0});
    o.patient_id = json_integer_member<Id>(j, "patient_id", Id{0});
    if (j.contains("plan_id") && !j.at("plan_id").is_null()) o.plan_id = json_integer<Id>(j.at("plan_id"), "plan_id");
    o.measure = measure_from_string(j.at("measure").get<std::string>());
    o.value = j.at("value").get<double>();
    o.taken_at = parse_utc(j.at("taken_at").get<std::string>(), "taken_at");
    o.recorded_by = j.value("recorded_by", std::string{});
    o.note = j.value("note", std::string{});
    if (j.contains("odi_answers")) {
        const auto& a = j.at("odi_answers");
        if (!a.is_array() || a.size() != 10) throw invalid("odi_answers", "ten entries expected");
        for (std::size_t i = 0; i < 10; ++i)
            if (!a[i].is_null()) o.odi_answers[i] = json_integer<int>(a[i], "odi_answers");
    }
}

}  // namespace vertebra::core::outcomes
