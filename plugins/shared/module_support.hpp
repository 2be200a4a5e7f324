// Header-only helpers the five therapy modules share: payer options, data-driven contraindications.
// Plugins include only plugin_api headers; this file builds on those alone.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::shared {

namespace api = vertebra::plugin_api;

/// The module's options for a payer from rule set "payer_options" in force on `date`:
/// `default`, then `medicare` for any payer billed by the Medicare method, then the payer's own
/// entry, then the clinic's own settings the host passes in `payer.clinic_options`; later keys
/// override earlier ones (docs/billing.md "Module options per payer").
inline nlohmann::json payer_options(const api::RuleData& rules, const api::PayerRef& payer,
                                    LocalDate date) {
    nlohmann::json out = nlohmann::json::object();
    const nlohmann::json* data = rules.find("payer_options", date);
    if (!data || !data->contains("payers")) return out;
    const auto& payers = (*data)["payers"];
    auto merge = [&](const std::string& key) {
        if (payers.contains(key)) out.update(payers[key]);
    };
    merge("default");
    if (payer.is_medicare()) merge("medicare");
    if (payer.id != "default" && payer.id != "medicare") merge(payer.id);
    if (payer.clinic_options.is_object()) out.update(payer.clinic_options);
    return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

inline std::vector<std::string> strings_of(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& x : j)
            if (x.is_string()) out.push_back(x.get<std::string>());
    return out;
}

/// Does a rule's "when" match the patient? Any listed condition (by name or ICD-10 prefix),
/// flag, medication or drug class.
inline bool patient_matches(const nlohmann::json& when, const api::PatientRecord& p) {
    for (const auto& c : strings_of(when.value("conditions", nlohmann::json::array())))
        if (p.has_condition(c)) return true;
    for (const auto& c : strings_of(when.value("condition_codes", nlohmann::json::array())))
        if (p.has_condition_code(c)) return true;
    for (const auto& f : strings_of(when.value("flags", nlohmann::json::array())))
        if (p.has_flag(f)) return true;
    for (const auto& m : strings_of(when.value("medications", nlohmann::json::array())))
        if (p.takes(m)) return true;
    for (const auto& m : strings_of(when.value("drug_classes", nlohmann::json::array())))
        if (p.takes_class(m)) return true;
    return false;
}

/// Does a rule's "if" match the planned service? Every key given must hold:
/// "codes" (any planned code), "details" ({key: value} equal in the planned details),
/// "regions" (any of the planned details' regions lists), "services" (service key).
inline bool planned_matches(const nlohmann::json& cond, const api::PlannedService& s) {
    if (cond.is_null() || cond.empty()) return true;
    if (cond.contains("codes")) {
        bool any = false;
        for (const auto& c : strings_of(cond["codes"])) any = any || contains(s.codes, c);
        if (!any) return false;
    }
    if (cond.contains("services") && !contains(strings_of(cond["services"]), s.service_key))
        return false;
    if (cond.contains("details")) {
        for (auto it = cond["details"].begin(); it != cond["details"].end(); ++it)
            if (!s.details.contains(it.key()) || s.details[it.key()] != *it) return false;
    }
    if (cond.contains("regions")) {
        std::vector<std::string> planned;
        if (s.details.is_object())
            for (const char* key : {"regions", "spinal_regions", "extraspinal_regions"})
                for (const auto& r : strings_of(s.details.value(key, nlohmann::json::array())))
                    planned.push_back(r);
        bool any = false;
        for (const auto& r : strings_of(cond["regions"])) any = any || contains(planned, r);
        if (!any) return false;
    }
    return true;
}

/// Contraindication findings from rule set "contraindications":
/// {"rules": [{"rule": id, "severity": "absolute"|"relative", "reason": "...",
///             "when": {...patient...}, "if": {...planned...}, "code": "97813"}]}.
inline std::vector<api::Finding> contraindications(const api::RuleData& rules,
                                                   const api::PatientRecord& patient,
                                                   const api::PlannedService& planned) {
    std::vector<api::Finding> out;
    const nlohmann::json* data = rules.find("contraindications", planned.date);
    if (!data) return out;
    for (const auto& r : data->value("rules", nlohmann::json::array())) {
        if (!patient_matches(r.value("when", nlohmann::json::object()), patient)) continue;
        if (!planned_matches(r.value("if", nlohmann::json::object()), planned)) continue;
        api::Finding f;
        f.severity = r.value("severity", "relative") == "absolute" ? api::Severity::Absolute
                                                                   : api::Severity::Relative;
        f.rule = r.value("rule", "");
        f.reason = r.value("reason", "");
        f.code = r.value("code", "");
        out.push_back(std::move(f));
    }
    return out;
}

