// Acupuncture billing and Medicare NCD 30.3.3 rules (RULES.md §3).
#include "acupuncture_rules.hpp"

#include <algorithm>
#include <set>

#include "../../shared/module_support.hpp"

namespace vertebra::plugins::acupuncture {

namespace {

bool flag(const nlohmann::json& j, const char* key, const std::string& field) {
    if (!j.contains(key) || j[key].is_null()) return false;
    if (!j[key].is_boolean()) throw invalid(field + "." + key, "must be true or false");
    return j[key].get<bool>();
}

api::Finding finding(api::Severity s, std::string rule, std::string reason, std::string code = {}) {
    return api::Finding{s, std::move(rule), std::move(reason), std::move(code)};
}

/// Start of the coverage year that contains `date`.
LocalDate year_start(LocalDate date, const std::string& basis) {
    const date::year_month_day ymd{date};
    if (basis == "rolling_12_months") {
        date::year_month_day back{ymd.year() - date::years{1}, ymd.month(), ymd.day()};
        if (!back.ok()) back = ymd.year() / ymd.month() / date::last;  // 29 Feb
        return LocalDate{date::sys_days{back}.time_since_epoch()} + date::days{1};
    }
    return LocalDate{date::sys_days{ymd.year() / date::January / 1}.time_since_epoch()};
}

std::vector<LocalDate> visits_in_year(LocalDate date, const std::vector<LocalDate>& prior,
                                      const std::string& basis) {
    const LocalDate start = year_start(date, basis);
    std::set<LocalDate> days;  // one visit per date
    for (auto d : prior)
        if (d >= start && d < date) days.insert(d);
    return {days.begin(), days.end()};
}

}  // namespace

AcupunctureSession parse_session(const nlohmann::json& section) {
    if (!section.is_object()) throw invalid("acupuncture", "must be an object");
    AcupunctureSession s;
    const auto incs = section.value("increments", nlohmann::json::array());
    if (!incs.is_array()) throw invalid("acupuncture.increments", "must be a list");
    for (std::size_t i = 0; i < incs.size(); ++i) {
        const std::string at = "acupuncture.increments[" + std::to_string(i) + "]";
        const auto& j = incs[i];
        if (!j.is_object()) throw invalid(at, "must be an object {minutes, estim, new_needles}");
        if (!j.contains("minutes") || !j["minutes"].is_number_integer())
            throw invalid(at + ".minutes", "whole minutes of personal contact are required");
        // Read wide, then bounded by a day: 4294967297 is not 1 minute (a narrowing read), and
        // the increments' minutes are summed later.
        const auto minutes = j["minutes"].is_number_unsigned()
                                 ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                       j["minutes"].get<std::uint64_t>(), 1u << 30))
                                 : j["minutes"].get<std::int64_t>();
        if (minutes < 0) throw invalid(at + ".minutes", "must not be negative");
        if (minutes > 1440) throw invalid(at + ".minutes", "must be at most 1440 (a day)");
        Increment inc;
        inc.minutes = static_cast<int>(minutes);
        inc.estim = flag(j, "estim", at);
        inc.new_needles = flag(j, "new_needles", at);
        s.increments.push_back(inc);
    }
    if (section.contains("indication")) {
        const auto& j = section["indication"];
        if (!j.is_object()) throw invalid("acupuncture.indication", "must be an object");
        Indication ind;
        ind.chronic_low_back_pain = flag(j, "chronic_low_back_pain", "acupuncture.indication");
        ind.weeks = shared::section_int(j, "weeks", "acupuncture.indication.weeks", 0);
        ind.nonspecific = flag(j, "nonspecific", "acupuncture.indication");
        ind.surgery_related = flag(j, "surgery_related", "acupuncture.indication");
        ind.pregnancy_related = flag(j, "pregnancy_related", "acupuncture.indication");
        s.indication = ind;
    }
    if (section.contains("history")) {
        const auto& h = section["history"];
        if (!h.is_array()) throw invalid("acupuncture.history", "must be a list of visit dates");
        for (std::size_t i = 0; i < h.size(); ++i) {
            const std::string at = "acupuncture.history[" + std::to_string(i) + "]";
            if (!h[i].is_string()) throw invalid(at, "must be a date YYYY-MM-DD");
            s.prior_visits.push_back(parse_local_date(h[i].get<std::string>(), at));
        }
    }
    s.improvement_documented = flag(section, "improvement_documented", "acupuncture");
    return s;
}

