// Form schemas as data (intake, session note, referral...) and the pure validator of filled forms.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/config.hpp>
#include <nlohmann/json.hpp>

namespace vertebra::plugin_api {

/// Spinal regions as CMT counts them (98940-98942).
inline const std::vector<std::string>& spinal_regions() {
    static const std::vector<std::string> r{"cervical", "thoracic", "lumbar", "sacral", "pelvic"};
    return r;
}
/// Extraspinal regions (98943).
inline const std::vector<std::string>& extraspinal_regions() {
    static const std::vector<std::string> r{"head", "upper_extremity", "lower_extremity",
                                            "rib_cage", "abdomen"};
    return r;
}
bool is_spinal_region(const std::string& region);
bool is_extraspinal_region(const std::string& region);

enum class FieldType {
    Number,       ///< real number; `unit`, `min`, `max` apply
    Integer,      ///< whole number; `unit`, `min`, `max` apply
    Choice,       ///< one of `choices` (a string)
    MultiChoice,  ///< array of distinct strings from `choices`
    YesNo,        ///< boolean
    Date,         ///< "YYYY-MM-DD"
    Text,         ///< free text; `max_length` applies when > 0
    BodyRegions,  ///< array of distinct region names from `regions`
};
const char* to_string(FieldType t);
/// Throws vertebra::Error(Invalid) for an unknown name.
FieldType field_type_from_string(const std::string& s);

struct Choice {
    std::string value;  ///< what is stored ("active")
    std::string label;  ///< what the clinician reads ("Active care")
};

/// One typed field. `key` is the JSON member name in the filled form's object.
struct FormField {
    std::string key;
    std::string label;
    FieldType type = FieldType::Text;
    bool required = false;
    std::string unit;                 ///< Number/Integer: "min", "mg", "mmHg", "/10"...
    std::optional<double> min;        ///< Number/Integer: inclusive lower bound
    std::optional<double> max;        ///< Number/Integer: inclusive upper bound
    std::vector<Choice> choices;      ///< Choice/MultiChoice
    std::vector<std::string> regions; ///< BodyRegions: allowed names; empty = spinal + extraspinal
    int max_length = 0;               ///< Text: 0 = unlimited
    std::string help;                 ///< one line shown under the field
};

/// A form a module offers: the UI renders it, the module's rules read the values.
struct FormSchema {
    std::string id;     ///< unique within the module, e.g. "session_note"
    std::string title;  ///< "Chiropractic session note"
    std::string kind;   ///< "intake", "session_note", "procedure", "referral", ...
    std::vector<FormField> fields;

    const FormField* field(const std::string& key) const;
};

/// One problem with a filled form; `field` is the key ("" for the form as a whole).
struct FieldError {
    std::string field;
    std::string message;  ///< for a clinician: "Pain before must be between 0 and 10 /10"
    bool operator==(const FieldError&) const = default;
};

/// Checks `values` (a JSON object of key -> value) against the schema: required fields present,
/// types, ranges, choices, regions, dates; unknown keys are errors too. Pure; never throws.
std::vector<FieldError> validate_form(const FormSchema& schema, const nlohmann::json& values);

/// Checks the schema itself (unique non-empty keys, choices for choice fields, min <= max, known
/// regions). Returns plain-language problems; empty = valid. The host refuses a module whose
/// forms have problems.
std::vector<std::string> check_schema(const FormSchema& schema);

// JSON form of schemas, so modules may keep them in data files and the UI/CLI can print them.
void to_json(nlohmann::json& j, const FormField& f);
void from_json(const nlohmann::json& j, FormField& f);
void to_json(nlohmann::json& j, const FormSchema& s);
/// Throws vertebra::Error(Invalid) naming the member that is wrong.
void from_json(const nlohmann::json& j, FormSchema& s);

}  // namespace vertebra::plugin_api
