// Form schemas: body regions, the pure validator of filled forms, schema checks and JSON mapping.
#include "vertebra/plugin_api/forms.hpp"

#include <limits>
#include <type_traits>

#include <algorithm>
#include <cmath>
#include <set>

#include "api_util.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::plugin_api {

using detail::format_number;
using detail::join;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const char* const kTypeNames[] = {"number", "integer",  "choice", "multi_choice",
                                  "yes_no", "date",     "text",   "body_regions"};

std::string label_of(const FormField& f) { return f.label.empty() ? f.key : f.label; }

std::vector<std::string> choice_values(const FormField& f) {
    std::vector<std::string> out;
    for (const auto& c : f.choices) out.push_back(c.value);
    return out;
}

std::vector<std::string> allowed_regions(const FormField& f) {
    if (!f.regions.empty()) return f.regions;
    std::vector<std::string> all = spinal_regions();
    const auto& extra = extraspinal_regions();
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
}

std::string range_text(const FormField& f) {
    const std::string unit = f.unit.empty() ? "" : " " + f.unit;
    if (f.min && f.max) return "between " + format_number(*f.min) + " and " + format_number(*f.max) + unit;
    if (f.min) return "at least " + format_number(*f.min) + unit;
    return "at most " + format_number(*f.max) + unit;
}

// Checks an array of distinct strings drawn from `allowed`; appends errors.
void check_string_set(const FormField& f, const nlohmann::json& v,
                      const std::vector<std::string>& allowed, const char* what,
                      std::vector<FieldError>& errors) {
    const std::string label = label_of(f);
    if (!v.is_array()) {
        errors.push_back({f.key, label + " must be a list of " + what});
        return;
    }
    if (v.empty() && f.required) {
        errors.push_back({f.key, label + " is required: choose at least one"});
        return;
    }
    std::set<std::string> seen;
    for (const auto& item : v) {
        if (!item.is_string()) {
            errors.push_back({f.key, label + " must be a list of " + what});
            return;
        }
        const auto s = item.get<std::string>();
        if (!contains(allowed, s)) {
            errors.push_back({f.key, label + ": '" + s + "' is not one of: " + join(allowed)});
        } else if (!seen.insert(s).second) {
            errors.push_back({f.key, label + ": '" + s + "' is listed twice"});
        }
    }
}

void check_value(const FormField& f, const nlohmann::json& v, std::vector<FieldError>& errors) {
    const std::string label = label_of(f);
    switch (f.type) {
        case FieldType::Number:
        case FieldType::Integer: {
            const bool is_int = f.type == FieldType::Integer;
            if (!v.is_number() ||
                (is_int && !v.is_number_integer() &&
                 std::floor(v.get<double>()) != v.get<double>())) {
                errors.push_back({f.key, label + " must be " + (is_int ? "a whole number" : "a number")});
                return;
            }
            const double x = v.get<double>();
            if ((f.min && x < *f.min) || (f.max && x > *f.max)) {
                errors.push_back({f.key, label + " must be " + range_text(f) + " (got " +
                                             format_number(x) + ")"});
            }
            return;
        }
        case FieldType::Choice: {
            if (!v.is_string()) {
                errors.push_back({f.key, label + " must be one of: " + join(choice_values(f))});
                return;
            }
            const auto s = v.get<std::string>();
            if (s.empty() && f.required) {
                errors.push_back({f.key, label + " is required"});
            } else if (!s.empty() && !contains(choice_values(f), s)) {
                errors.push_back({f.key, label + ": '" + s + "' is not one of: " +
                                             join(choice_values(f))});
            }
            return;
        }
        case FieldType::MultiChoice:
            check_string_set(f, v, choice_values(f), "choices", errors);
            return;
        case FieldType::BodyRegions:
            check_string_set(f, v, allowed_regions(f), "body regions", errors);
            return;
        case FieldType::YesNo:
            if (!v.is_boolean()) errors.push_back({f.key, label + " must be yes or no (true/false)"});
            return;
        case FieldType::Date:
            if (!v.is_string() || !detail::parse_iso_date(v.get<std::string>())) {
                errors.push_back({f.key, label + " must be a date as YYYY-MM-DD"});
            }
            return;
        case FieldType::Text: {
            if (!v.is_string()) {
                errors.push_back({f.key, label + " must be text"});
                return;
            }
            const auto s = v.get<std::string>();
            if (f.required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
                errors.push_back({f.key, label + " is required"});
            } else if (f.max_length > 0 && static_cast<int>(s.size()) > f.max_length) {
                errors.push_back({f.key, label + " must be at most " +
                                             std::to_string(f.max_length) + " characters"});
            }
            return;
        }
    }
}

}  // namespace

