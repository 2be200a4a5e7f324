// Patient record lookups, enum names and JSON forms of findings, line items and services.
#include <algorithm>

#include "vertebra/common/error.hpp"
#include "vertebra/plugin_api/billing.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugin_api/module.hpp"

namespace vertebra::plugin_api {

const char* to_string(TimedCodeMethod m) {
    return m == TimedCodeMethod::MedicareTotalTime ? "medicare" : "per_code";
}

const char* to_string(Severity s) { return s == Severity::Absolute ? "absolute" : "relative"; }

bool PatientRecord::has_condition(const std::string& name) const { return condition(name) != nullptr; }

bool PatientRecord::has_condition_code(const std::string& code_prefix) const {
    if (code_prefix.empty()) return false;
    return std::any_of(conditions.begin(), conditions.end(), [&](const Condition& c) {
        return c.active && c.code.compare(0, code_prefix.size(), code_prefix) == 0;
    });
}

const Condition* PatientRecord::condition(const std::string& name) const {
    for (const auto& c : conditions) {
        if (c.active && c.name == name) return &c;
    }
    return nullptr;
}

bool PatientRecord::takes(const std::string& medication_name) const {
    return std::any_of(medications.begin(), medications.end(),
                       [&](const Medication& m) { return m.name == medication_name; });
}

bool PatientRecord::takes_class(const std::string& drug_class) const {
    return std::any_of(medications.begin(), medications.end(),
                       [&](const Medication& m) { return m.drug_class == drug_class; });
}

bool PatientRecord::has_flag(const std::string& flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

void to_json(nlohmann::json& j, const Finding& f) {
    j = nlohmann::json{{"severity", to_string(f.severity)}, {"rule", f.rule}, {"reason", f.reason}};
    if (!f.code.empty()) j["code"] = f.code;
}

void to_json(nlohmann::json& j, const LineItem& l) {
    j = nlohmann::json{{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}};
    if (l.timed) {
        j["timed"] = true;
        j["minutes"] = l.minutes;
    }
    if (l.unit_fee_cents) j["unit_fee_cents"] = *l.unit_fee_cents;
    if (!l.region.empty()) j["region"] = l.region;
    if (!l.description.empty()) j["description"] = l.description;
}

void to_json(nlohmann::json& j, const ServiceOffer& s) {
    j = nlohmann::json{{"key", s.key},
                       {"name", s.name},
                       {"default_minutes", s.default_minutes},
                       {"discipline", s.discipline},
                       {"equipment", s.equipment},
                       {"billing_codes", s.billing_codes},
                       {"forms", s.forms}};
    if (!s.workflow.empty()) j["workflow"] = s.workflow;
}

nlohmann::json TherapyModule::run_action(const std::string& action, const nlohmann::json&,
                                         const ModuleContext& ctx) const {
    throw invalid("action", "module " + ctx.module_id() + " has no action '" + action + "'");
}

}  // namespace vertebra::plugin_api
