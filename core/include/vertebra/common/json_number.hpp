// Whole numbers read from JSON, range-checked. nlohmann's get<int>() and value(key, 0) cast any
// number without a check: undefined behaviour for 1e300 into an int (found by fuzz_form),
// silently wrong for 2^40. Every integer that core reads from JSON comes through here.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "vertebra/common/error.hpp"

namespace vertebra {

/// `v` as integer type T: a JSON integer, or a float with no fractional part (3.0), that T
/// holds exactly. Anything else (a string, 2.5, 1e300, a value outside T) is Invalid naming
/// `field`: "must be a whole number from MIN to MAX".
template <class T>
T json_integer(const nlohmann::json& v, const std::string& field) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    using Limits = std::numeric_limits<T>;
    const auto refuse = [&] {
        return invalid(field, "must be a whole number from " + std::to_string(Limits::min()) +
                                  " to " + std::to_string(Limits::max()));
    };
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(Limits::max())) throw refuse();
        return static_cast<T>(u);
    }
    if (v.is_number_integer()) {
        const auto s = v.get<std::int64_t>();
        if constexpr (std::is_signed_v<T>) {
            if (s < static_cast<std::int64_t>(Limits::min()) ||
                s > static_cast<std::int64_t>(Limits::max()))
                throw refuse();
        } else {
            if (s < 0 || static_cast<std::uint64_t>(s) > static_cast<std::uint64_t>(Limits::max()))
                throw refuse();
        }
        return static_cast<T>(s);
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        // Compared before the cast, which is undefined outside [-2^63, 2^63).
        if (!std::isfinite(d) || d != std::trunc(d) || d < -9223372036854775808.0 ||
            d >= 9223372036854775808.0)
            throw refuse();
        return json_integer<T>(nlohmann::json(static_cast<std::int64_t>(d)), field);
    }
    throw refuse();
}

/// Member `key` of `object` as T (json_integer), `fallback` when it is absent or null; Invalid
/// when `object` is not an object. Errors name `field`, or `key` when `field` is empty.
template <class T>
T json_integer_member(const nlohmann::json& object, const char* key, T fallback,
                      const std::string& field = {}) {
    const std::string name = field.empty() ? std::string(key) : field;
    if (!object.is_object()) throw invalid(name, "belongs in a JSON object, which this is not");
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    return json_integer<T>(*it, name);
}

}  // namespace vertebra
