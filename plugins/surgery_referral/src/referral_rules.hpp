// Referral rules as pure functions: red-flag triage, elective timing, care summary, referral letter.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plugin_api/plugin.hpp"

namespace vertebra::plugins::surgery_referral {

namespace api = vertebra::plugin_api;

/// Triage of a red-flag screen (RULES.md §6.2): the most urgent tier of any suspected group.
struct Triage {
    std::string tier = "routine";  ///< emergency | urgent | routine
    std::string timeframe;         ///< "emergency department, same day", "same day", ...
    std::vector<std::string> groups;   ///< suspected groups, most urgent first
    std::vector<std::string> reasons;  ///< labels of the flags present
};

/// Flags marked present in a referral form (fields rf_<flag>).
std::vector<std::string> present_flags(const nlohmann::json& form, const nlohmann::json& red_flags);
/// Flags not marked present or absent (the screen must mark every one).
std::vector<std::string> unanswered_flags(const nlohmann::json& form,
                                          const nlohmann::json& red_flags);

/// Tier from the flags present; `red_flags` = rule set "red_flags". Unknown flag -> Invalid.
Triage triage(const std::vector<std::string>& present, const nlohmann::json& red_flags);
nlohmann::json to_json(const Triage& t);

/// Notes on elective timing and surgical-risk thresholds (§6.1.8, §6.3) for the letter.
std::vector<std::string> referral_notes(const nlohmann::json& form, const Triage& t,
                                        const nlohmann::json& referral);

/// Conservative-care summary from the record: sessions by discipline, injections with relief,
/// outcome trends (first and latest of each measure; lower is better for ODI, NPRS and RMDQ).
nlohmann::json care_summary(const std::vector<api::VisitSummary>& visits,
                            const std::vector<api::OutcomeScore>& outcomes);

/// The referral letter (markdown) from a filled referral form.
api::Document referral_letter(const nlohmann::json& form, const api::FormSchema& schema,
                              const nlohmann::json& red_flags, const nlohmann::json& referral);

}  // namespace vertebra::plugins::surgery_referral
