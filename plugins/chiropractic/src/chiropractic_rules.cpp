// Chiropractic billing rules: CMT by region count, Medicare AT/GA and 98943, PART, re-exam.
#include "chiropractic_rules.hpp"

#include <algorithm>

#include "../../shared/module_support.hpp"

namespace vertebra::plugins::chiropractic {

using shared::contains;
using shared::strings_of;

namespace {

std::vector<std::string> regions_of(const nlohmann::json& section, const std::string& key,
                                    bool spinal) {
    std::vector<std::string> out;
    if (!section.contains(key)) return out;
    const auto& arr = section[key];
    if (!arr.is_array()) throw invalid("chiropractic." + key, "must be a list of region names");
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string field = "chiropractic." + key + "[" + std::to_string(i) + "]";
        if (!arr[i].is_string()) throw invalid(field, "must be a region name");
        const std::string r = arr[i].get<std::string>();
        const bool ok = spinal ? api::is_spinal_region(r) : api::is_extraspinal_region(r);
        if (!ok)
            throw invalid(field, "unknown " + std::string(spinal ? "spinal" : "extraspinal") +
                                     " region '" + r + "' (expected one of " +
                                     shared::join(spinal ? api::spinal_regions()
                                                         : api::extraspinal_regions()) +
                                     ")");
        if (!contains(out, r)) out.push_back(r);
    }
    return out;
}

}  // namespace

CmtSession parse_session(const nlohmann::json& section) {
    if (!section.is_object()) throw invalid("chiropractic", "must be an object");
    CmtSession s;
    s.spinal_regions = regions_of(section, "spinal_regions", true);
    s.extraspinal_regions = regions_of(section, "extraspinal_regions", false);
    const std::string care = section.value("care", "active");
    if (care != "active" && care != "maintenance")
        throw invalid("chiropractic.care", "must be active or maintenance (got '" + care + "')");
    s.maintenance = care == "maintenance";
    if (section.contains("findings")) {
        const auto& f = section["findings"];
        if (!f.is_object())
            throw invalid("chiropractic.findings", "must map a region to its PART findings");
        for (auto it = f.begin(); it != f.end(); ++it) {
            const std::string field = "chiropractic.findings." + it.key();
            if (!api::is_spinal_region(it.key()) && !api::is_extraspinal_region(it.key()))
                throw invalid(field, "unknown region");
            if (!it->is_array()) throw invalid(field, "must be a list of P, A, R, T");
            for (const auto& e : *it) {
                if (!e.is_string() || !contains({"P", "A", "R", "T"}, e.get<std::string>()))
                    throw invalid(field, "PART findings are P, A, R or T");
            }
        }
        s.findings = f;
    }
    s.subluxation_by_xray = section.value("subluxation_by_xray", false);
    if (section.contains("visits_since_exam"))
        s.visits_since_exam = shared::section_int(section, "visits_since_exam",
                                                  "chiropractic.visits_since_exam", 0);
    if (section.contains("last_exam_date")) {
        if (!section["last_exam_date"].is_string())
            throw invalid("chiropractic.last_exam_date", "must be a date YYYY-MM-DD");
        s.last_exam_date = parse_local_date(section["last_exam_date"].get<std::string>(),
                                            "chiropractic.last_exam_date");
    }
    return s;
}

std::string spinal_code(int regions, const nlohmann::json& cmt) {
    for (const auto& row : cmt.at("spinal_codes"))
        if (regions >= row.at("min_regions").get<int>() &&
            regions <= row.at("max_regions").get<int>())
            return row.at("code").get<std::string>();
    return "";
}

bool part_documented(const std::vector<std::string>& elements, const nlohmann::json& part) {
    std::vector<std::string> distinct;
    for (const auto& e : elements)
        if (contains(strings_of(part.at("elements")), e) && !contains(distinct, e))
            distinct.push_back(e);
    if (static_cast<int>(distinct.size()) < part.value("min_elements", 2)) return false;
    for (const auto& k : strings_of(part.at("one_of")))
        if (contains(distinct, k)) return true;
    return false;
}

bool reexam_due(const CmtSession& s, LocalDate today, const nlohmann::json& reexam) {
    const int visits = reexam.value("after_visits", 0);
    const int days = reexam.value("after_days", 0);
    if (visits > 0 && s.visits_since_exam && *s.visits_since_exam >= visits) return true;
    if (days > 0 && s.last_exam_date && (today - *s.last_exam_date).count() >= days) return true;
    return false;
}

