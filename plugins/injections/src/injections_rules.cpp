// Injection billing: procedure codes by muscles/levels, HCPCS drug units, 12-month limits (§5).
#include "injections_rules.hpp"

#include <cmath>
#include <limits>
#include <set>

#include "../../shared/module_support.hpp"

namespace vertebra::plugins::injections {

using shared::contains;
using shared::join;
using shared::strings_of;

namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& field) {
    if (!j.contains(key) || j[key].is_null()) return "";
    if (!j[key].is_string()) throw invalid(field, "must be text");
    return j[key].get<std::string>();
}

std::vector<std::string> str_list(const nlohmann::json& j, const char* key,
                                  const std::string& field) {
    if (!j.contains(key)) return {};
    if (!j[key].is_array()) throw invalid(field, "must be a list");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < j[key].size(); ++i) {
        if (!j[key][i].is_string() || j[key][i].get<std::string>().empty())
            throw invalid(field + "[" + std::to_string(i) + "]", "must be non-empty text");
        out.push_back(j[key][i].get<std::string>());
    }
    return out;
}

/// The largest dose or waste in mg a drug line may give: far above any spinal injection
/// (triamcinolone 80 mg, a vial of 1000 mg), and small enough that units stay an int. A larger
/// number is a typo; unchecked, 4e29 mg made the unit count an undefined float-to-int cast
/// (found by fuzz_bill).
constexpr double kMaxDoseMg = 100000;

int units_of(double mg, double per_unit) {
    return static_cast<int>(std::ceil(mg / per_unit - 1e-9));
}

api::LineItem make_line(const std::string& code, int units) {
    api::LineItem l;
    l.code = code;
    l.units = units;
    return l;
}

LocalDate minus_months(LocalDate d, int months) {
    const date::year_month_day ymd{d};
    date::year_month ym = date::year_month{ymd.year(), ymd.month()} - date::months{months};
    date::year_month_day back = ym / ymd.day();
    if (!back.ok()) back = ym / date::last;
    return LocalDate{date::sys_days{back}.time_since_epoch()};
}

}  // namespace

InjectionSession parse_session(const nlohmann::json& section, const nlohmann::json& procedures,
                               const nlohmann::json& drugs) {
    if (!section.is_object()) throw invalid("injections", "must be an object");
    InjectionSession s;
    s.procedure = str(section, "procedure", "injections.procedure");
    if (s.procedure.empty() && !section.contains("drugs"))
        throw invalid("injections.procedure", "is required");
    if (!s.procedure.empty() && !procedures.contains(s.procedure)) {
        std::vector<std::string> known;
        for (auto it = procedures.begin(); it != procedures.end(); ++it) known.push_back(it.key());
        throw invalid("injections.procedure", "unknown procedure '" + s.procedure +
                                                  "' (expected " + join(known) + ")");
    }
    s.muscles = str_list(section, "muscles", "injections.muscles");
    s.region = str(section, "region", "injections.region");
    s.levels = str_list(section, "levels", "injections.levels");
    s.side = str(section, "side", "injections.side");
    if (!s.side.empty() && !contains({"left", "right", "bilateral", "midline"}, s.side))
        throw invalid("injections.side", "must be left, right, bilateral or midline");
    s.imaging = str(section, "imaging", "injections.imaging");
    if (section.contains("drugs")) {
        const auto& d = section["drugs"];
        if (!d.is_array()) throw invalid("injections.drugs", "must be a list");
        for (std::size_t i = 0; i < d.size(); ++i) {
            const std::string at = "injections.drugs[" + std::to_string(i) + "]";
            if (!d[i].is_object()) throw invalid(at, "must be an object {drug, mg}");
            DrugGiven g;
            g.drug = str(d[i], "drug", at + ".drug");
            if (!drugs.at("drugs").contains(g.drug))
                throw invalid(at + ".drug", "unknown drug '" + g.drug + "'");
            if (!d[i].contains("mg") || !d[i]["mg"].is_number() || d[i]["mg"].get<double>() <= 0 ||
                d[i]["mg"].get<double>() > kMaxDoseMg)
                throw invalid(at + ".mg", "the dose in mg must be a positive number of at most " +
                                              std::to_string(static_cast<int>(kMaxDoseMg)));
            g.mg = d[i]["mg"].get<double>();
            if (d[i].contains("discarded_mg")) {
                if (!d[i]["discarded_mg"].is_number() || d[i]["discarded_mg"].get<double>() < 0 ||
                    d[i]["discarded_mg"].get<double>() > kMaxDoseMg)
                    throw invalid(at + ".discarded_mg",
                                  "must be a number from 0 to " +
                                      std::to_string(static_cast<int>(kMaxDoseMg)));
                g.discarded_mg = d[i]["discarded_mg"].get<double>();
            }
            s.drugs.push_back(g);
        }
    }
    if (section.contains("history")) {
        const auto& h = section["history"];
        if (!h.is_array()) throw invalid("injections.history", "must be a list");
        for (std::size_t i = 0; i < h.size(); ++i) {
            const std::string at = "injections.history[" + std::to_string(i) + "]";
            if (!h[i].is_object() || !h[i].contains("date") || !h[i]["date"].is_string())
                throw invalid(at + ".date", "each earlier session needs a date");
            s.history.push_back({parse_local_date(h[i]["date"].get<std::string>(), at + ".date"),
                                 str(h[i], "procedure", at + ".procedure"),
                                 str(h[i], "region", at + ".region")});
        }
    }
    return s;
}

