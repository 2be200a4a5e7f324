// Workflows as state tables (states, initial state, transitions with named guards), checked at load.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vertebra::plugin_api {

struct WorkflowState {
    std::string id;          ///< "consent_signed"
    std::string label;       ///< "Consent signed"
    bool terminal = false;   ///< no transitions may leave it
};

struct WorkflowTransition {
    std::string from;
    std::string to;
    std::string action;  ///< what the user does: "sign_consent"; unique per `from`
    std::string guard;   ///< name of a guard the module evaluates; "" = always allowed
};

/// E.g. the injection workflow: consent -> checklist -> procedure -> observation -> discharge.
struct Workflow {
    std::string id;
    std::string title;
    std::vector<WorkflowState> states;
    std::string initial;
    std::vector<WorkflowTransition> transitions;

    const WorkflowState* state(const std::string& id) const;
    /// Transitions leaving `from`, in table order.
    std::vector<const WorkflowTransition*> transitions_from(const std::string& from) const;
    /// The transition for `action` from `from`, or nullptr.
    const WorkflowTransition* find(const std::string& from, const std::string& action) const;
};

/// Load-time check: non-empty unique state ids; initial exists; every transition names known
/// states; no transition leaves a terminal state; actions unique per state; every guard is in
/// `known_guards`; every state reachable from the initial one; at least one terminal state is
/// reachable. Returns plain-language problems naming the workflow and state; empty = valid.
std::vector<std::string> check_workflow(const Workflow& wf,
                                        const std::vector<std::string>& known_guards);

void to_json(nlohmann::json& j, const Workflow& wf);
/// Throws vertebra::Error(Invalid) naming the member that is wrong.
void from_json(const nlohmann::json& j, Workflow& wf);

/// Result of evaluating a guard against a record.
struct GuardResult {
    bool allowed = true;
    std::string reason;  ///< why not, for the clinician ("Consent form is not signed")
};

}  // namespace vertebra::plugin_api