api::BillingResult bill_increments(const std::vector<Increment>& increments,
                                   const nlohmann::json& inc, const nlohmann::json& options,
                                   bool initial_billed_today) {
    api::BillingResult out;
    if (increments.empty()) return out;
    const int initial_min = inc.value("initial_min_minutes", 8);
    const int add_min = options.value("additional_increment_min_minutes", 8);
    const bool need_needles = inc.value("additional_requires_new_needles", true);
    const int length = inc.value("increment_minutes", 15);
    for (std::size_t i = 0; i < increments.size(); ++i)
        if (increments[i].minutes > length)
            throw invalid("acupuncture.increments[" + std::to_string(i) + "].minutes",
                          "an increment is at most " + std::to_string(length) + " minutes (got " +
                              std::to_string(increments[i].minutes) +
                              "); split longer contact into increments");
    auto add = [&](const std::string& code) {
        for (auto& l : out.lines)
            if (l.code == code) {
                ++l.units;
                return;
            }
        api::LineItem l;
        l.code = code;
        l.units = 1;
        out.lines.push_back(std::move(l));
    };
    for (std::size_t i = 0; i < increments.size(); ++i) {
        const Increment& x = increments[i];
        const std::string label = "acupuncture increment " + std::to_string(i + 1);
        const bool initial = i == 0 && !initial_billed_today;
        if (initial) {
            if (x.minutes < initial_min) {
                out.warnings.push_back(label + ": " + std::to_string(x.minutes) +
                                       " min of personal contact is under the " +
                                       std::to_string(initial_min) +
                                       "-minute mid-point: no acupuncture code billed");
                return out;  // nothing may follow an unbilled first increment
            }
            add(inc["initial"][x.estim ? "estim" : "plain"].get<std::string>());
            continue;
        }
        if (i == 0)
            out.warnings.push_back("An initial acupuncture code was already billed today: "
                                   "increment 1 is billed as an add-on");
        if (x.minutes < add_min) {
            out.warnings.push_back(label + ": " + std::to_string(x.minutes) + " min is under " +
                                   "this payer's " + std::to_string(add_min) +
                                   "-minute threshold for an additional increment: not billed");
            continue;
        }
        if (need_needles && !x.new_needles) {
            out.warnings.push_back(label + ": no new needle insertion (re-seating does not "
                                           "count): add-on not billed");
            continue;
        }
        add(inc["additional"][x.estim ? "estim" : "plain"].get<std::string>());
    }
    return out;
}

std::vector<api::Finding> check_eligibility(const Indication& ind, const nlohmann::json& ncd) {
    std::vector<api::Finding> out;
    const int weeks = ncd.value("min_weeks", 12);
    if (!ind.chronic_low_back_pain)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_indication",
                              "NCD 30.3.3 covers acupuncture only for chronic low back pain"));
    else if (ind.weeks < weeks)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_duration",
                              "Low back pain for " + std::to_string(ind.weeks) +
                                  " weeks: NCD 30.3.3 needs " + std::to_string(weeks) +
                                  " weeks or more"));
    if (!ind.nonspecific)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_nonspecific",
                              "Back pain with an identifiable systemic cause is not covered"));
    if (ind.surgery_related)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_surgery",
                              "Back pain associated with surgery is not covered"));
    if (ind.pregnancy_related)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_pregnancy",
                              "Back pain associated with pregnancy is not covered"));
    return out;
}

