// The injections therapy module (plugin): procedure/drug billing, limits, workflow guards, safety.
#include "../../shared/module_support.hpp"
#include "injections_rules.hpp"

namespace vertebra::plugins::injections {

namespace {

std::vector<PriorSession> prior_from(const std::vector<api::BilledService>& history) {
    std::vector<PriorSession> out;
    for (const auto& h : history) {
        const auto& d = h.details.is_object() ? h.details : nlohmann::json::object();
        out.push_back({h.date, d.value("procedure", h.service_key), d.value("region", "")});
    }
    return out;
}

}  // namespace

class InjectionsModule final : public api::TherapyModule {
public:
    void start(const api::ModuleContext& ctx) override {
        rules_ = &ctx.rules();
        defs_ = shared::load_definitions(ctx.data_dir());
        shared::check_definitions(defs_, guards(), "injections");
        shared::check_contraindication_data(ctx.rules(), "injections");
        for (const char* set : {"procedures", "drugs", "limits", "codes", "payer_options",
                                "workflow_rules"})
            if (!ctx.rules().has(set))
                throw invalid(set, std::string("injections: rule data '") + set + "' is missing");
    }

    std::vector<api::ServiceOffer> services() const override {
        const std::vector<std::string> forms{"consent", "checklist", "procedure_note"};
        return {{"trigger_point", "Trigger point injection", 30, "injections", {}, {"20552", "20553"},
                 forms, "injection"},
                {"interlaminar_esi", "Interlaminar epidural steroid injection", 45, "injections",
                 {"fluoroscopy"}, {"62321", "62323"}, forms, "injection"},
                {"transforaminal_esi", "Transforaminal epidural steroid injection", 45,
                 "injections", {"fluoroscopy"}, {"64483", "64484"}, forms, "injection"},
                {"facet", "Facet joint injection / medial branch block", 45, "injections",
                 {"fluoroscopy"}, {"64493", "64494", "64495"}, forms, "injection"},
                {"radiofrequency", "Radiofrequency ablation", 60, "injections", {"fluoroscopy"},
                 {"64635", "64636"}, forms, "injection"}};
    }
    std::vector<api::FormSchema> forms() const override { return defs_.forms; }
    std::vector<api::Workflow> workflows() const override { return defs_.workflows; }
    std::vector<std::string> guards() const override {
        return {"consent_signed", "checklist_complete", "procedure_documented",
                "observation_complete"};
    }

    api::GuardResult evaluate_guard(const std::string& guard,
                                    const nlohmann::json& rec) const override {
        const nlohmann::json record = rec.is_object() ? rec : nlohmann::json::object();
        const nlohmann::json cfg = workflow_rules(record);
        auto section = [&](const char* key) {
            return record.contains(key) && record[key].is_object() ? record[key]
                                                                   : nlohmann::json::object();
        };
        if (guard == "consent_signed") {
            const auto c = section("consent");
            if (c.value("refused", false)) return {false, "The patient refused consent"};
            if (!c.value("signed", false)) return {false, "The consent form is not signed"};
            return {};
        }
        if (guard == "checklist_complete") {
            const auto c = section("checklist");
            for (const auto& item : shared::strings_of(cfg.value("checklist",
                                                                 nlohmann::json::array())))
                if (!c.value(item, false)) return {false, "Checklist item not done: " + item};
            if (c.value("diabetic", false) && !c.contains("glucose_mg_dl"))
                return {false, "Diabetic patient: record blood glucose before the procedure"};
            return {};
        }
        if (guard == "procedure_documented") {
            const auto p = section("procedure");
            for (const char* k : {"side", "imaging", "pain_pre", "pain_post"})
                if (!p.contains(k)) return {false, std::string("Procedure note lacks ") + k};
            if (!p.contains("levels") && !p.contains("muscles"))
                return {false, "Procedure note lacks the levels or muscles injected"};
            return {};
        }
        if (guard == "observation_complete") {
            const int need = cfg.value("observation_min_minutes", 20);
            // The record's minutes are a form value: compared as a number, never cast (1e300
            // into an int is undefined).
            const auto observed = record.value("observation_minutes", nlohmann::json(0));
            if (!observed.is_number() || observed.get<double>() < need)
                return {false, "Observe at least " + std::to_string(need) + " minutes"};
            return {};
        }
        throw invalid("guard", "unknown guard " + guard);
    }