int distinct_muscles(const std::vector<std::string>& muscles) {
    return static_cast<int>(std::set<std::string>(muscles.begin(), muscles.end()).size());
}

std::vector<std::pair<std::string, int>> drug_units(double mg, const nlohmann::json& drug) {
    const auto& codes = drug.at("codes");
    if (codes.size() == 1)
        return {{codes[0].at("code").get<std::string>(),
                 units_of(mg, codes[0].at("mg_per_unit").get<double>())}};
    // Several strengths (methylprednisolone before J1010): search small combinations.
    std::vector<std::pair<std::string, double>> s;
    for (const auto& c : codes)
        s.push_back({c.at("code").get<std::string>(), c.at("mg_per_unit").get<double>()});
    std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    const int max_each = units_of(mg, s.back().second);
    std::vector<int> best, cur(s.size(), 0);
    int best_units = std::numeric_limits<int>::max();
    double best_mg = std::numeric_limits<double>::max();
    auto search = [&](auto&& self, std::size_t i, int units, double covered) -> void {
        if (i == s.size()) {
            if (covered + 1e-9 < mg) return;
            if (units < best_units || (units == best_units && covered < best_mg - 1e-9)) {
                best = cur;
                best_units = units;
                best_mg = covered;
            }  // equal units and mg: the first found keeps larger strengths (searched first)
            return;
        }
        for (int k = max_each; k >= 0; --k) {
            cur[i] = k;
            self(self, i + 1, units + k, covered + k * s[i].second);
        }
        cur[i] = 0;
    };
    search(search, 0, 0, 0.0);
    std::vector<std::pair<std::string, int>> out;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (best[i] > 0) out.push_back({s[i].first, best[i]});
    return out;
}

api::BillingResult bill_procedure(const InjectionSession& s, const nlohmann::json& procedures,
                                  const nlohmann::json& options) {
    api::BillingResult out;
    if (s.procedure.empty()) return out;
    const auto& p = procedures.at(s.procedure);
    const std::string label = p.value("label", s.procedure);
    const std::set<std::string> levels(s.levels.begin(), s.levels.end());
    const int n_levels = static_cast<int>(levels.size());

    auto need_region = [&](const std::vector<std::string>& allowed) {
        if (s.region.empty()) throw invalid("injections.region", "is required for " + label);
        if (!allowed.empty() && !contains(allowed, s.region))
            throw invalid("injections.region", label + " codes are configured for " +
                                                   join(allowed) + " only (got " + s.region + ")");
    };
    auto need_levels = [&]() {
        if (n_levels == 0) throw invalid("injections.levels", "at least one level is required");
    };

    if (s.procedure == "trigger_point") {
        const int n = distinct_muscles(s.muscles);
        if (n == 0) throw invalid("injections.muscles", "name each muscle injected");
        for (const auto& row : p.at("by_muscles"))
            if (n >= row.at("min").get<int>() && n <= row.at("max").get<int>())
                out.lines.push_back(make_line(row.at("code").get<std::string>(), 1));
        if (static_cast<int>(s.muscles.size()) > n)
            out.warnings.push_back("Trigger points count muscles: repeat injections into a "
                                   "muscle add nothing (" + std::to_string(n) + " muscles)");
    } else if (p.contains("by_region")) {  // interlaminar
        std::vector<std::string> allowed;
        for (auto it = p["by_region"].begin(); it != p["by_region"].end(); ++it)
            allowed.push_back(it.key());
        need_region(allowed);
        out.lines.push_back(make_line(p["by_region"][s.region].get<std::string>(), 1));
        if (n_levels > p.value("max_levels", 1))
            out.warnings.push_back(label + " is one level per session: billed once");
        if (s.side == "bilateral")
            out.warnings.push_back(label + ": no bilateral modifier (one midline injection)");
    } else if (p.contains("level_codes")) {  // facet
        need_region(strings_of(p.value("regions", nlohmann::json::array())));
        need_levels();
        const auto codes = strings_of(p["level_codes"]);
        out.lines.push_back(make_line(codes.at(0), 1));
        if (n_levels >= 2) out.lines.push_back(make_line(codes.at(1), 1));
        if (n_levels >= 3) {
            if (options.value("facet_third_level_covered", true))
                out.lines.push_back(make_line(codes.at(2), 1));
            else
                out.warnings.push_back(codes.at(2) + " (third facet level) is not covered by "
                                       "this payer: left off the claim");
        }
    } else {  // transforaminal and radiofrequency: primary + additional levels
        need_region(strings_of(p.value("regions", nlohmann::json::array())));
        need_levels();
        const int max_levels = p.value("max_levels", 2);
        out.lines.push_back(make_line(p.at("primary").get<std::string>(), 1));
        const int extra = std::min(n_levels, max_levels) - 1;
        if (extra > 0) out.lines.push_back(make_line(p.at("additional").get<std::string>(), extra));
        if (n_levels > max_levels)
            out.warnings.push_back(label + ": at most " + std::to_string(max_levels) +
                                   " levels per session; " + std::to_string(n_levels - max_levels) +
                                   " level(s) not billed");
        if (s.side == "bilateral" && p.contains("bilateral_modifier"))
            for (auto& l : out.lines) l.modifiers.push_back(p["bilateral_modifier"]);
    }
    for (auto& l : out.lines) l.region = s.region;
    if (p.value("imaging_required", false) &&
        (s.imaging.empty() || s.imaging == "none" || s.imaging == "ultrasound"))
        out.warnings.push_back(label + ": fluoroscopic or CT guidance is required (included in "
                               "the code); document it with 2 views");
    return out;
}

