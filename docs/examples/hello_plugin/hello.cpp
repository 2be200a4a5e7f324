// The hello plugin: one bookable service, a one-field form and a fee from effective-dated data.
#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::hello {

namespace api = vertebra::plugin_api;

class HelloModule final : public api::TherapyModule {
public:
    std::vector<api::ServiceOffer> services() const override {
        return {{"hello_visit", "Hello visit", 15, "physical_therapy", {}, {"97110"}, {"hello_note"}, ""}};
    }

    std::vector<api::FormSchema> forms() const override {
        api::FormField pain{"pain", "Pain now", api::FieldType::Integer, true, "/10", 0, 10};
        return {{"hello_note", "Hello note", "session_note", {pain}}};
    }

    // Pure: the result depends only on the visit section and the rule data.
    api::BillingResult bill(const api::BillingRequest& req, const api::RuleData& rules) const override {
        const auto& fees = rules.at("fees", req.date_of_service);  // data/fees.json
        api::LineItem line;
        line.code = "97110";
        line.timed = true;
        line.minutes = req.section.value("minutes", 0);
        line.unit_fee_cents = fees.at("97110").get<std::int64_t>();
        return {{line}, {}};
    }
};

}  // namespace vertebra::plugins::hello

VERTEBRA_PLUGIN(vertebra::plugins::hello::HelloModule)
