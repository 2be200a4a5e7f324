// Well-formed UTF-8 (RFC 3629, table 3-7 of the Unicode standard), and trimming.
#include "vertebra/common/text.hpp"

#include <cctype>

namespace vertebra {

bool is_valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    auto cont = [&](const unsigned char* q, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return q < end && *q >= lo && *q <= hi;
    };
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (!cont(p + 1)) return false;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
            const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
            if (!cont(p + 1, lo, hi) || !cont(p + 2)) return false;
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // no overlong forms
            const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
            if (!cont(p + 1, lo, hi) || !cont(p + 2) || !cont(p + 3)) return false;
            p += 4;
        } else {
            return false;  // stray continuation byte, C0/C1, F5..FF
        }
    }
    return true;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

}  // namespace vertebra
