// Referral to a spine surgeon: red-flag triage, timing notes, care summary and letter (§6).
#include "referral_rules.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "../../shared/module_support.hpp"

namespace vertebra::plugins::surgery_referral {

using shared::contains;
using shared::join;

namespace {

int rank(const std::string& tier) {
    return tier == "emergency" ? 3 : tier == "urgent" ? 2 : tier == "routine" ? 1 : 0;
}

std::string text_of(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_null()) return "";
    return v.dump();
}

}  // namespace

std::vector<std::string> present_flags(const nlohmann::json& form,
                                       const nlohmann::json& red_flags) {
    std::vector<std::string> out;
    for (const auto& f : red_flags.at("flags")) {
        const std::string key = f.at("key");
        const auto it = form.find("rf_" + key);
        if (it != form.end() && it->is_boolean() && it->get<bool>()) out.push_back(key);
    }
    return out;
}

std::vector<std::string> unanswered_flags(const nlohmann::json& form,
                                          const nlohmann::json& red_flags) {
    std::vector<std::string> out;
    for (const auto& f : red_flags.at("flags")) {
        const std::string key = f.at("key");
        const auto it = form.find("rf_" + key);
        if (it == form.end() || !it->is_boolean()) out.push_back(key);
    }
    return out;
}

Triage triage(const std::vector<std::string>& present, const nlohmann::json& red_flags) {
    std::map<std::string, std::vector<std::string>> by_group;
    for (const auto& key : present) {
        const nlohmann::json* def = nullptr;
        for (const auto& f : red_flags.at("flags"))
            if (f.at("key") == key) def = &f;
        if (!def) throw invalid("red_flags." + key, "unknown red flag");
        by_group[def->at("group").get<std::string>()].push_back(key);
    }
    Triage t;
    t.timeframe = red_flags.value("routine_timeframe", "routine referral");
    std::vector<std::pair<int, std::string>> suspected;
    for (const auto& [group, keys] : by_group) {
        const auto& g = red_flags.at("groups").at(group);
        bool strong = false;
        for (const auto& s : shared::strings_of(g.value("strong", nlohmann::json::array())))
            strong = strong || contains(keys, s);
        if (!strong && static_cast<int>(keys.size()) < g.value("min_flags", 1)) continue;
        suspected.push_back({rank(g.value("tier", "routine")), group});
    }
    std::stable_sort(suspected.begin(), suspected.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [r, group] : suspected) t.groups.push_back(group);
    if (!suspected.empty()) {  // the most urgent suspected group sets the tier
        const auto& g = red_flags["groups"][suspected.front().second];
        t.tier = g.value("tier", "routine");
        t.timeframe = g.value("timeframe", t.timeframe);
    }
    for (const auto& key : present)
        for (const auto& f : red_flags["flags"])
            if (f.at("key") == key) t.reasons.push_back(f.value("label", key));
    return t;
}

nlohmann::json to_json(const Triage& t) {
    return {{"tier", t.tier}, {"timeframe", t.timeframe}, {"groups", t.groups},
            {"reasons", t.reasons}};
}

std::vector<std::string> referral_notes(const nlohmann::json& form, const Triage& t,
                                        const nlohmann::json& referral) {
    std::vector<std::string> out;
    if (!t.groups.empty() && t.tier != "routine") {
        out.push_back("Red flag present: the conservative-care minimum does not apply.");
    } else {
        const auto& w = referral.at("elective_min_conservative_weeks");
        const std::string pattern = form.value("pain_pattern", "");
        int need = pattern == "radicular" ? w.value("radicular", 6) : w.value("axial", 12);
        if (form.value("rf_major_motor_weakness", false)) need = w.value("motor_weakness", 2);
        const int done = form.value("conservative_weeks", 0);
        if (!pattern.empty() && done < need)
            out.push_back("Elective referral: " + std::to_string(done) + " weeks of conservative "
                          "care documented; the receiving service expects about " +
                          std::to_string(need) + " weeks for " + pattern + " pain.");
        if (pattern == "axial")
            out.push_back("Back-dominant pain: surgeons favour leg-dominant referrals unless "
                          "there is a significant structural abnormality.");
    }
    const auto& th = referral.value("thresholds", nlohmann::json::object());
    if (form.contains("bmi") && form["bmi"].is_number() &&
        form["bmi"].get<double>() > th.value("bmi_weight_management_above", 40.0))
        out.push_back("BMI " + form["bmi"].dump() + ": weight-management advice first.");
    if ((form.contains("bp_systolic") && form["bp_systolic"].is_number() &&
         form["bp_systolic"].get<int>() >= th.value("bp_systolic_max", 180)) ||
        (form.contains("bp_diastolic") && form["bp_diastolic"].is_number() &&
         form["bp_diastolic"].get<int>() >= th.value("bp_diastolic_max", 95)))
        out.push_back("Blood pressure above the receiving service's threshold: control it first.");
    return out;
}

