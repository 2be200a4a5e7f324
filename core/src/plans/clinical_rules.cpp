// Plan rule data: shipped defaults (JSON, RULES.md §6.2/§6.3/§9.5) and their parsing.
#include "vertebra/plans/clinical_rules.hpp"

#include <algorithm>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::core::plans {

namespace {

constexpr const char* kDefaultRules = R"json({
  "causes": [
    {"id": "muscle_ligament_strain", "name": "Muscle or ligament strain", "group": "mechanical"},
    {"id": "herniated_disc", "name": "Herniated disc", "group": "mechanical"},
    {"id": "osteoarthritis", "name": "Degenerative osteoarthritis (spondylosis)", "group": "degenerative"},
    {"id": "spinal_stenosis", "name": "Spinal stenosis", "group": "degenerative"},
    {"id": "scoliosis", "name": "Scoliosis", "group": "structural"},
    {"id": "fibromyalgia", "name": "Fibromyalgia", "group": "medical"},
    {"id": "inflammatory_disease", "name": "Inflammatory disease (e.g. axial spondyloarthritis)", "group": "medical"}
  ],
  "red_flags": {
    "escalate_from": "urgent",
    "actions": {
      "emergency": "Emergency referral: emergency department, same day",
      "same_day_urgent": "Same-day urgent referral",
      "urgent": "Urgent referral (within days)",
      "routine": "Routine: note the risk factor and re-screen at review"
    },
    "groups": [
      {"id": "cauda_equina", "name": "Cauda equina syndrome", "tier": "emergency"},
      {"id": "neuro_deficit", "name": "Severe or progressive neurological deficit", "tier": "urgent"},
      {"id": "tumour", "name": "Suspected malignancy", "tier": "urgent"},
      {"id": "infection", "name": "Suspected infection", "tier": "same_day_urgent"},
      {"id": "fracture", "name": "Suspected fracture", "tier": "same_day_urgent"},
      {"id": "other", "name": "Other", "tier": "urgent"}
    ],
    "flags": [
      {"id": "saddle_anaesthesia", "group": "cauda_equina", "label": "Saddle (perineal/perianal) anaesthesia"},
      {"id": "bladder_dysfunction", "group": "cauda_equina", "label": "New bladder dysfunction (retention, frequency, overflow incontinence)"},
      {"id": "faecal_incontinence", "group": "cauda_equina", "label": "Faecal incontinence or lost anal sphincter tone"},
      {"id": "bilateral_sciatica", "group": "cauda_equina", "label": "Bilateral sciatica or leg weakness"},
      {"id": "major_motor_weakness", "group": "neuro_deficit", "label": "Major motor weakness (quadriceps; foot drop)"},
      {"id": "progressive_deficit", "group": "neuro_deficit", "label": "Rapidly progressive or worsening neurological deficit", "tier": "emergency"},
      {"id": "multilevel_deficit", "group": "neuro_deficit", "label": "Multilevel neurological deficit"},
      {"id": "cancer_history", "group": "tumour", "label": "History of cancer"},
      {"id": "unexplained_weight_loss", "group": "tumour", "label": "Unexplained weight loss"},
      {"id": "no_improvement_one_month", "group": "tumour", "label": "No improvement after about 1 month (4-6 weeks) of conservative care", "tier": "routine"},
      {"id": "night_pain", "group": "tumour", "label": "Pain worse lying down or severe at night", "tier": "routine"},
      {"id": "age_over_50", "group": "tumour", "label": "Age over 50", "tier": "routine"},
      {"id": "fever", "group": "infection", "label": "Fever or chills (over 38 °C for more than 48 h)"},
      {"id": "recent_bacterial_infection", "group": "infection", "label": "Recent bacterial infection (e.g. UTI)"},
      {"id": "iv_drug_use", "group": "infection", "label": "Intravenous drug use"},
      {"id": "immunosuppression", "group": "infection", "label": "Immunosuppression (steroids, transplant, HIV)"},
      {"id": "major_trauma", "group": "fracture", "label": "Major trauma"},
      {"id": "minor_trauma_at_risk", "group": "fracture", "label": "Minor trauma or strenuous lifting in an older or osteoporotic patient"},
      {"id": "prolonged_corticosteroids", "group": "fracture", "label": "Prolonged corticosteroid use"},
      {"id": "age_new_pain", "group": "other", "label": "Age under 20 or over 50 with new pain", "tier": "routine"},
      {"id": "suspected_aaa", "group": "other", "label": "Suspected abdominal aortic aneurysm (pulsatile mass, tearing pain)", "tier": "emergency"}
    ]
  },
  "medication": {
    "drug_classes": {
      "ibuprofen": "nsaid", "naproxen": "nsaid", "diclofenac": "nsaid", "ketoprofen": "nsaid",
      "meloxicam": "nsaid", "celecoxib": "nsaid", "etoricoxib": "nsaid", "indomethacin": "nsaid",
      "aspirin": "antiplatelet", "clopidogrel": "antiplatelet",
      "lithium": "lithium",
      "lisinopril": "ace_inhibitor", "ramipril": "ace_inhibitor", "enalapril": "ace_inhibitor",
      "perindopril": "ace_inhibitor",
      "losartan": "arb", "valsartan": "arb", "candesartan": "arb", "irbesartan": "arb",
      "furosemide": "diuretic", "hydrochlorothiazide": "diuretic", "indapamide": "diuretic",
      "bendroflumethiazide": "diuretic", "spironolactone": "diuretic", "chlorthalidone": "diuretic",
      "warfarin": "anticoagulant", "apixaban": "anticoagulant", "rivaroxaban": "anticoagulant",
      "dabigatran": "anticoagulant", "edoxaban": "anticoagulant", "heparin": "anticoagulant",
      "sertraline": "ssri", "fluoxetine": "ssri", "citalopram": "ssri", "escitalopram": "ssri",
      "paroxetine": "ssri",
      "prednisolone": "corticosteroid", "prednisone": "corticosteroid"
    },
    "rules": [
      {"id": "nsaid_egfr_below_30", "drug_class": "nsaid", "severity": "absolute",
       "when": {"egfr_below": 30},
       "reason": "NSAID with eGFR below 30 mL/min/1.73 m² (CKD G4-G5): avoid"},
      {"id": "nsaid_egfr_30_59", "drug_class": "nsaid", "severity": "relative",
       "when": {"egfr_at_least": 30, "egfr_below": 60},
       "reason": "NSAID with eGFR 30-59: avoid prolonged use; short course at the lowest dose, check creatinine and potassium within 1-2 weeks"},
      {"id": "nsaid_lithium", "drug_class": "nsaid", "severity": "absolute",
       "when": {"takes_any_class": ["lithium"]},
       "reason": "NSAID with lithium: avoid (raised lithium levels)"},
      {"id": "nsaid_ace_arb_diuretic", "drug_class": "nsaid", "severity": "relative",
       "when": {"takes_any_class": ["ace_inhibitor", "arb"], "and_takes_any_class": ["diuretic"]},
       "reason": "NSAID with an ACE inhibitor or ARB plus a diuretic ('triple whammy'): risk of acute kidney injury; avoid or use with great caution"},
      {"id": "nsaid_gi_bleed", "drug_class": "nsaid", "severity": "relative",
       "when": {"has_any_condition": ["gi_bleed", "peptic_ulcer"]},
       "reason": "NSAID with a history of GI bleeding or peptic ulcer: consider a PPI or a COX-2 inhibitor"},
      {"id": "nsaid_heart_failure_cirrhosis", "drug_class": "nsaid", "severity": "relative",
       "when": {"has_any_condition": ["heart_failure", "cirrhosis_ascites"]},
       "reason": "NSAID with heart failure or cirrhosis with ascites: risk of renal failure"},
      {"id": "nsaid_bleeding_risk", "drug_class": "nsaid", "severity": "relative",
       "when": {"takes_any_class": ["anticoagulant", "antiplatelet", "ssri"]},
       "reason": "NSAID with an anticoagulant, antiplatelet or SSRI: raised bleeding risk"},
      {"id": "nsaid_pregnancy", "drug_class": "nsaid", "severity": "relative",
       "when": {"has_any_flag": ["pregnant"]},
       "reason": "NSAID in pregnancy: avoid in late pregnancy (unverified)"}
    ]
  },
  "review": {
    "not_improving_after_weeks": 6,
    "elective_referral_min_conservative_weeks": {"radicular": 6, "axial": 12},
    "motor_weakness_referral_weeks": 2,
    "review_interval_weeks": 4
  }
})json";