std::vector<api::Finding> check_eligibility(const api::PatientRecord& p, LocalDate date,
                                            const nlohmann::json& ncd) {
    Indication ind;
    const api::Condition* clbp = nullptr;
    for (const auto& name : shared::strings_of(ncd.value("indication_conditions",
                                                         nlohmann::json::array())))
        if (!clbp) clbp = p.condition(name);
    for (const auto& c : p.conditions) {
        if (clbp || !c.active) continue;
        for (const auto& code : shared::strings_of(ncd.value("indication_codes",
                                                             nlohmann::json::array())))
            if (!c.code.empty() && c.code.rfind(code, 0) == 0) clbp = &c;
    }
    ind.chronic_low_back_pain = clbp != nullptr;
    // Unknown onset: duration cannot be shown, treated as not documented.
    ind.weeks = clbp && clbp->onset ? static_cast<int>((date - *clbp->onset).count() / 7) : 0;
    ind.nonspecific = true;
    for (const auto& c : shared::strings_of(ncd.value("exclusion_conditions",
                                                      nlohmann::json::array())))
        if (p.has_condition(c)) ind.nonspecific = false;
    ind.surgery_related = p.has_condition("post_surgical_back_pain");
    for (const auto& f : shared::strings_of(ncd.value("exclusion_flags", nlohmann::json::array())))
        if (p.has_flag(f)) ind.pregnancy_related = true;
    if (p.has_condition("pregnancy_related_back_pain")) ind.pregnancy_related = true;
    auto out = check_eligibility(ind, ncd);
    if (ind.chronic_low_back_pain && (!clbp || !clbp->onset))
        for (auto& f : out)
            if (f.rule == "ncd_30_3_3_duration") f.reason = "Onset of low back pain not recorded: "
                                                            "NCD 30.3.3 needs 12 weeks or more";
    return out;
}

int visit_number_in_year(LocalDate date, const std::vector<LocalDate>& prior,
                         const std::string& year_basis) {
    return static_cast<int>(visits_in_year(date, prior, year_basis).size()) + 1;
}

std::vector<api::Finding> check_limits(LocalDate date, const std::vector<LocalDate>& prior,
                                       bool improvement, const nlohmann::json& ncd,
                                       const nlohmann::json& options) {
    std::vector<api::Finding> out;
    const std::string year_basis = options.value("year_basis", "calendar");
    const std::string window_basis = options.value("window_basis", "first_visit");
    const auto year = visits_in_year(date, prior, year_basis);
    const int n = static_cast<int>(year.size()) + 1;
    const int per_window = ncd.value("visits_per_window", 12);
    const int window_days = ncd.value("window_days", 90);
    const int extra = ncd.value("extra_visits_with_improvement", 8);
    const int max_year = ncd.value("max_visits_per_year", 20);
    const int kx_from = options.value("kx_from_visit", 0);

    if (n > max_year || n > per_window + extra) {
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_annual_limit",
                              "Visit " + std::to_string(n) + " this year: NCD 30.3.3 covers at "
                              "most " + std::to_string(std::min(max_year, per_window + extra)) +
                              " acupuncture visits a year"));
        return out;
    }
    bool beyond_initial_course = n > per_window;
    std::string why = "visit " + std::to_string(n) + " is beyond the first " +
                      std::to_string(per_window);
    if (!beyond_initial_course) {
        if (window_basis == "rolling") {
            int in_window = 1;
            for (auto d : year)
                if ((date - d).count() < window_days) ++in_window;
            beyond_initial_course = in_window > per_window;
            why = std::to_string(in_window) + " visits in the last " +
                  std::to_string(window_days) + " days";
        } else if (!year.empty() && (date - year.front()).count() >= window_days) {
            beyond_initial_course = true;
            why = "the first " + std::to_string(window_days) + " days from " +
                  format_date(year.front()) + " are over";
        }
    }
    if (beyond_initial_course && !improvement)
        out.push_back(finding(api::Severity::Absolute, "ncd_30_3_3_improvement_required",
                              "NCD 30.3.3: " + why + "; further visits (up to " +
                                  std::to_string(extra) +
                                  " more) are covered only with documented improvement"));
    if (kx_from > 0 && n >= kx_from)
        out.push_back(finding(api::Severity::Relative, "acupuncture_kx",
                              "This payer requires KX on acupuncture visit " +
                                  std::to_string(n) + " (from visit " + std::to_string(kx_from) +
                                  ")",
                              "KX"));
    return out;
}

}  // namespace vertebra::plugins::acupuncture