bool is_spinal_region(const std::string& region) { return contains(spinal_regions(), region); }
bool is_extraspinal_region(const std::string& region) {
    return contains(extraspinal_regions(), region);
}

const char* to_string(FieldType t) { return kTypeNames[static_cast<int>(t)]; }

FieldType field_type_from_string(const std::string& s) {
    for (int i = 0; i < 8; ++i) {
        if (s == kTypeNames[i]) return static_cast<FieldType>(i);
    }
    std::vector<std::string> names(std::begin(kTypeNames), std::end(kTypeNames));
    throw invalid("type", "unknown field type '" + s + "' (expected one of: " + join(names) + ")");
}

const FormField* FormSchema::field(const std::string& key) const {
    for (const auto& f : fields) {
        if (f.key == key) return &f;
    }
    return nullptr;
}

std::vector<FieldError> validate_form(const FormSchema& schema, const nlohmann::json& values) {
    std::vector<FieldError> errors;
    if (!values.is_object()) {
        errors.push_back({"", "The " + (schema.title.empty() ? schema.id : schema.title) +
                                  " form must be a JSON object of field values"});
        return errors;
    }
    for (const auto& f : schema.fields) {
        auto it = values.find(f.key);
        if (it == values.end() || it->is_null()) {
            if (f.required) errors.push_back({f.key, label_of(f) + " is required"});
            continue;
        }
        check_value(f, *it, errors);
    }
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (!schema.field(it.key())) {
            errors.push_back({it.key(), "'" + it.key() + "' is not a field of the " +
                                            (schema.title.empty() ? schema.id : schema.title) +
                                            " form"});
        }
    }
    return errors;
}

std::vector<std::string> check_schema(const FormSchema& schema) {
    std::vector<std::string> problems;
    const std::string name = "form '" + schema.id + "'";
    if (schema.id.empty()) problems.push_back("a form has no id");
    std::set<std::string> keys;
    for (const auto& f : schema.fields) {
        if (f.key.empty()) {
            problems.push_back(name + ": a field has no key");
            continue;
        }
        const std::string where = name + ", field '" + f.key + "'";
        if (!keys.insert(f.key).second) problems.push_back(where + ": key is used twice");
        if ((f.type == FieldType::Choice || f.type == FieldType::MultiChoice)) {
            if (f.choices.empty()) problems.push_back(where + ": a choice field needs choices");
            std::set<std::string> values;
            for (const auto& c : f.choices) {
                if (c.value.empty()) problems.push_back(where + ": a choice has an empty value");
                if (!values.insert(c.value).second) {
                    problems.push_back(where + ": choice '" + c.value + "' appears twice");
                }
            }
        }
        if (f.min && f.max && *f.min > *f.max) {
            problems.push_back(where + ": min " + format_number(*f.min) + " is above max " +
                               format_number(*f.max));
        }
        if (f.type == FieldType::BodyRegions) {
            for (const auto& r : f.regions) {
                if (!is_spinal_region(r) && !is_extraspinal_region(r)) {
                    problems.push_back(where + ": unknown body region '" + r + "'");
                }
            }
        }
    }
    return problems;
}

