// The chiropractic therapy module (plugin): services, forms, workflow, CMT billing, contraindications.
#include "../../shared/module_support.hpp"
#include "chiropractic_rules.hpp"

namespace vertebra::plugins::chiropractic {

class ChiropracticModule final : public api::TherapyModule {
public:
    void start(const api::ModuleContext& ctx) override {
        rules_ = &ctx.rules();
        defs_ = shared::load_definitions(ctx.data_dir());
        shared::check_definitions(defs_, guards(), "chiropractic");
        shared::check_contraindication_data(ctx.rules(), "chiropractic");
        for (const char* set : {"cmt", "codes", "payer_options"})
            if (!ctx.rules().has(set))
                throw invalid(set, std::string("chiropractic: rule data '") + set + "' is missing");
    }

    std::vector<api::ServiceOffer> services() const override {
        return {{"initial_exam", "Chiropractic initial exam", 45, "chiropractic", {"adjusting_table"},
                 {"99203"}, {"exam"}, ""},
                {"adjustment_visit", "Chiropractic adjustment", 20, "chiropractic",
                 {"adjusting_table"}, {"98940", "98941", "98942", "98943"}, {"session_note"},
                 "adjustment_visit"},
                {"re_exam", "Chiropractic re-examination", 30, "chiropractic", {"adjusting_table"},
                 {"99213"}, {"exam"}, ""}};
    }
    std::vector<api::FormSchema> forms() const override { return defs_.forms; }
    std::vector<api::Workflow> workflows() const override { return defs_.workflows; }
    std::vector<std::string> guards() const override {
        return {"regions_recorded", "part_documented"};
    }

    api::GuardResult evaluate_guard(const std::string& guard,
                                    const nlohmann::json& record) const override {
        if (guard == "regions_recorded") {
            const bool any = !record.value("spinal_regions", nlohmann::json::array()).empty() ||
                             !record.value("extraspinal_regions", nlohmann::json::array()).empty();
            return any ? api::GuardResult{} : api::GuardResult{false, "No region recorded"};
        }
        if (guard == "part_documented") {
            if (record.value("subluxation_by_xray", false)) return {};
            const nlohmann::json part = cmt_rules(record).at("part");
            for (const auto& r : shared::strings_of(
                     record.value("spinal_regions", nlohmann::json::array()))) {
                const auto found = shared::strings_of(
                    record.value("part_" + r, nlohmann::json::array()));
                if (!part_documented(found, part))
                    return {false, r + ": subluxation not documented by PART (2 of P, A, R, T "
                                       "with one of A or R) or imaging"};
            }
            return {};
        }
        throw invalid("guard", "unknown guard " + guard);
    }

    api::BillingResult bill(const api::BillingRequest& req,
                            const api::RuleData& rules) const override {
        const CmtSession s = parse_session(req.section);
        return bill_session(s, req.date_of_service, rules.at("cmt", req.date_of_service),
                            shared::payer_options(rules, req.payer, req.date_of_service));
    }

    std::vector<api::Finding> check_contraindications(
        const api::PatientRecord& patient, const api::PlannedService& planned,
        const api::RuleData& rules) const override {
        return shared::contraindications(rules, patient, planned);
    }

    /// Visit cap and course length (payer_options.json) over this patient's earlier visits.
    std::vector<api::Finding> check_coverage(const api::CoverageRequest& req,
                                             const api::RuleData& rules) const override {
        std::vector<LocalDate> prior;
        for (const auto& h : req.history)
            if (h.module_id == "chiropractic" || h.module_id.empty()) prior.push_back(h.date);
        return check_course(req.planned.date, std::move(prior),
                            shared::payer_options(rules, req.planned.payer, req.planned.date));
    }

private:
    /// Rule set "cmt" in force on the record's "date" (else the newest version).
    nlohmann::json cmt_rules(const nlohmann::json& record) const {
        const api::RuleSet* set = rules_->set("cmt");
        if (record.contains("date") && record["date"].is_string())
            if (const auto* v = set->effective_on(
                    parse_local_date(record["date"].get<std::string>(), "date")))
                return v->data;
        return set->versions.back().data;
    }

    const api::RuleData* rules_ = nullptr;
    shared::Definitions defs_;
};

}  // namespace vertebra::plugins::chiropractic

VERTEBRA_PLUGIN(vertebra::plugins::chiropractic::ChiropracticModule)
