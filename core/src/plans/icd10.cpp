// ICD-10-CM validation by date of service against the effective-dated code table (RULES.md §8).
#include "vertebra/plans/icd10.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "vertebra/common/error.hpp"

namespace vertebra::core::plans {

namespace {

std::string join_or(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
        out += items[i];
    }
    return out;
}

std::string fy_text(LocalDate d) { return "FY" + std::to_string(fiscal_year(d)); }

LocalDate date_field(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || !j.at(key).is_string())
        throw invalid(where + "." + key, "a date YYYY-MM-DD is required");
    return parse_local_date(j.at(key).get<std::string>(), where + "." + key);
}

}  // namespace

int fiscal_year(LocalDate d) {
    const date::year_month_day ymd{d};
    const int y = static_cast<int>(ymd.year());
    return static_cast<unsigned>(ymd.month()) >= 10 ? y + 1 : y;
}

std::string normalize_icd10(const std::string& text) {
    std::string s;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string bare;
    for (char c : s)
        if (c != '.') bare += c;
    // Letter, digit, alphanumeric, then up to four more alphanumerics; one dot only after the third.
    if (bare.size() < 3 || bare.size() > 7) return {};
    if (!std::isalpha(static_cast<unsigned char>(bare[0])) ||
        !std::isdigit(static_cast<unsigned char>(bare[1])))
        return {};
    if (!std::all_of(bare.begin(), bare.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
        return {};
    const auto dot = s.find('.');
    if (dot != std::string::npos && (dot != 3 || s.find('.', dot + 1) != std::string::npos)) return {};
    if (bare.size() == 3) return bare;
    return bare.substr(0, 3) + "." + bare.substr(3);
}

Icd10Table Icd10Table::parse(const nlohmann::json& j, const std::string& origin) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the ICD-10 table, never nlohmann's own exception.
    try {
        return [&]() -> Icd10Table {
            Icd10Table t;
            if (!j.is_object() || !j.contains("codes") || !j.at("codes").is_array())
                throw invalid(origin, "expected an object with a \"codes\" list");
            t.code_set_start_ = date_field(j, "code_set_start", origin);
            for (const auto& e : j.at("codes")) {
                Icd10Entry entry;
                const std::string raw = e.value("code", std::string{});
                entry.code = normalize_icd10(raw);
                const std::string where = origin + " code " + (raw.empty() ? std::string("?") : raw);
                if (entry.code.empty() || entry.code != raw)
                    throw invalid(where, "\"code\" must be a dotted ICD-10-CM code such as M54.50");
                entry.descriptor = e.value("descriptor", std::string{});
                if (entry.descriptor.empty()) throw invalid(where + ".descriptor", "is required");
                if (!e.contains("periods") || !e.at("periods").is_array() || e.at("periods").empty())
                    throw invalid(where + ".periods", "at least one period is required");
                for (const auto& p : e.at("periods")) {
                    Icd10Period period;
                    period.from = date_field(p, "effective_from", where);
                    if (p.contains("effective_to") && !p.at("effective_to").is_null())
                        period.to = date_field(p, "effective_to", where);
                    period.billable = p.value("billable", true);
                    if (period.to && *period.to <= period.from)
                        throw invalid(where + ".periods", "effective_to must be after effective_from");
                    if (!entry.periods.empty() &&
                        (!entry.periods.back().to || *entry.periods.back().to > period.from))
                        throw invalid(where + ".periods", "periods must be in order and not overlap");
                    entry.periods.push_back(period);
                }
                entry.use_instead = e.value("use_instead", std::vector<std::string>{});
                entry.excludes1 = e.value("excludes1", std::vector<std::string>{});
                if (e.contains("seventh_character"))
                    entry.seventh_characters =
                        e.at("seventh_character").get<std::map<std::string, std::string>>();
                entry.unverified = e.value("unverified", false);
                entry.note = e.value("note", std::string{});
                if (t.entries_.count(entry.code)) throw invalid(where, "appears twice in the table");
                t.entries_.emplace(entry.code, std::move(entry));
            }
            for (const auto& [code, entry] : t.entries_)
                for (const auto& u : entry.use_instead)
                    if (!t.entries_.count(u))
                        throw invalid(origin + " code " + code + ".use_instead",
                                      u + " is not in the table");
            return t;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid(origin, std::string("malformed ICD-10 table: ") + e.what());
    }
}

Icd10Table Icd10Table::load(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw not_found("ICD-10-CM table " + path.string());
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw invalid(path.string(), std::string("not valid JSON: ") + e.what());
    }
    return parse(j, path.filename().string());
}

const Icd10Table& Icd10Table::shipped() {
    static const Icd10Table table =
        load(plans_data_dir() / "icd10" / "icd10cm_back_pain.json");
    return table;
}

const Icd10Entry* Icd10Table::find(const std::string& normalized_code) const {
    auto it = entries_.find(normalized_code);
    return it == entries_.end() ? nullptr : &it->second;
}

bool Icd10Table::billable_on(const std::string& code, LocalDate d) const {
    const auto* e = find(code);
    if (!e) return false;
    return std::any_of(e->periods.begin(), e->periods.end(),
                       [d](const Icd10Period& p) { return p.covers(d) && p.billable; });
}

std::vector<std::string> Icd10Table::billable_children(const std::string& code, LocalDate d) const {
    std::vector<std::string> out;
    const std::string prefix = code.size() == 3 ? code + "." : code;
    for (auto it = entries_.lower_bound(prefix); it != entries_.end(); ++it) {
        if (it->first.compare(0, prefix.size(), prefix) != 0) break;
        if (it->first != code && billable_on(it->first, d)) out.push_back(it->first);
    }
    return out;
}

Icd10Check Icd10Table::check(const std::string& text, LocalDate d) const {
    Icd10Check r;
    const std::string code = normalize_icd10(text);
    if (code.empty()) {
        r.code.code = text;
        r.message = "\"" + text + "\" is not an ICD-10-CM code (a letter, a digit, a character, "
                    "then a dot and up to four more, e.g. M54.50)";
        return r;
    }
    r.code.code = code;
    if (d < code_set_start_) {
        r.message = "ICD-10-CM applies to dates of service from " + format_date(code_set_start_) +
                    "; " + format_date(d) + " is earlier";
        return r;
    }

    const Icd10Entry* e = find(code);
    std::string seventh;
    if (!e && code.size() == 8) {  // "S39.012A": a base code with a 7th character
        const Icd10Entry* base = find(code.substr(0, 7));
        if (base && !base->seventh_characters.empty()) {
            e = base;
            seventh = code.substr(7);
        }
    }
    if (!e) {
        r.suggestions = billable_children(code, d);
        if (!r.suggestions.empty())
            r.message = code + " is a category, not a billable code, on " + format_date(d) +
                        "; use " + join_or(r.suggestions);
        else
            r.message = code + " is not in the clinic's ICD-10-CM table (core/data/icd10); "
                               "check the code or ask the owner to add it";
        return r;
    }
    r.code.descriptor = e->descriptor;
    r.code.unverified = e->unverified;

    const auto period = std::find_if(e->periods.begin(), e->periods.end(),
                                     [d](const Icd10Period& p) { return p.covers(d); });
    if (period == e->periods.end()) {
        if (d < e->periods.front().from) {
            r.message = e->code + " (" + e->descriptor + ") is valid only for dates of service "
                        "from " + format_date(e->periods.front().from) + " (" +
                        fy_text(e->periods.front().from) + "); " + format_date(d) + " is in " +
                        fy_text(d);
            // Before an expansion the parent was the billable code.
            for (std::string p = e->code; p.size() > 3;) {
                p.pop_back();
                if (!p.empty() && p.back() == '.') p.pop_back();
                if (billable_on(p, d)) {
                    r.suggestions.push_back(p);
                    break;
                }
            }
        } else {
            r.message = e->code + " (" + e->descriptor + ") was deleted from ICD-10-CM before " +
                        format_date(d);
        }
        if (!r.suggestions.empty()) r.message += "; use " + join_or(r.suggestions);
        return r;
    }

    if (!e->seventh_characters.empty()) {
        std::vector<std::string> options;
        for (const auto& [ch, meaning] : e->seventh_characters)
            options.push_back(ch + " (" + meaning + ")");
        if (seventh.empty()) {
            for (const auto& [ch, meaning] : e->seventh_characters)
                r.suggestions.push_back(e->code + ch);
            r.message = e->code + " (" + e->descriptor + ") needs a 7th character: " +
                        join_or(options) + ", e.g. " + r.suggestions.front();
            return r;
        }
        const auto it = e->seventh_characters.find(seventh);
        if (it == e->seventh_characters.end()) {
            r.message = "7th character " + seventh + " is not valid for " + e->code + " (" +
                        e->descriptor + "): use " + join_or(options);
            return r;
        }
        r.ok = true;
        r.code.code = code;
        r.code.descriptor = e->descriptor + ", " + it->second;
        return r;
    }

    if (!period->billable) {
        for (const auto& u : e->use_instead)
            if (billable_on(u, d)) r.suggestions.push_back(u);
        if (r.suggestions.empty()) r.suggestions = billable_children(e->code, d);
        r.message = e->code + " (" + e->descriptor + ") is not billable for dates of service " +
                    "from " + format_date(period->from) + " (" + fy_text(period->from) +
                    "): it is a parent code";
        if (!r.suggestions.empty()) r.message += "; use " + join_or(r.suggestions);
        return r;
    }
    r.ok = true;
    return r;
}

Icd10Code Icd10Table::validate(const std::string& code, LocalDate d) const {
    auto r = check(code, d);
    if (!r.ok) throw Error(ErrorKind::Invalid, "diagnosis: " + r.message, "diagnosis");
    return r.code;
}

Icd10Code validate_icd10(const std::string& code, LocalDate date_of_service) {
    return Icd10Table::shipped().validate(code, date_of_service);
}

}  // namespace vertebra::core::plans
