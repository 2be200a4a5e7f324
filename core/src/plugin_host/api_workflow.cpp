// Workflow state tables: lookups, the load-time check (unknown/unreachable states) and JSON mapping.
#include "vertebra/plugin_api/workflow.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "vertebra/common/error.hpp"

namespace vertebra::plugin_api {

const WorkflowState* Workflow::state(const std::string& sid) const {
    for (const auto& s : states) {
        if (s.id == sid) return &s;
    }
    return nullptr;
}

std::vector<const WorkflowTransition*> Workflow::transitions_from(const std::string& from) const {
    std::vector<const WorkflowTransition*> out;
    for (const auto& t : transitions) {
        if (t.from == from) out.push_back(&t);
    }
    return out;
}

const WorkflowTransition* Workflow::find(const std::string& from, const std::string& action) const {
    for (const auto& t : transitions) {
        if (t.from == from && t.action == action) return &t;
    }
    return nullptr;
}

std::vector<std::string> check_workflow(const Workflow& wf,
                                        const std::vector<std::string>& known_guards) {
    std::vector<std::string> problems;
    const std::string name = "workflow '" + wf.id + "'";
    if (wf.id.empty()) problems.push_back("a workflow has no id");
    if (wf.states.empty()) {
        problems.push_back(name + ": has no states");
        return problems;
    }
    std::set<std::string> ids;
    for (const auto& s : wf.states) {
        if (s.id.empty()) problems.push_back(name + ": a state has no id");
        else if (!ids.insert(s.id).second) problems.push_back(name + ": state '" + s.id + "' is declared twice");
    }
    if (wf.initial.empty()) problems.push_back(name + ": no initial state");
    else if (!ids.count(wf.initial)) {
        problems.push_back(name + ": initial state '" + wf.initial + "' is not a declared state");
    }
    std::set<std::pair<std::string, std::string>> actions;
    for (const auto& t : wf.transitions) {
        const std::string where = name + ", transition '" + t.action + "' (" + t.from + " -> " + t.to + ")";
        if (t.action.empty()) problems.push_back(where + ": has no action name");
        if (!ids.count(t.from)) problems.push_back(where + ": unknown state '" + t.from + "'");
        if (!ids.count(t.to)) problems.push_back(where + ": unknown state '" + t.to + "'");
        if (const auto* s = wf.state(t.from); s && s->terminal) {
            problems.push_back(where + ": leaves terminal state '" + t.from + "'");
        }
        if (!actions.insert({t.from, t.action}).second) {
            problems.push_back(where + ": action '" + t.action + "' is declared twice from state '" + t.from + "'");
        }
        if (!t.guard.empty() &&
            std::find(known_guards.begin(), known_guards.end(), t.guard) == known_guards.end()) {
            problems.push_back(where + ": guard '" + t.guard + "' is not provided by the module");
        }
    }
    if (!ids.count(wf.initial)) return problems;

    // Reachability from the initial state.
    std::set<std::string> seen{wf.initial};
    std::vector<std::string> todo{wf.initial};
    while (!todo.empty()) {
        const std::string cur = todo.back();
        todo.pop_back();
        for (const auto& t : wf.transitions) {
            if (t.from == cur && ids.count(t.to) && seen.insert(t.to).second) todo.push_back(t.to);
        }
    }
    bool terminal_reachable = false;
    for (const auto& s : wf.states) {
        if (!seen.count(s.id)) {
            problems.push_back(name + ": state '" + s.id + "' cannot be reached from '" + wf.initial + "'");
        } else if (s.terminal) {
            terminal_reachable = true;
        }
    }
    if (!terminal_reachable) problems.push_back(name + ": no terminal state can be reached");
    return problems;
}

void to_json(nlohmann::json& j, const Workflow& wf) {
    j = nlohmann::json{{"id", wf.id}, {"title", wf.title}, {"initial", wf.initial},
                       {"states", nlohmann::json::array()}, {"transitions", nlohmann::json::array()}};
    for (const auto& s : wf.states) {
        j["states"].push_back({{"id", s.id}, {"label", s.label}, {"terminal", s.terminal}});
    }
    for (const auto& t : wf.transitions) {
        nlohmann::json tj{{"from", t.from}, {"to", t.to}, {"action", t.action}};
        if (!t.guard.empty()) tj["guard"] = t.guard;
        j["transitions"].push_back(std::move(tj));
    }
}

namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& where,
                const std::string& fallback = {}) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw invalid(where + "." + key, "must be text");
    return it->get<std::string>();
}

}  // namespace

void from_json(const nlohmann::json& j, Workflow& wf) {
    if (!j.is_object()) throw invalid("workflow", "must be a JSON object");
    wf.id = str(j, "id", "workflow");
    if (wf.id.empty()) throw invalid("workflow.id", "is missing");
    const std::string where = "workflow." + wf.id;
    wf.title = str(j, "title", where, wf.id);
    wf.initial = str(j, "initial", where);
    wf.states.clear();
    wf.transitions.clear();
    auto states = j.find("states");
    if (states == j.end() || !states->is_array()) throw invalid(where + ".states", "must be a list");
    for (const auto& s : *states) {
        if (s.is_string()) {
            wf.states.push_back({s.get<std::string>(), s.get<std::string>(), false});
            continue;
        }
        if (!s.is_object()) throw invalid(where + ".states", "each state must be text or an object");
        WorkflowState st{str(s, "id", where + ".states"), "", false};
        st.label = str(s, "label", where + ".states", st.id);
        if (auto t = s.find("terminal"); t != s.end()) {
            if (!t->is_boolean()) throw invalid(where + ".states.terminal", "must be true or false");
            st.terminal = t->get<bool>();
        }
        wf.states.push_back(std::move(st));
    }
    if (auto ts = j.find("transitions"); ts != j.end()) {
        if (!ts->is_array()) throw invalid(where + ".transitions", "must be a list");
        for (const auto& t : *ts) {
            if (!t.is_object()) throw invalid(where + ".transitions", "each must be an object");
            const std::string tw = where + ".transitions";
            wf.transitions.push_back(
                {str(t, "from", tw), str(t, "to", tw), str(t, "action", tw), str(t, "guard", tw)});
        }
    }
}

}  // namespace vertebra::plugin_api
