// Parser and printer for weekly-hours specs ("Mon-Fri 08:00-18:00; Sat 09:00-12:00").
#include "vertebra/scheduling/hours_spec.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "vertebra/common/error.hpp"
#include "vertebra/common/text.hpp"

namespace vertebra::core {

namespace {

constexpr const char* kDayNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    return out;
}

int day_index(const std::string& name, std::string_view field, std::string_view spec) {
    for (int i = 0; i < 7; ++i) {
        std::string n = kDayNames[i];
        if (name.size() == 3 && std::equal(name.begin(), name.end(), n.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return i;
    }
    throw invalid(std::string(field), "'" + name + "' in '" + std::string(spec) +
                                          "' is not a day (use Mon Tue Wed Thu Fri Sat Sun)");
}

}  // namespace

WeeklyHours parse_weekly_hours(std::string_view spec, std::string_view field) {
    WeeklyHours h;
    const std::string f(field);
    if (trim(spec).empty()) throw invalid(f, "is empty (expected e.g. 'Mon-Fri 08:00-18:00')");
    for (const auto& group : split(spec, ';')) {
        if (group.empty()) continue;
        auto sp = group.find(' ');
        if (sp == std::string::npos)
            throw invalid(f, "'" + group + "' needs days and times, e.g. 'Mon-Fri 08:00-18:00'");
        std::string days_part = trim(std::string_view(group).substr(0, sp));
        std::string times_part = trim(std::string_view(group).substr(sp + 1));
        std::vector<int> days;
        for (const auto& item : split(days_part, ',')) {
            auto dash = item.find('-');
            if (dash == std::string::npos) {
                days.push_back(day_index(item, field, spec));
            } else {
                int a = day_index(trim(item.substr(0, dash)), field, spec);
                int b = day_index(trim(item.substr(dash + 1)), field, spec);
                if (b < a) throw invalid(f, "day range '" + item + "' runs backwards");
                for (int d = a; d <= b; ++d) days.push_back(d);
            }
        }
        for (const auto& range : split(times_part, ',')) {
            auto dash = range.find('-');
            if (dash == std::string::npos)
                throw invalid(f, "'" + range + "' is not a time range (expected HH:MM-HH:MM)");
            int b = parse_hhmm(trim(range.substr(0, dash)), field);
            int e = parse_hhmm(trim(range.substr(dash + 1)), field);
            if (e <= b) throw invalid(f, "time range '" + range + "' ends before it starts");
            for (int d : days) {
                auto& v = h.days[static_cast<std::size_t>(d)];
                for (const auto& other : v)
                    if (b < other.end && other.begin < e)
                        throw invalid(f, "time ranges overlap on " + std::string(kDayNames[d]));
                v.push_back({b, e});
            }
        }
    }
    for (auto& v : h.days)
        std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.begin < b.begin; });
    return h;
}

std::string format_weekly_hours(const WeeklyHours& h) {
    // Groups consecutive days with identical ranges: "Mon-Fri 08:00-18:00; Sat 09:00-12:00".
    std::string out;
    int d = 0;
    while (d < 7) {
        if (h.days[static_cast<std::size_t>(d)].empty()) {
            ++d;
            continue;
        }
        int e = d;
        while (e + 1 < 7 && h.days[static_cast<std::size_t>(e + 1)] == h.days[static_cast<std::size_t>(d)]) ++e;
        if (!out.empty()) out += "; ";
        out += kDayNames[d];
        if (e > d) out += std::string("-") + kDayNames[e];
        out += ' ';
        bool first = true;
        for (const auto& r : h.days[static_cast<std::size_t>(d)]) {
            if (!first) out += ',';
            first = false;
            out += format_hhmm(r.begin) + "-" + format_hhmm(r.end);
        }
        d = e + 1;
    }
    return out;
}

}  // namespace vertebra::core
