// Review logic: MCID comparison per measure, "not improving" timing and next-step suggestions.
#include "vertebra/plans/review.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace vertebra::core::plans {

namespace {

LocalDate utc_date(Instant t) { return LocalDate{date::floor<date::days>(t).time_since_epoch()}; }

}  // namespace

const char* to_string(ReviewOutcome o) {
    switch (o) {
        case ReviewOutcome::Improving: return "improving";
        case ReviewOutcome::NotImproving: return "not_improving";
        case ReviewOutcome::TooEarly: return "too_early";
        case ReviewOutcome::NoData: return "no_data";
        case ReviewOutcome::RedFlag: return "red_flag";
    }
    return "no_data";
}

PlanReview review_plan(const TreatmentPlan& plan, const Assessment& assessment,
                       const std::vector<outcomes::Observation>& observations,
                       LocalDate review_date,
                       const std::optional<std::vector<RedFlagAnswer>>& screen,
                       const ClinicalRules& rules, const outcomes::OutcomeConfig& config) {
    PlanReview r;
    r.review_date = review_date;
    const int plan_days = static_cast<int>((review_date - plan.start_date).count());
    r.weeks_of_care = std::max(0, plan_days) / 7 + assessment.prior_conservative_care_weeks;

    // Outcomes first: the comparison is reported even when a red flag takes over.
    using outcomes::Measure;
    for (Measure m : {Measure::Odi, Measure::Nrs, Measure::Rmdq}) {
        std::vector<outcomes::Observation> obs;
        for (const auto& o : observations)
            if (o.measure == m && o.patient_id == assessment.patient_id &&
                utc_date(o.taken_at) <= review_date)
                obs.push_back(o);
        std::stable_sort(obs.begin(), obs.end(),
                         [](const auto& a, const auto& b) { return a.taken_at < b.taken_at; });
        std::optional<outcomes::Observation> base;
        for (const auto& o : assessment.baseline)
            if (o.measure == m && (!base || o.taken_at > base->taken_at)) base = o;
        if (!base && !obs.empty()) base = obs.front();
        if (!base) continue;
        std::optional<outcomes::Observation> latest;
        for (const auto& o : obs)
            if (o.taken_at > base->taken_at) latest = o;
        if (!latest) continue;
        r.comparisons.push_back(outcomes::compare_with_baseline(m, base->value, latest->value, config));
    }

    bool any_measure_goal = false;
    r.goals_met = true;
    for (const auto& g : plan.goals) {
        if (!g.measure || !g.target) continue;
        any_measure_goal = true;
        auto c = std::find_if(r.comparisons.begin(), r.comparisons.end(),
                              [&](const auto& x) { return x.measure == *g.measure; });
        if (c == r.comparisons.end() || c->follow_up > *g.target + 1e-9) r.goals_met = false;
    }
    r.goals_met = r.goals_met && any_measure_goal;

    r.triage = triage(screen ? *screen : assessment.red_flags, rules.red_flags);
    if (r.triage.escalate) {
        r.outcome = ReviewOutcome::RedFlag;
        r.flag = "red flag";
        std::string labels;
        for (const auto& p : r.triage.present)
            if (p.tier >= rules.red_flags.escalate_from)
                labels += (labels.empty() ? "" : "; ") + p.label;
        r.suggestion_code = r.triage.tier == TriageTier::Emergency       ? "refer_emergency"
                            : r.triage.tier == TriageTier::SameDayUrgent ? "refer_same_day_urgent"
                                                                         : "refer_urgent";
        r.suggestion = fmt::format("Red flag ({}): {}. Elective therapy is blocked until the "
                                   "referral is made.",
                                   labels, r.triage.action.empty() ? to_string(r.triage.tier)
                                                                   : r.triage.action);
        return r;
    }

    if (r.comparisons.empty()) {
        r.outcome = ReviewOutcome::NoData;
        r.suggestion_code = "record_outcomes";
        r.suggestion = "Record ODI, NRS or RMDQ (a baseline and a follow-up) to review progress.";
        return r;
    }

    const bool improving = std::any_of(r.comparisons.begin(), r.comparisons.end(),
                                       [](const auto& c) { return c.met(); });
    if (improving) {
        r.outcome = ReviewOutcome::Improving;
        if (r.goals_met) {
            r.suggestion_code = "step_down";
            r.suggestion = "MCID met and the plan's targets reached: step down (fewer sessions, "
                           "home programme) and keep measuring.";
        } else {
            r.suggestion_code = "continue";
            r.suggestion = "MCID met: continue the plan.";
        }
        return r;
    }

    const auto& rv = rules.review;
    if (r.weeks_of_care < rv.not_improving_after_weeks) {
        r.outcome = ReviewOutcome::TooEarly;
        r.suggestion_code = "continue_and_remeasure";
        r.suggestion = fmt::format("No clinically important change yet after {} weeks; continue and "
                                   "re-measure (not improving is judged from {} weeks).",
                                   r.weeks_of_care, rv.not_improving_after_weeks);
        return r;
    }

    r.outcome = ReviewOutcome::NotImproving;
    r.flag = "not improving";
    if (assessment.objective_motor_weakness && r.weeks_of_care >= rv.motor_weakness_referral_weeks) {
        r.suggestion_code = "consider_surgical_referral";
        r.suggestion = fmt::format("Not improving after {} weeks with objective motor weakness: "
                                   "consider referral to a spine surgeon.",
                                   r.weeks_of_care);
    } else if (assessment.pain_pattern == PainPattern::Radicular &&
               r.weeks_of_care >= rv.radicular_referral_weeks) {
        r.suggestion_code = "consider_injection_or_surgical_referral";
        r.suggestion = fmt::format("Not improving after {} weeks of conservative care with radicular "
                                   "pain: consider an epidural steroid injection or referral to a "
                                   "spine surgeon.",
                                   r.weeks_of_care);
    } else if (assessment.pain_pattern == PainPattern::Axial &&
               r.weeks_of_care >= rv.axial_referral_weeks) {
        r.suggestion_code = "consider_specialist_referral";
        r.suggestion = fmt::format("Not improving after {} weeks of persistent axial pain: consider "
                                   "a pain-specialist or spine-surgeon opinion (surgeons favour "
                                   "leg-dominant referrals; document any structural abnormality).",
                                   r.weeks_of_care);
    } else {
        const int at = assessment.pain_pattern == PainPattern::Radicular ? rv.radicular_referral_weeks
                                                                         : rv.axial_referral_weeks;
        r.suggestion_code = "adjust_conservative_care";
        r.suggestion = fmt::format("Not improving after {} weeks: adjust the conservative plan (e.g. "
                                   "add psychological support or change modality); elective "
                                   "referral for {} pain is considered from {} weeks.",
                                   r.weeks_of_care, to_string(assessment.pain_pattern), at);
    }
    return r;
}

void to_json(nlohmann::json& j, const PlanReview& r) {
    auto comparisons = nlohmann::json::array();
    for (const auto& c : r.comparisons) comparisons.push_back(outcomes::to_json(c));
    j = {{"outcome", to_string(r.outcome)},
         {"review_date", format_date(r.review_date)},
         {"weeks_of_care", r.weeks_of_care},
         {"comparisons", comparisons},
         {"goals_met", r.goals_met},
         {"flag", r.flag.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.flag)},
         {"suggestion_code", r.suggestion_code},
         {"suggestion", r.suggestion},
         {"triage", r.triage}};
}

}  // namespace vertebra::core::plans
