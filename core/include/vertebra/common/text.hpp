// Checks on text that crosses into Vertebra from outside (command-line arguments, text files).
#pragma once

#include <string>
#include <string_view>

namespace vertebra {

/// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
/// U+10FFFF). Text that is not is refused as input (docs/testing.md, "hostile input").
bool is_valid_utf8(std::string_view s) noexcept;

/// `s` without leading and trailing white space (std::isspace in the C locale).
std::string trim(std::string_view s);

}  // namespace vertebra
