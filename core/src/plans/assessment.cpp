// Assessment validation, red-flag triage and the patient record module checks read.
#include "vertebra/plans/assessment.hpp"

#include <algorithm>
#include <set>

#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::core::plans {

namespace {

nlohmann::json opt_date(const std::optional<LocalDate>& d) {
    return d ? nlohmann::json(format_date(*d)) : nlohmann::json(nullptr);
}

std::optional<LocalDate> read_opt_date(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return parse_local_date(j.at(key).get<std::string>(), key);
}

}  // namespace

const char* to_string(PainPattern p) { return p == PainPattern::Radicular ? "radicular" : "axial"; }

PainPattern pain_pattern_from_string(const std::string& s) {
    if (s == "axial") return PainPattern::Axial;
    if (s == "radicular") return PainPattern::Radicular;
    throw invalid("pain_pattern", "\"" + s + "\" must be \"axial\" (back-dominant) or "
                                             "\"radicular\" (leg-dominant)");
}

void validate_assessment(Assessment& a, const Icd10Table& icd10, const ClinicalRules& rules) {
    if (a.patient_id <= 0) throw invalid("patient_id", "a patient is required");
    if (a.presenting_complaint.empty())
        throw invalid("presenting_complaint", "describe the presenting complaint");
    if (a.duration_weeks < 0) throw invalid("duration_weeks", "cannot be negative");
    if (a.prior_conservative_care_weeks < 0)
        throw invalid("prior_conservative_care_weeks", "cannot be negative");
    if (a.onset && *a.onset > a.assessed_on)
        throw invalid("onset", "is after the assessment date " + format_date(a.assessed_on));
    for (std::size_t i = 0; i < a.causes.size(); ++i)
        if (!rules.cause(a.causes[i])) {
            std::string known;
            for (const auto& c : rules.causes) known += (known.empty() ? "" : ", ") + c.id;
            throw invalid("causes[" + std::to_string(i) + "]",
                          "\"" + a.causes[i] + "\" is not a known cause (" + known + ")");
        }

    int primaries = 0;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a.diagnoses.size(); ++i) {
        auto& d = a.diagnoses[i];
        const auto r = icd10.check(d.code, a.assessed_on);
        const std::string field = "diagnoses[" + std::to_string(i) + "]";
        if (!r.ok) throw Error(ErrorKind::Invalid, field + ": " + r.message, field);
        d.code = r.code.code;
        d.descriptor = r.code.descriptor;
        if (!seen.insert(d.code).second) throw invalid(field, d.code + " is listed twice");
        primaries += d.primary ? 1 : 0;
    }
    if (primaries > 1) throw invalid("diagnoses", "only one diagnosis can be primary");
    if (primaries == 0 && !a.diagnoses.empty()) a.diagnoses.front().primary = true;

    std::set<std::string> flags;
    for (const auto& f : a.red_flags) {
        if (!rules.red_flags.find(f.flag))
            throw invalid("red_flags", "\"" + f.flag + "\" is not a red flag of the screen");
        if (!flags.insert(f.flag).second)
            throw invalid("red_flags", "\"" + f.flag + "\" is answered twice");
    }
    if (a.egfr && (*a.egfr < 0 || *a.egfr > 200))
        throw invalid("egfr", "must be 0-200 mL/min/1.73 m²");
    if (a.hba1c && (*a.hba1c < 2 || *a.hba1c > 25)) throw invalid("hba1c", "must be 2-25 %");
    for (const auto& m : a.medications)
        if (m.name.empty()) throw invalid("medications", "a medication needs a name");
    for (const auto& o : a.baseline) {
        outcomes::validate_observation(o);
        if (o.patient_id != 0 && o.patient_id != a.patient_id)
            throw invalid("baseline", "a baseline score belongs to another patient");
    }
}

Triage triage(const std::vector<RedFlagAnswer>& screen, const RedFlagRules& rules) {
    Triage t;
    for (const auto& def : rules.flags) {
        auto it = std::find_if(screen.begin(), screen.end(),
                               [&](const auto& a) { return a.flag == def.id; });
        if (it == screen.end()) {
            t.unanswered.push_back(def.id);
            continue;
        }
        if (!it->present) continue;
        t.present.push_back({def.id, def.label, def.group, def.tier});
        t.tier = std::max(t.tier, def.tier);
    }
    t.escalate = t.tier != TriageTier::None && t.tier >= rules.escalate_from;
    if (auto a = rules.actions.find(t.tier); a != rules.actions.end()) t.action = a->second;
    return t;
}

plugin_api::PatientRecord to_patient_record(const Assessment& a) {
    plugin_api::PatientRecord r;
    r.id = a.patient_id;
    r.birth_date = a.birth_date;
    r.conditions = a.conditions;
    for (const auto& d : a.diagnoses)
        r.conditions.push_back({d.code, "", a.onset, true});
    r.medications = a.medications;
    r.flags = a.flags;
    if (a.egfr) r.extra["egfr"] = *a.egfr;
    if (a.hba1c) r.extra["hba1c"] = *a.hba1c;
    return r;
}

