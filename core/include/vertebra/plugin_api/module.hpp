// The interface a therapy module implements: services, forms, workflows and its pure rules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/config.hpp>
#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/billing.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugin_api/context.hpp"
#include "vertebra/plugin_api/forms.hpp"
#include "vertebra/plugin_api/rule_data.hpp"
#include "vertebra/plugin_api/workflow.hpp"

namespace vertebra::plugin_api {

/// A bookable service the module offers.
struct ServiceOffer {
    std::string key;                          ///< stable within the module: "adjustment_visit"
    std::string name;                         ///< "Chiropractic adjustment"
    int default_minutes = 30;
    std::string discipline;                   ///< practitioner must have it: "chiropractic"
    std::vector<std::string> equipment;       ///< the room must have all: "adjusting_table"
    std::vector<std::string> billing_codes;   ///< codes it usually bills: "98940", "98941"
    std::vector<std::string> forms;           ///< FormSchema ids filled for it
    std::string workflow;                     ///< Workflow id it runs through; "" = none
};

/// A document a module renders (e.g. a referral letter).
struct Document {
    std::string title;
    std::string media_type = "text/markdown";
    std::string body;
};

/// Implemented by each plugin. Every call is made on the main thread and guarded by the host:
/// an exception becomes an error message; it never reaches the clinician as a crash.
/// Rule functions (bill, check_*) must be pure: their result depends only on the arguments.
class BOOST_SYMBOL_VISIBLE TherapyModule {
public:
    virtual ~TherapyModule() = default;

    /// Once after creation, in dependency order. `ctx` stays valid until after stop().
    /// Throwing fails the plugin with the exception's message.
    virtual void start(const ModuleContext& /*ctx*/) {}
    /// Once at shutdown, in reverse load order.
    virtual void stop() {}

    virtual std::vector<ServiceOffer> services() const = 0;
    virtual std::vector<FormSchema> forms() const { return {}; }
    virtual std::vector<Workflow> workflows() const { return {}; }

    /// Names of the guards its workflows use (checked at load).
    virtual std::vector<std::string> guards() const { return {}; }
    /// Evaluates a guard over the workflow's record (the module's section of the visit).
    virtual GuardResult evaluate_guard(const std::string& /*guard*/,
                                       const nlohmann::json& /*record*/) const {
        return {};
    }

    /// The module's billing rule over its section of one visit.
    virtual BillingResult bill(const BillingRequest& /*request*/,
                               const RuleData& /*rules*/) const {
        return {};
    }
    /// Warnings over all lines of a visit (pairing edits). Default: none.
    virtual std::vector<std::string> review_visit(const VisitReview& /*review*/,
                                                  const RuleData& /*rules*/) const {
        return {};
    }
    virtual std::vector<Finding> check_contraindications(const PatientRecord& /*patient*/,
                                                         const PlannedService& /*planned*/,
                                                         const RuleData& /*rules*/) const {
        return {};
    }
    /// Coverage limits over the patient's history of this module's services.
    virtual std::vector<Finding> check_coverage(const CoverageRequest& /*request*/,
                                                const RuleData& /*rules*/) const {
        return {};
    }

    /// Named module-specific operations (e.g. "referral_letter", "care_summary").
    virtual std::vector<std::string> actions() const { return {}; }
    /// Runs one of actions(). Default throws vertebra::Error(Invalid, "unknown action").
    virtual nlohmann::json run_action(const std::string& action, const nlohmann::json& input,
                                      const ModuleContext& ctx) const;
};

/// Signature of the exported factory.
using ModuleFactory = std::unique_ptr<TherapyModule>();

void to_json(nlohmann::json& j, const ServiceOffer& s);

}  // namespace vertebra::plugin_api
