// The massage therapy module (plugin): timed 97124/97140 lines, NCCI review, contraindications.
#include "../../shared/module_support.hpp"
#include "massage_rules.hpp"

namespace vertebra::plugins::massage {

class MassageModule final : public api::TherapyModule {
public:
    void start(const api::ModuleContext& ctx) override {
        defs_ = shared::load_definitions(ctx.data_dir());
        shared::check_definitions(defs_, guards(), "massage");
        shared::check_contraindication_data(ctx.rules(), "massage");
        for (const char* set : {"massage", "ncci", "codes", "payer_options"})
            if (!ctx.rules().has(set))
                throw invalid(set, std::string("massage: rule data '") + set + "' is missing");
    }

    std::vector<api::ServiceOffer> services() const override {
        return {{"massage_session", "Therapeutic massage", 30, "massage", {"treatment_table"},
                 {"97124", "97140"}, {"session_note"}, "massage_visit"}};
    }
    std::vector<api::FormSchema> forms() const override { return defs_.forms; }
    std::vector<api::Workflow> workflows() const override { return defs_.workflows; }
    std::vector<std::string> guards() const override {
        return {"no_absolute_contraindication", "minutes_and_regions_recorded"};
    }
    api::GuardResult evaluate_guard(const std::string& guard,
                                    const nlohmann::json& record) const override {
        if (guard == "no_absolute_contraindication") {
            for (const auto& f : record.value("findings", nlohmann::json::array()))
                if (f.value("severity", "") == "absolute" && f.value("override_reason", "").empty())
                    return {false, "Absolute contraindication: " + f.value("reason", "")};
            return {};
        }
        if (guard == "minutes_and_regions_recorded") {
            if (!record.contains("minutes") || record.value("regions", nlohmann::json::array())
                                                   .empty())
                return {false, "Record the direct minutes and the regions treated"};
            return {};
        }
        throw invalid("guard", "unknown guard " + guard);
    }

    api::BillingResult bill(const api::BillingRequest& req,
                            const api::RuleData& rules) const override {
        const auto services =
            parse_session(req.section, rules.at("massage", req.date_of_service));
        api::BillingResult out = bill_services(services);
        if (req.patient) {
            api::PlannedService planned{"massage", "massage_session", req.date_of_service, {},
                                        req.payer, {{"regions", nlohmann::json::array()}}};
            for (const auto& s : services) {
                planned.codes.push_back(s.code);
                for (const auto& r : s.regions) planned.details["regions"].push_back(r);
            }
            for (const auto& f : shared::contraindications(rules, *req.patient, planned))
                if (f.severity == api::Severity::Absolute)
                    out.warnings.push_back("Absolute contraindication: " + f.reason);
        }
        return out;
    }

    std::vector<std::string> review_visit(const api::VisitReview& review,
                                          const api::RuleData& rules) const override {
        const auto options = shared::payer_options(rules, review.payer, review.date_of_service);
        if (!options.value("ncci_edits", true)) return {};
        return ncci_warnings(review.lines, review.visit, rules.at("ncci", review.date_of_service));
    }

    std::vector<api::Finding> check_contraindications(
        const api::PatientRecord& patient, const api::PlannedService& planned,
        const api::RuleData& rules) const override {
        return shared::contraindications(rules, patient, planned);
    }

private:
    shared::Definitions defs_;
};

}  // namespace vertebra::plugins::massage

VERTEBRA_PLUGIN(vertebra::plugins::massage::MassageModule)