void to_json(nlohmann::json& j, const Triage& t) {
    auto present = nlohmann::json::array();
    for (const auto& p : t.present)
        present.push_back({{"id", p.id}, {"label", p.label}, {"group", p.group},
                           {"tier", to_string(p.tier)}});
    j = {{"tier", to_string(t.tier)}, {"escalate", t.escalate}, {"action", t.action},
         {"present", present}, {"unanswered", t.unanswered}};
}

void to_json(nlohmann::json& j, const Assessment& a) {
    auto diagnoses = nlohmann::json::array();
    for (const auto& d : a.diagnoses)
        diagnoses.push_back({{"code", d.code}, {"descriptor", d.descriptor}, {"primary", d.primary}});
    auto flags = nlohmann::json::array();
    for (const auto& f : a.red_flags) flags.push_back({{"flag", f.flag}, {"present", f.present}});
    auto conditions = nlohmann::json::array();
    for (const auto& c : a.conditions)
        conditions.push_back({{"code", c.code}, {"name", c.name}, {"onset", opt_date(c.onset)},
                              {"active", c.active}});
    auto meds = nlohmann::json::array();
    for (const auto& m : a.medications) meds.push_back({{"name", m.name}, {"drug_class", m.drug_class}});
    j = {{"id", a.id},
         {"patient_id", a.patient_id},
         {"assessed_on", format_date(a.assessed_on)},
         {"assessed_by", a.assessed_by},
         {"presenting_complaint", a.presenting_complaint},
         {"onset", opt_date(a.onset)},
         {"duration_weeks", a.duration_weeks},
         {"pain_pattern", to_string(a.pain_pattern)},
         {"objective_motor_weakness", a.objective_motor_weakness},
         {"causes", a.causes},
         {"diagnoses", diagnoses},
         {"red_flags", flags},
         {"conditions", conditions},
         {"medications", meds},
         {"flags", a.flags},
         {"egfr", a.egfr ? nlohmann::json(*a.egfr) : nlohmann::json(nullptr)},
         {"hba1c", a.hba1c ? nlohmann::json(*a.hba1c) : nlohmann::json(nullptr)},
         {"birth_date", opt_date(a.birth_date)},
         {"prior_conservative_care_weeks", a.prior_conservative_care_weeks},
         {"baseline", a.baseline},
         {"notes", a.notes}};
}

void from_json(const nlohmann::json& j, Assessment& a) {
    a = Assessment{};
    a.id = json_integer_member<Id>(j, "id", Id{0});
    a.patient_id = json_integer_member<Id>(j, "patient_id", Id{0});
    a.assessed_on = parse_local_date(j.at("assessed_on").get<std::string>(), "assessed_on");
    a.assessed_by = j.value("assessed_by", std::string{});
    a.presenting_complaint = j.value("presenting_complaint", std::string{});
    a.onset = read_opt_date(j, "onset");
    a.duration_weeks = json_integer_member<int>(j, "duration_weeks", 0);
    a.pain_pattern = pain_pattern_from_string(j.value("pain_pattern", std::string("axial")));
    a.objective_motor_weakness = j.value("objective_motor_weakness", false);
    a.causes = j.value("causes", std::vector<std::string>{});
    for (const auto& d : j.value("diagnoses", nlohmann::json::array()))
        a.diagnoses.push_back({d.at("code").get<std::string>(), d.value("descriptor", ""),
                               d.value("primary", false)});
    for (const auto& f : j.value("red_flags", nlohmann::json::array()))
        a.red_flags.push_back({f.at("flag").get<std::string>(), f.value("present", false)});
    for (const auto& c : j.value("conditions", nlohmann::json::array()))
        a.conditions.push_back({c.value("code", ""), c.value("name", ""), read_opt_date(c, "onset"),
                                c.value("active", true)});
    for (const auto& m : j.value("medications", nlohmann::json::array()))
        a.medications.push_back({m.at("name").get<std::string>(), m.value("drug_class", "")});
    a.flags = j.value("flags", std::vector<std::string>{});
    if (j.contains("egfr") && !j.at("egfr").is_null()) a.egfr = j.at("egfr").get<double>();
    if (j.contains("hba1c") && !j.at("hba1c").is_null()) a.hba1c = j.at("hba1c").get<double>();
    a.birth_date = read_opt_date(j, "birth_date");
    a.prior_conservative_care_weeks = json_integer_member<int>(j, "prior_conservative_care_weeks", 0);
    for (const auto& o : j.value("baseline", nlohmann::json::array()))
        a.baseline.push_back(o.get<outcomes::Observation>());
    a.notes = j.value("notes", std::string{});
}

}  // namespace vertebra::core::plans
