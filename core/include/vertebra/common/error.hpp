// Typed errors that every layer raises and every front end maps to a message and an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace vertebra {

/// What went wrong, in terms a front end can act on. Values map to CLI exit codes.
enum class ErrorKind {
    Invalid = 2,           ///< bad input: the message names the field and why
    Conflict = 3,          ///< double booking, or a rule that refuses the change
    NotFound = 4,          ///< an id that does not exist
    Unavailable = 5,       ///< the database cannot be reached (retryable)
    PermissionDenied = 6,  ///< the user lacks a permission, or a signed record cannot change
    Internal = 1,          ///< a bug or an unexpected state
};

/// The one exception type crossing layer boundaries. See docs/decisions/0001-errors.md.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string field = {})
        : std::runtime_error(std::move(message)), kind_(kind), field_(std::move(field)) {}

    ErrorKind kind() const noexcept { return kind_; }
    /// The input field the error is about, if any (e.g. "start").
    const std::string& field() const noexcept { return field_; }
    int exit_code() const noexcept { return static_cast<int>(kind_); }

private:
    ErrorKind kind_;
    std::string field_;
};

inline Error invalid(std::string field, const std::string& why) {
    std::string msg = field.empty() ? why : field + ": " + why;
    return Error(ErrorKind::Invalid, msg, std::move(field));
}
inline Error not_found(const std::string& what) {
    return Error(ErrorKind::NotFound, what + " not found");
}

}  // namespace vertebra