std::string text(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || !j.at(key).is_string() || j.at(key).get<std::string>().empty())
        throw invalid(where + "." + key, "a non-empty text is required");
    return j.at(key).get<std::string>();
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) return {};
    if (!j.at(key).is_array()) throw invalid(where + "." + key, "must be a list of texts");
    std::vector<std::string> out;
    for (const auto& s : j.at(key)) {
        if (!s.is_string()) throw invalid(where + "." + key, "must be a list of texts");
        out.push_back(s.get<std::string>());
    }
    return out;
}

int weeks(const nlohmann::json& j, const char* key, int fallback, int lo, int hi,
          const std::string& where) {
    if (!j.contains(key)) return fallback;
    if (!j.at(key).is_number_integer()) throw invalid(where + "." + key, "must be whole weeks");
    const int v = json_integer<int>(j.at(key), where + "." + key);
    if (v < lo || v > hi)
        throw invalid(where + "." + key,
                      "must be " + std::to_string(lo) + "-" + std::to_string(hi) + " weeks");
    return v;
}

}  // namespace

const char* to_string(TriageTier t) {
    switch (t) {
        case TriageTier::None: return "none";
        case TriageTier::Routine: return "routine";
        case TriageTier::Urgent: return "urgent";
        case TriageTier::SameDayUrgent: return "same_day_urgent";
        case TriageTier::Emergency: return "emergency";
    }
    return "none";
}