    api::BillingResult bill(const api::BillingRequest& req,
                            const api::RuleData& rules) const override {
        const LocalDate dos = req.date_of_service;
        const auto& procedures = rules.at("procedures", dos);
        const auto& drugs = rules.at("drugs", dos);
        InjectionSession s = parse_session(req.section, procedures, drugs);
        const auto options = shared::payer_options(rules, req.payer, dos);
        api::BillingResult out = bill_procedure(s, procedures, options);
        const api::BillingResult d = bill_drugs(s.drugs, drugs, options);
        out.lines.insert(out.lines.end(), d.lines.begin(), d.lines.end());
        out.warnings.insert(out.warnings.end(), d.warnings.begin(), d.warnings.end());
        if (!s.procedure.empty() && options.value("frequency_limits", true)) {
            auto prior = s.history;
            for (const auto& p : prior_from(req.history)) prior.push_back(p);
            for (const auto& f : check_limits(dos, s.procedure, s.region, prior, procedures,
                                              rules.at("limits", dos)))
                out.warnings.push_back("Coverage limit: " + f.reason);
        }
        if (req.patient) {
            for (const auto& f : check_contraindications(*req.patient, planned_of(s, req), rules))
                if (f.severity == api::Severity::Absolute)
                    out.warnings.push_back("Absolute contraindication: " + f.reason);
        }
        return out;
    }

    std::vector<api::Finding> check_contraindications(
        const api::PatientRecord& patient, const api::PlannedService& planned,
        const api::RuleData& rules) const override {
        auto out = shared::contraindications(rules, patient, planned);
        const auto* cfg = rules.find("workflow_rules", planned.date);
        const double limit = cfg ? cfg->value("hba1c_warn_above", 8.0) : 8.0;
        if (patient.extra.is_object() && patient.extra.contains("hba1c") &&
            patient.extra["hba1c"].is_number() && patient.extra["hba1c"].get<double>() > limit)
            out.push_back({api::Severity::Relative, "diabetes_hba1c",
                           "HbA1c " + patient.extra["hba1c"].dump() + " above " +
                               nlohmann::json(limit).dump() +
                               ": steroid raises glucose; check glucose before the injection",
                           ""});
        const auto& d = planned.details.is_object() ? planned.details : nlohmann::json::object();
        if (d.value("procedure", planned.service_key) == "transforaminal_esi" &&
            d.value("region", "") == "cervical")
            for (const auto& drug : d.value("drugs", nlohmann::json::array()))
                if (drug.is_string() && drug.get<std::string>() != "dexamethasone")
                    out.push_back({api::Severity::Relative, "particulate_cervical_tfesi",
                                   "Particulate steroid (" + drug.get<std::string>() +
                                       ") for cervical transforaminal injection: prefer "
                                       "dexamethasone (embolic infarction risk)",
                                   ""});
        return out;
    }

    std::vector<api::Finding> check_coverage(const api::CoverageRequest& req,
                                             const api::RuleData& rules) const override {
        const LocalDate dos = req.planned.date;
        const auto options = shared::payer_options(rules, req.planned.payer, dos);
        if (!options.value("frequency_limits", true)) return {};
        const auto& d =
            req.planned.details.is_object() ? req.planned.details : nlohmann::json::object();
        return check_limits(dos, d.value("procedure", req.planned.service_key),
                            d.value("region", ""), prior_from(req.history),
                            rules.at("procedures", dos), rules.at("limits", dos));
    }

private:
    static api::PlannedService planned_of(const InjectionSession& s,
                                          const api::BillingRequest& req) {
        api::PlannedService p{"injections", s.procedure, req.date_of_service, {}, req.payer,
                              {{"procedure", s.procedure}, {"region", s.region},
                               {"imaging", s.imaging}, {"drugs", nlohmann::json::array()}}};
        for (const auto& d : s.drugs) p.details["drugs"].push_back(d.drug);
        return p;
    }

    nlohmann::json workflow_rules(const nlohmann::json& record) const {
        const api::RuleSet* set = rules_ ? rules_->set("workflow_rules") : nullptr;
        if (!set || set->versions.empty()) return nlohmann::json::object();
        if (record.contains("date") && record["date"].is_string()) {
            const LocalDate d = parse_local_date(record["date"].get<std::string>(), "date");
            if (const auto* v = set->effective_on(d)) return v->data;
        }
        return set->versions.back().data;
    }

    const api::RuleData* rules_ = nullptr;
    shared::Definitions defs_;
};

}  // namespace vertebra::plugins::injections

VERTEBRA_PLUGIN(vertebra::plugins::injections::InjectionsModule)
