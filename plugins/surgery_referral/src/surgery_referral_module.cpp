// The surgery referral module (plugin): referral form, triage, workflow, letter, care summary.
#include "../../shared/module_support.hpp"
#include "referral_rules.hpp"

namespace vertebra::plugins::surgery_referral {

class SurgeryReferralModule final : public api::TherapyModule {
public:
    void start(const api::ModuleContext& ctx) override {
        defs_ = shared::load_definitions(ctx.data_dir());
        shared::check_definitions(defs_, guards(), "surgery_referral");
        for (const char* set : {"red_flags", "referral", "billing"})
            if (!ctx.rules().has(set))
                throw invalid(set, std::string("surgery_referral: rule data '") + set +
                                       "' is missing");
        // Every red flag in the data must be on the form, or the screen could not be complete.
        const auto* form = referral_form();
        if (!form) throw invalid("forms", "surgery_referral: the referral form is missing");
        for (const auto& v : ctx.rules().set("red_flags")->versions)
            for (const auto& f : v.data.at("flags"))
                if (!form->field("rf_" + f.at("key").get<std::string>()))
                    throw invalid("forms", "surgery_referral: referral form lacks red flag rf_" +
                                               f.at("key").get<std::string>());
    }

    std::vector<api::ServiceOffer> services() const override {
        return {{"surgical_referral", "Referral to a spine surgeon", 20, "", {}, {}, {"referral"},
                 "referral"}};
    }
    std::vector<api::FormSchema> forms() const override { return defs_.forms; }
    std::vector<api::Workflow> workflows() const override { return defs_.workflows; }
    std::vector<std::string> guards() const override {
        return {"referral_complete", "consult_date_set", "consult_outcome_recorded"};
    }

    api::GuardResult evaluate_guard(const std::string& guard,
                                    const nlohmann::json& rec) const override {
        const nlohmann::json record = rec.is_object() ? rec : nlohmann::json::object();
        if (guard == "referral_complete") {
            const auto errors = api::validate_form(*referral_form(), record);
            if (!errors.empty())
                return {false, "Referral form: " + errors.front().message +
                                   (errors.size() > 1 ? " (and " +
                                                            std::to_string(errors.size() - 1) +
                                                            " more)"
                                                      : "")};
            return {};
        }
        if (guard == "consult_date_set")
            return record.contains("consult_date") ? api::GuardResult{}
                                                   : api::GuardResult{false, "Set the consult date"};
        if (guard == "consult_outcome_recorded") {
            const std::string o = record.value("consult_outcome", "");
            if (o == "surgery_recommended" || o == "not_recommended" || o == "more_tests")
                return {};
            return {false, "Record the consult outcome: surgery_recommended, not_recommended "
                           "or more_tests"};
        }
        throw invalid("guard", "unknown guard " + guard);
    }

    api::BillingResult bill(const api::BillingRequest& req,
                            const api::RuleData& rules) const override {
        api::BillingResult out;
        const auto& b = rules.at("billing", req.date_of_service);
        if (!b.value("billable", false)) {
            out.warnings.push_back("Surgery referral: not billable (no line items)");
            return out;
        }
        for (const auto& c : shared::strings_of(b.value("codes", nlohmann::json::array()))) {
            api::LineItem l;
            l.code = c;
            out.lines.push_back(std::move(l));
        }
        return out;
    }

    std::vector<std::string> actions() const override {
        return {"triage", "referral_letter", "care_summary"};
    }

    nlohmann::json run_action(const std::string& action, const nlohmann::json& input,
                              const api::ModuleContext& ctx) const override {
        const LocalDate today =
            input.contains("date") && input["date"].is_string()
                ? parse_local_date(input["date"].get<std::string>(), "date")
                : LocalDate{date::floor<date::days>(std::chrono::system_clock::now())
                                .time_since_epoch()};
        const auto& flags = ctx.rules().at("red_flags", today);
        if (action == "triage") {
            std::vector<std::string> present;
            if (input.contains("flags") && input["flags"].is_array())
                present = shared::strings_of(input["flags"]);
            else
                present = present_flags(input, flags);
            return to_json(triage(present, flags));
        }
        if (action == "referral_letter") {
            nlohmann::json form = input;
            form.erase("date");
            const auto errors = api::validate_form(*referral_form(), form);
            if (!errors.empty())
                throw invalid(errors.front().field, errors.front().message);
            const auto doc = referral_letter(form, *referral_form(), flags,
                                             ctx.rules().at("referral", today));
            return {{"title", doc.title}, {"media_type", doc.media_type}, {"body", doc.body}};
        }
        if (action == "care_summary") {
            const auto* records = ctx.records();
            if (!records)
                throw Error(ErrorKind::Unavailable, "no clinic records are open", "records");
            if (!input.contains("patient_id") || !input["patient_id"].is_number_integer())
                throw invalid("patient_id", "is required");
            const auto id = input["patient_id"].get<api::PatientId>();
            const LocalDate from = input.contains("from")
                                       ? parse_local_date(input["from"].get<std::string>(), "from")
                                       : today - date::days{365 * 5};
            return care_summary(records->visits(id, from, today), records->outcomes(id));
        }
        throw invalid("action", "unknown action " + action);
    }

private:
    const api::FormSchema* referral_form() const {
        for (const auto& f : defs_.forms)
            if (f.id == "referral") return &f;
        return nullptr;
    }
    shared::Definitions defs_;
};

}  // namespace vertebra::plugins::surgery_referral

VERTEBRA_PLUGIN(vertebra::plugins::surgery_referral::SurgeryReferralModule)