void to_json(nlohmann::json& j, const FormField& f) {
    j = nlohmann::json{{"key", f.key}, {"label", f.label}, {"type", to_string(f.type)},
                       {"required", f.required}};
    if (!f.unit.empty()) j["unit"] = f.unit;
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (!f.choices.empty()) {
        auto& arr = j["choices"] = nlohmann::json::array();
        for (const auto& c : f.choices) arr.push_back({{"value", c.value}, {"label", c.label}});
    }
    if (f.type == FieldType::BodyRegions) j["regions"] = allowed_regions(f);
    if (f.max_length > 0) j["max_length"] = f.max_length;
    if (!f.help.empty()) j["help"] = f.help;
}

namespace {

template <class T>
T member(const nlohmann::json& j, const char* key, const std::string& where, T fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    // nlohmann converts any number to an integer by a plain cast, undefined when it does not
    // fit (1e300, found by fuzz_form): integers go through the range-checked reader.
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (it->is_number()) return json_integer<T>(*it, where + "." + key);
    }
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw invalid(where + "." + key, "has the wrong type");
    }
}

}  // namespace

void from_json(const nlohmann::json& j, FormField& f) {
    if (!j.is_object()) throw invalid("fields", "each field must be a JSON object");
    f.key = member<std::string>(j, "key", "field", "");
    const std::string where = "fields." + (f.key.empty() ? std::string("?") : f.key);
    if (f.key.empty()) throw invalid(where + ".key", "is missing");
    f.label = member<std::string>(j, "label", where, f.key);
    try {
        f.type = field_type_from_string(member<std::string>(j, "type", where, "text"));
    } catch (const Error& e) {
        throw invalid(where + ".type", e.what());
    }
    f.required = member<bool>(j, "required", where, false);
    f.unit = member<std::string>(j, "unit", where, "");
    if (j.contains("min") && !j["min"].is_null()) f.min = member<double>(j, "min", where, 0);
    if (j.contains("max") && !j["max"].is_null()) f.max = member<double>(j, "max", where, 0);
    f.choices.clear();
    if (auto it = j.find("choices"); it != j.end()) {
        if (!it->is_array()) throw invalid(where + ".choices", "must be a list");
        for (const auto& c : *it) {
            if (c.is_string()) {
                f.choices.push_back({c.get<std::string>(), c.get<std::string>()});
            } else if (c.is_object()) {
                Choice ch{member<std::string>(c, "value", where + ".choices", ""), ""};
                ch.label = member<std::string>(c, "label", where + ".choices", ch.value);
                f.choices.push_back(ch);
            } else {
                throw invalid(where + ".choices", "each choice must be a string or {value, label}");
            }
        }
    }
    f.regions = member<std::vector<std::string>>(j, "regions", where, {});
    f.max_length = member<int>(j, "max_length", where, 0);
    f.help = member<std::string>(j, "help", where, "");
}

void to_json(nlohmann::json& j, const FormSchema& s) {
    j = nlohmann::json{{"id", s.id}, {"title", s.title}, {"kind", s.kind},
                       {"fields", nlohmann::json::array()}};
    for (const auto& f : s.fields) j["fields"].push_back(f);
}

void from_json(const nlohmann::json& j, FormSchema& s) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the form schema, never nlohmann's own exception.
    try {
        [&] {
            if (!j.is_object()) throw invalid("form", "must be a JSON object");
            s.id = member<std::string>(j, "id", "form", "");
            if (s.id.empty()) throw invalid("form.id", "is missing");
            s.title = member<std::string>(j, "title", "form", s.id);
            s.kind = member<std::string>(j, "kind", "form", "");
            s.fields.clear();
            auto it = j.find("fields");
            if (it == j.end() || !it->is_array()) throw invalid("form.fields", "must be a list of fields");
            for (const auto& fj : *it) {
                FormField f;
                from_json(fj, f);
                s.fields.push_back(std::move(f));
            }
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid("form", std::string("malformed form schema: ") + e.what());
    }
}

}  // namespace vertebra::plugin_api