TriageTier triage_tier_from_string(const std::string& s, const std::string& field) {
    for (auto t : {TriageTier::None, TriageTier::Routine, TriageTier::Urgent,
                   TriageTier::SameDayUrgent, TriageTier::Emergency})
        if (s == to_string(t)) return t;
    throw invalid(field, "\"" + s + "\" is not a triage tier (routine, urgent, same_day_urgent, "
                                    "emergency)");
}

const char* severity_name(plugin_api::Severity s) {
    return s == plugin_api::Severity::Absolute ? "absolute" : "relative";
}

const RedFlagDefinition* RedFlagRules::find(const std::string& id) const {
    auto it = std::find_if(flags.begin(), flags.end(), [&](const auto& f) { return f.id == id; });
    return it == flags.end() ? nullptr : &*it;
}

std::string MedicationRules::class_of(const plugin_api::Medication& m) const {
    if (!m.drug_class.empty()) return m.drug_class;
    auto it = drug_classes.find(m.name);
    return it == drug_classes.end() ? std::string{} : it->second;
}

const Cause* ClinicalRules::cause(const std::string& id) const {
    auto it = std::find_if(causes.begin(), causes.end(), [&](const auto& c) { return c.id == id; });
    return it == causes.end() ? nullptr : &*it;
}