api::BillingResult bill_drugs(const std::vector<DrugGiven>& drugs, const nlohmann::json& table,
                              const nlohmann::json& options) {
    api::BillingResult out;
    const bool jw_jz = options.value("jw_jz", false);
    for (const auto& d : drugs) {
        const auto& drug = table.at("drugs").at(d.drug);
        for (const auto& [code, units] : drug_units(d.mg, drug)) {
            api::LineItem l = make_line(code, units);
            l.description = drug.value("name", d.drug);
            if (jw_jz && d.discarded_mg && *d.discarded_mg == 0) l.modifiers.push_back("JZ");
            out.lines.push_back(std::move(l));
        }
        if (!jw_jz) continue;
        if (!d.discarded_mg) {
            out.warnings.push_back(d.drug + ": report the discarded amount (JW line) or JZ when "
                                   "none was discarded");
        } else if (*d.discarded_mg > 0) {
            for (const auto& [code, units] : drug_units(*d.discarded_mg, drug)) {
                api::LineItem l = make_line(code, units);
                l.modifiers.push_back("JW");
                out.lines.push_back(std::move(l));
            }
        }
    }
    return out;
}

std::vector<api::Finding> check_limits(LocalDate date, const std::string& procedure,
                                       const std::string& region,
                                       const std::vector<PriorSession>& history,
                                       const nlohmann::json& procedures,
                                       const nlohmann::json& limits) {
    std::vector<api::Finding> out;
    if (!procedures.contains(procedure)) return out;
    const std::string group = procedures[procedure].value("limit_group", "");
    if (group.empty() || !limits.at("groups").contains(group)) return out;
    const auto& g = limits["groups"][group];
    const bool per_region = g.value("per_region", false);
    const LocalDate start = minus_months(date, limits.value("window_months", 12));
    std::set<std::pair<LocalDate, std::string>> sessions;  // a session is one date (one region)
    for (const auto& h : history) {
        if (h.date <= start || h.date >= date) continue;
        if (!procedures.contains(h.procedure) ||
            procedures[h.procedure].value("limit_group", "") != group)
            continue;
        if (per_region && h.region != region) continue;
        sessions.insert({h.date, per_region ? h.region : ""});
    }
    const int n = static_cast<int>(sessions.size()) + 1;
    const int max = g.value("max_sessions", 0);
    if (max > 0 && n > max)
        out.push_back({api::Severity::Absolute, "limit_" + group,
                       "Session " + std::to_string(n) + " of " + g.value("label", group) +
                           (per_region ? " in the " + region + " region" : std::string()) +
                           " within " + std::to_string(limits.value("window_months", 12)) +
                           " months: the limit is " + std::to_string(max),
                       ""});
    return out;
}

}  // namespace vertebra::plugins::injections