api::BillingResult bill_session(const CmtSession& s, LocalDate date, const nlohmann::json& cmt,
                                const nlohmann::json& options) {
    api::BillingResult out;
    const int n = static_cast<int>(s.spinal_regions.size());
    if (n > 0) {
        api::LineItem line;
        line.code = spinal_code(n, cmt);
        line.units = 1;
        line.region = shared::join(s.spinal_regions, "+");
        line.description = "CMT spinal, " + std::to_string(n) + " region(s)";
        const std::string at = options.value("active_modifier", "");
        const std::string ga = options.value("maintenance_modifier", "");
        if (s.maintenance) {
            if (!ga.empty()) line.modifiers.push_back(ga);
            if (options.value("maintenance_warning", false))
                out.warnings.push_back(
                    "Maintenance care: not covered by this payer; no " +
                    (at.empty() ? std::string("AT") : at) + ". Obtain a signed ABN before the "
                    "visit" + (ga.empty() ? "" : "; " + ga + " appended to " + line.code));
        } else if (!at.empty()) {
            line.modifiers.push_back(at);
        }
        out.lines.push_back(std::move(line));

        if (options.value("part_check", true) && !s.subluxation_by_xray) {
            for (const auto& r : s.spinal_regions) {
                const auto found = strings_of(s.findings.value(r, nlohmann::json::array()));
                if (!part_documented(found, cmt.at("part")))
                    out.warnings.push_back(
                        r + ": subluxation not documented (PART needs 2 of P, A, R, T with one of "
                            "A or R; found " +
                        (found.empty() ? std::string("none") : shared::join(found, ", ")) + ")");
            }
        }
    }
    if (!s.extraspinal_regions.empty()) {
        const std::string code = cmt.value("extraspinal_code", "98943");
        if (options.value("extraspinal_covered", true)) {
            api::LineItem line;
            line.code = code;
            line.units = 1;
            line.region = shared::join(s.extraspinal_regions, "+");
            line.description = "CMT extraspinal";
            out.lines.push_back(std::move(line));
        } else {
            out.warnings.push_back(code + " (extraspinal CMT: " +
                                   shared::join(s.extraspinal_regions) +
                                   ") is not covered by this payer: left off the claim; "
                                   "bill the patient directly");
        }
    }
    if (reexam_due(s, date, cmt.value("reexam", nlohmann::json::object())))
        out.warnings.push_back("Re-examination due (" + std::to_string(
                                   cmt["reexam"].value("after_visits", 0)) +
                               " visits or " + std::to_string(cmt["reexam"].value("after_days", 0)) +
                               " days since the last exam)");
    return out;
}

namespace {

LocalDate months_before(LocalDate d, int months) {
    date::year_month_day back = date::year_month_day{d} - date::months{months};
    if (!back.ok()) back = back.year() / back.month() / date::last;
    return LocalDate{back};
}

}  // namespace

std::vector<api::Finding> check_course(LocalDate date, std::vector<LocalDate> prior,
                                       const nlohmann::json& options) {
    std::vector<api::Finding> out;
    prior.erase(std::remove_if(prior.begin(), prior.end(), [&](LocalDate d) { return d >= date; }),
                prior.end());
    std::sort(prior.begin(), prior.end());
    prior.erase(std::unique(prior.begin(), prior.end()), prior.end());  // one visit a day

    const int cap = options.value("visits_per_year", 0);
    if (cap > 0) {
        const LocalDate start = months_before(date, 12);
        const auto n = 1 + std::count_if(prior.begin(), prior.end(),
                                         [&](LocalDate d) { return d > start; });
        if (n > cap)
            out.push_back({options.value("visit_cap_severity", "absolute") == "relative"
                               ? api::Severity::Relative
                               : api::Severity::Absolute,
                           "chiro_visit_cap",
                           "Chiropractic visit " + std::to_string(n) +
                               " in 12 months: this payer covers " + std::to_string(cap) +
                               " a year",
                           ""});
    }

    const int course_months = options.value("course_months", 0);
    if (course_months > 0 && !prior.empty()) {
        const int gap = options.value("course_gap_days", 60);
        // The course began at the first visit after the last gap longer than `gap` days.
        LocalDate began = date;
        for (auto it = prior.rbegin(); it != prior.rend(); ++it) {
            if ((began - *it).count() > gap) break;
            began = *it;
        }
        if (began < months_before(date, course_months))
            out.push_back({api::Severity::Relative, "chiro_course_length",
                           "Active care began " + format_date(began) + ", more than " +
                               std::to_string(course_months) +
                               " months ago: re-examine and document continued improvement, or "
                               "treat as maintenance (not covered by Medicare: ABN, GA)",
                           ""});
    }
    return out;
}

}  // namespace vertebra::plugins::chiropractic
