// Massage billing lines and NCCI pairing edits (RULES.md §2.2, §4).
#include "massage_rules.hpp"

#include <algorithm>
#include <map>

#include "../../shared/module_support.hpp"

namespace vertebra::plugins::massage {

using shared::contains;
using shared::join;
using shared::strings_of;

std::vector<MassageService> parse_session(const nlohmann::json& section,
                                          const nlohmann::json& cfg) {
    if (!section.is_object()) throw invalid("massage", "must be an object");
    std::vector<MassageService> out;
    const auto services = section.value("services", nlohmann::json::array());
    if (!services.is_array()) throw invalid("massage.services", "must be a list");
    const auto billable = strings_of(cfg.value("billable_codes", nlohmann::json::array()));
    for (std::size_t i = 0; i < services.size(); ++i) {
        const std::string at = "massage.services[" + std::to_string(i) + "]";
        const auto& j = services[i];
        if (!j.is_object()) throw invalid(at, "must be an object {code, minutes, regions}");
        MassageService s;
        s.code = j.value("code", "");
        if (!contains(billable, s.code))
            throw invalid(at + ".code", "unknown massage code '" + s.code + "' (expected " +
                                            join(billable) + ")");
        if (!j.contains("minutes") || !j["minutes"].is_number_integer())
            throw invalid(at + ".minutes", "whole minutes of direct contact are required");
        s.minutes = j["minutes"].get<int>();
        if (s.minutes < 0) throw invalid(at + ".minutes", "must not be negative");
        if (j.contains("regions")) {
            if (!j["regions"].is_array()) throw invalid(at + ".regions", "must be a list");
            for (const auto& r : j["regions"]) {
                if (!r.is_string() || (!api::is_spinal_region(r.get<std::string>()) &&
                                       !api::is_extraspinal_region(r.get<std::string>())))
                    throw invalid(at + ".regions", "unknown region " + r.dump());
                if (!contains(s.regions, r.get<std::string>()))
                    s.regions.push_back(r.get<std::string>());
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

api::BillingResult bill_services(const std::vector<MassageService>& services) {
    api::BillingResult out;
    for (const auto& s : services) {
        api::LineItem l;
        l.code = s.code;
        l.timed = true;
        l.minutes = s.minutes;
        l.units = 0;  // the core decides timed units
        l.region = join(s.regions, "+");
        out.lines.push_back(std::move(l));
    }
    return out;
}

std::vector<std::string> line_regions(const api::LineItem& line) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : line.region + "+") {
        if (c == '+' || c == ',') {
            if (!cur.empty() && !contains(out, cur)) out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    return out;
}

namespace {

std::vector<std::string> overlap(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (contains(b, x)) out.push_back(x);
    return out;
}

}  // namespace

std::vector<std::string> ncci_warnings(const std::vector<api::LineItem>& lines,
                                       const nlohmann::json& visit, const nlohmann::json& ncci) {
    std::vector<std::string> out;
    // Billed lines by code (units > 0); a code's regions and minutes summed over its lines.
    std::map<std::string, std::vector<std::string>> regions;
    std::map<std::string, int> minutes;
    for (const auto& l : lines) {
        if (l.units <= 0) continue;
        auto& r = regions[l.code];
        for (const auto& x : line_regions(l))
            if (!contains(r, x)) r.push_back(x);
        minutes[l.code] += l.minutes;
    }
    auto billed = [&](const std::string& c) { return regions.count(c) != 0; };
    const std::string mods = join(strings_of(ncci.value("distinct_modifiers",
                                                        nlohmann::json::array())), " or ");

    for (const auto& pair : ncci.value("mutually_exclusive", nlohmann::json::array())) {
        const auto codes = strings_of(pair["codes"]);
        if (codes.size() == 2 && billed(codes[0]) && billed(codes[1]))
            out.push_back("NCCI: " + pair.value("message", codes[0] + " with " + codes[1]));
    }
    for (const auto& pair : ncci.value("same_region", nlohmann::json::array())) {
        const auto codes = strings_of(pair["codes"]);
        if (codes.size() != 2 || !billed(codes[0]) || !billed(codes[1])) continue;
        const auto& a = regions[codes[0]];
        const auto& b = regions[codes[1]];
        const std::string mod_code = pair.value("modifier_code", codes[1]);
        if (a.empty() || b.empty())
            out.push_back("NCCI: " + codes[0] + " and " + codes[1] + " in one visit: document "
                          "distinct regions; bill both only with " + mods + " on " + mod_code);
        else if (const auto same = overlap(a, b); !same.empty())
            out.push_back("NCCI: " + pair.value("message", codes[0] + " with " + codes[1]) +
                          " (" + join(same) + ")");
        else
            out.push_back("NCCI: " + codes[0] + " (" + join(a) + ") and " + codes[1] + " (" +
                          join(b) + ") in distinct regions: append " + mods + " to " + mod_code);
    }

    std::vector<std::string> cmt_regions;
    bool cmt = false;
    for (const auto& c : strings_of(ncci.value("cmt_codes", nlohmann::json::array()))) {
        if (!billed(c)) continue;
        cmt = true;
        for (const auto& r : regions[c])
            if (!contains(cmt_regions, r)) cmt_regions.push_back(r);
    }
    if (!cmt) return out;
    if (visit.is_object() && visit.contains("chiropractic") && visit["chiropractic"].is_object())
        for (const char* key : {"spinal_regions", "extraspinal_regions"})
            for (const auto& r : strings_of(visit["chiropractic"].value(key,
                                                                        nlohmann::json::array())))
                if (!contains(cmt_regions, r)) cmt_regions.push_back(r);
    const int min_minutes = ncci.value("min_minutes_distinct", 8);
    for (const auto& c : strings_of(ncci.value("cmt_paired", nlohmann::json::array()))) {
        if (!billed(c)) continue;
        const auto& r = regions[c];
        if (r.empty())
            out.push_back("NCCI: " + c + " with CMT is billable only for a region other than "
                          "the CMT regions (" + join(cmt_regions) + "), with " + mods + " on " +
                          c + "; document the region");
        else if (const auto same = overlap(r, cmt_regions); !same.empty())
            out.push_back("NCCI: " + c + " with CMT in the same region (" + join(same) +
                          "): not separately billable");
        else
            out.push_back("NCCI: " + c + " (" + join(r) + ") with CMT (" + join(cmt_regions) +
                          "): different region, append " + mods + " to " + c);
        if (minutes[c] > 0 && minutes[c] < min_minutes)
            out.push_back("NCCI: " + c + " has " + std::to_string(minutes[c]) +
                          " min: with CMT it must meet the " + std::to_string(min_minutes) +
                          "-minute threshold on its own");
    }
    return out;
}

}  // namespace vertebra::plugins::massage