/// Checks the shape of a contraindications rule set at start(): ids, severities, reasons.
inline void check_contraindication_data(const api::RuleData& rules, const std::string& module) {
    const api::RuleSet* set = rules.set("contraindications");
    if (!set) return;
    for (const auto& v : set->versions) {
        for (const auto& r : v.data.value("rules", nlohmann::json::array())) {
            const std::string id = r.value("rule", "");
            const std::string sev = r.value("severity", "");
            if (id.empty() || r.value("reason", "").empty() ||
                (sev != "absolute" && sev != "relative") || !r.contains("when"))
                throw vertebra::invalid("contraindications",
                                        module + ": every contraindication rule needs rule, "
                                                 "severity (absolute|relative), reason and when"
                                                 " (at '" + id + "')");
        }
    }
}

/// Reads an integer member of a section; Invalid naming `<module>.<key>` if wrong.
inline int section_int(const nlohmann::json& section, const std::string& key,
                       const std::string& field, int fallback) {
    if (!section.contains(key) || section[key].is_null()) return fallback;
    if (!section[key].is_number_integer())
        throw vertebra::invalid(field, "must be a whole number");
    return section[key].get<int>();
}

inline std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

/// Fee per unit (cents) from rule set "fees" ({"fees": {"98940": 4500}}), if any.
inline std::optional<std::int64_t> fee_of(const api::RuleData& rules, const std::string& code,
                                          LocalDate date) {
    const nlohmann::json* fees = rules.find("fees", date);
    if (!fees || !fees->contains("fees") || !(*fees)["fees"].contains(code)) return std::nullopt;
    return (*fees)["fees"][code].get<std::int64_t>();
}

/// Forms and workflows a module keeps as data: `<data dir>/forms/*.json` (FormSchema) and
/// `<data dir>/workflows/*.json` (Workflow), read in file-name order. Invalid JSON or shape is
/// Invalid naming the file; the host then checks every schema and workflow table at load.
struct Definitions {
    std::vector<api::FormSchema> forms;
    std::vector<api::Workflow> workflows;
};

inline nlohmann::json read_json_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) throw vertebra::Error(vertebra::ErrorKind::NotFound, p.string() + " not found");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw vertebra::invalid(p.filename().string(), std::string("not valid JSON: ") + e.what());
    }
}

inline Definitions load_definitions(const std::filesystem::path& data_dir) {
    Definitions d;
    auto files = [](const std::filesystem::path& dir) {
        std::vector<std::filesystem::path> out;
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) return out;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".json") out.push_back(e.path());
        std::sort(out.begin(), out.end());
        return out;
    };
    for (const auto& p : files(data_dir / "forms")) {
        try {
            d.forms.push_back(read_json_file(p).get<api::FormSchema>());
        } catch (const vertebra::Error& e) {
            throw vertebra::invalid(e.field(), "forms/" + p.filename().string() + ": " + e.what());
        }
    }
    for (const auto& p : files(data_dir / "workflows")) {
        try {
            d.workflows.push_back(read_json_file(p).get<api::Workflow>());
        } catch (const vertebra::Error& e) {
            throw vertebra::invalid(e.field(),
                                    "workflows/" + p.filename().string() + ": " + e.what());
        }
    }
    return d;
}

/// Throws Invalid listing every problem of the module's forms and workflows (also what the host
/// checks), so that a module refuses to start on bad definitions.
inline void check_definitions(const Definitions& d, const std::vector<std::string>& guards,
                              const std::string& module) {
    std::vector<std::string> problems;
    for (const auto& f : d.forms)
        for (const auto& p : api::check_schema(f)) problems.push_back(p);
    for (const auto& w : d.workflows)
        for (const auto& p : api::check_workflow(w, guards)) problems.push_back(p);
    if (!problems.empty())
        throw vertebra::invalid("definitions", module + ": " + join(problems, "; "));
}

}  // namespace vertebra::plugins::shared