nlohmann::json care_summary(const std::vector<api::VisitSummary>& visits,
                            const std::vector<api::OutcomeScore>& outcomes) {
    nlohmann::json by = nlohmann::json::object();
    nlohmann::json injections = nlohmann::json::array();
    std::vector<LocalDate> all;
    for (const auto& v : visits) {
        const std::string d = v.discipline.empty()
                                  ? (v.module_id.empty() ? "physical_therapy" : v.module_id)
                                  : v.discipline;
        auto& e = by[d];
        if (e.is_null()) e = {{"sessions", 0}, {"first", format_date(v.date)}};
        e["sessions"] = e["sessions"].get<int>() + 1;
        e["last"] = format_date(v.date);
        all.push_back(v.date);
        if (v.module_id == "injections") {
            const auto& s = v.section.is_object() ? v.section : nlohmann::json::object();
            nlohmann::json inj = {{"date", format_date(v.date)},
                                  {"procedure", s.value("procedure", v.service_key)},
                                  {"region", s.value("region", "")},
                                  {"levels", s.value("levels", nlohmann::json::array())}};
            if (s.contains("relief_percent")) {
                inj["relief_percent"] = s["relief_percent"];
            } else if (s.contains("pain_pre") && s.contains("pain_post") &&
                       s["pain_pre"].is_number() && s["pain_pre"].get<double>() > 0) {
                const double pre = s["pain_pre"].get<double>();
                inj["relief_percent"] =
                    static_cast<int>((pre - s["pain_post"].get<double>()) / pre * 100.0);
            }
            injections.push_back(std::move(inj));
        }
    }
    nlohmann::json trends = nlohmann::json::object();
    std::map<std::string, std::vector<api::OutcomeScore>> per;
    for (const auto& o : outcomes) per[o.measure].push_back(o);
    for (auto& [m, list] : per) {
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.date < b.date; });
        const double change = list.back().value - list.front().value;
        trends[m] = {{"baseline", list.front().value},
                     {"baseline_date", format_date(list.front().date)},
                     {"latest", list.back().value},
                     {"latest_date", format_date(list.back().date)},
                     {"trend", list.size() < 2 ? "single score"
                               : change < 0    ? "improving"
                               : change > 0    ? "worsening"
                                               : "unchanged"}};
    }
    nlohmann::json out = {{"sessions_by_discipline", by},
                          {"injections", injections},
                          {"outcomes", trends}};
    if (!all.empty()) {
        const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
        out["first_visit"] = format_date(*lo);
        out["last_visit"] = format_date(*hi);
        out["weeks"] = static_cast<int>((*hi - *lo).count() / 7);
    }
    return out;
}

api::Document referral_letter(const nlohmann::json& form, const api::FormSchema& schema,
                              const nlohmann::json& red_flags, const nlohmann::json& referral) {
    const Triage t = triage(present_flags(form, red_flags), red_flags);
    std::ostringstream md;
    auto value = [&](const std::string& key) {
        return form.contains(key) ? text_of(form[key]) : std::string();
    };
    auto row = [&](const std::string& key) {
        const auto* f = schema.field(key);
        const std::string v = value(key);
        if (f && !v.empty())
            md << "- **" << f->label << ":** " << v << (f->unit.empty() ? "" : " " + f->unit)
               << "\n";
    };
    md << "# Referral to a spine surgeon\n\n";
    md << "**Triage:** " << t.tier << " (" << t.timeframe << ")";
    if (!value("urgency").empty() && value("urgency") != t.tier)
        md << "; referrer marked " << value("urgency");
    md << "\n\n## 1. Patient and referrer\n";
    for (const char* k : {"patient_name", "birth_date", "payer", "payer_id", "referrer",
                          "referrer_npi", "referral_date", "specialty"})
        row(k);
    md << "\n## 2. Reason and urgency\n";
    for (const char* k : {"question", "suspected_diagnosis", "icd10_codes", "urgency"}) row(k);
    md << "\n## 3. History\n";
    for (const char* k : {"onset_date", "duration_weeks", "mechanism", "pain_pattern",
                          "dermatomes", "nprs", "odi", "rmdq", "scores_date"})
        row(k);
    md << "\n## 4. Red-flag screen\n\n| Red flag | |\n|---|---|\n";
    for (const auto& f : red_flags.at("flags")) {
        const std::string key = "rf_" + f.at("key").get<std::string>();
        const std::string v = form.contains(key) && form[key].is_boolean()
                                  ? (form[key].get<bool>() ? "**present**" : "absent")
                                  : "not assessed";
        md << "| " << f.value("label", key) << " | " << v << " |\n";
    }
    md << "\n## 5. Neurological examination\n";
    for (const char* k : {"strength", "sensation", "reflexes", "slr", "crossed_slr", "gait",
                          "umn_signs"})
        row(k);
    md << "\n## 6. Imaging\n";
    for (const char* k : {"imaging_type", "imaging_date", "imaging_facility", "imaging_findings"})
        row(k);
    md << "\n## 7. Conservative care\n";
    for (const char* k : {"conservative_care", "conservative_weeks", "medications", "injections"})
        row(k);
    md << "\n## 8. Comorbidities and surgical risk\n";
    for (const char* k : {"anticoagulants", "diabetes", "hba1c", "bmi", "smoking", "bp_systolic",
                          "bp_diastolic", "psychological_distress", "wishes_surgery",
                          "fit_for_surgery"})
        row(k);
    md << "\n## 9. Outcome trends\n";
    for (const char* k : {"odi_baseline", "odi_latest", "nprs_baseline", "nprs_latest",
                          "rmdq_baseline", "rmdq_latest"})
        row(k);
    const auto notes = referral_notes(form, t, referral);
    if (!notes.empty()) {
        md << "\n## Notes\n";
        for (const auto& n : notes) md << "- " << n << "\n";
    }
    return {"Referral: " + value("patient_name"), "text/markdown", md.str()};
}

}  // namespace vertebra::plugins::surgery_referral