ClinicalRules parse_clinical_rules(const nlohmann::json& j) {
    ClinicalRules r;
    if (!j.is_object()) throw invalid("rules", "expected a JSON object");

    for (const auto& c : j.value("causes", nlohmann::json::array())) {
        Cause cause{text(c, "id", "causes"), text(c, "name", "causes"), c.value("group", "")};
        if (r.cause(cause.id)) throw invalid("causes", "\"" + cause.id + "\" appears twice");
        r.causes.push_back(std::move(cause));
    }

    const auto rf = j.value("red_flags", nlohmann::json::object());
    r.red_flags.escalate_from =
        triage_tier_from_string(rf.value("escalate_from", "urgent"), "red_flags.escalate_from");
    const auto actions = rf.value("actions", nlohmann::json::object());
    for (const auto& [k, v] : actions.items())
        r.red_flags.actions[triage_tier_from_string(k, "red_flags.actions")] = v.get<std::string>();
    for (const auto& g : rf.value("groups", nlohmann::json::array()))
        r.red_flags.groups.push_back({text(g, "id", "red_flags.groups"),
                                      text(g, "name", "red_flags.groups"),
                                      triage_tier_from_string(text(g, "tier", "red_flags.groups"),
                                                              "red_flags.groups.tier")});
    for (const auto& f : rf.value("flags", nlohmann::json::array())) {
        RedFlagDefinition d;
        d.id = text(f, "id", "red_flags.flags");
        const std::string where = "red_flags.flags." + d.id;
        d.group = text(f, "group", where);
        d.label = text(f, "label", where);
        auto g = std::find_if(r.red_flags.groups.begin(), r.red_flags.groups.end(),
                              [&](const auto& x) { return x.id == d.group; });
        if (g == r.red_flags.groups.end())
            throw invalid(where + ".group", "\"" + d.group + "\" is not a red-flag group");
        d.tier = f.contains("tier") ? triage_tier_from_string(text(f, "tier", where), where + ".tier")
                                    : g->tier;
        if (r.red_flags.find(d.id)) throw invalid(where, "appears twice");
        r.red_flags.flags.push_back(std::move(d));
    }

    const auto med = j.value("medication", nlohmann::json::object());
    const auto classes = med.value("drug_classes", nlohmann::json::object());
    for (const auto& [name, cls] : classes.items())
        r.medication.drug_classes[name] = cls.get<std::string>();
    for (const auto& m : med.value("rules", nlohmann::json::array())) {
        MedicationRule rule;
        rule.id = text(m, "id", "medication.rules");
        const std::string where = "medication.rules." + rule.id;
        rule.drug_class = text(m, "drug_class", where);
        const std::string sev = text(m, "severity", where);
        if (sev == "absolute")
            rule.severity = plugin_api::Severity::Absolute;
        else if (sev == "relative")
            rule.severity = plugin_api::Severity::Relative;
        else
            throw invalid(where + ".severity", "must be \"absolute\" or \"relative\"");
        rule.reason = text(m, "reason", where);
        const auto when = m.value("when", nlohmann::json::object());
        if (when.contains("egfr_below")) rule.egfr_below = when.at("egfr_below").get<double>();
        if (when.contains("egfr_at_least")) rule.egfr_at_least = when.at("egfr_at_least").get<double>();
        rule.takes_any_class = strings(when, "takes_any_class", where + ".when");
        rule.and_takes_any_class = strings(when, "and_takes_any_class", where + ".when");
        rule.has_any_condition = strings(when, "has_any_condition", where + ".when");
        rule.has_any_flag = strings(when, "has_any_flag", where + ".when");
        if (!rule.egfr_below && !rule.egfr_at_least && rule.takes_any_class.empty() &&
            rule.has_any_condition.empty() && rule.has_any_flag.empty())
            throw invalid(where + ".when", "at least one condition is required");
        r.medication.rules.push_back(std::move(rule));
    }

    const auto rv = j.value("review", nlohmann::json::object());
    r.review.not_improving_after_weeks = weeks(rv, "not_improving_after_weeks", 6, 1, 52, "review");
    const auto ref = rv.value("elective_referral_min_conservative_weeks", nlohmann::json::object());
    r.review.radicular_referral_weeks =
        weeks(ref, "radicular", 6, 6, 12, "review.elective_referral_min_conservative_weeks");
    r.review.axial_referral_weeks =
        weeks(ref, "axial", 12, 6, 52, "review.elective_referral_min_conservative_weeks");
    r.review.motor_weakness_referral_weeks =
        weeks(rv, "motor_weakness_referral_weeks", 2, 0, 12, "review");
    r.review.review_interval_weeks = weeks(rv, "review_interval_weeks", 4, 1, 52, "review");
    return r;
}

const nlohmann::json& default_clinical_rules_json() {
    static const nlohmann::json j = nlohmann::json::parse(kDefaultRules);
    return j;
}

const ClinicalRules& default_clinical_rules() {
    static const ClinicalRules rules = parse_clinical_rules(default_clinical_rules_json());
    return rules;
}

}  // namespace vertebra::core::plans
