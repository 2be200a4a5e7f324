// Billing vocabulary: method names and line/result helpers.
#include "vertebra/billing/types.hpp"

#include <algorithm>

#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {

TimedMethod timed_method_from_string(std::string_view s, std::string_view field) {
    if (s == "medicare") return TimedMethod::TotalTime;
    if (s == "commercial") return TimedMethod::PerCode;
    throw invalid(std::string(field),
                  "unknown timed-code method '" + std::string(s) +
                      "' (expected medicare or commercial)");
}

const char* to_string(TimedMethod m) {
    return m == TimedMethod::TotalTime ? "medicare" : "commercial";
}

bool LineItem::has_modifier(std::string_view m) const {
    return std::find(modifiers.begin(), modifiers.end(), m) != modifiers.end();
}

void LineItem::add_modifier(const std::string& m) {
    if (!has_modifier(m)) modifiers.push_back(m);
}

const LineItem* BillResult::line(std::string_view code) const {
    for (const auto& l : lines)
        if (l.code == code) return &l;
    return nullptr;
}

LineItem* BillResult::line(std::string_view code) {
    for (auto& l : lines)
        if (l.code == code) return &l;
    return nullptr;
}

int BillResult::units(std::string_view code) const {
    const LineItem* l = line(code);
    return l ? l->units : 0;
}

}  // namespace vertebra::core::billing
