// Runs the real vertebra-cli binary for the CLI test suites and captures exit code and output.
#pragma once

#include <string>
#include <vector>

namespace vertebra::testing {

struct CliResult {
    int code = -1;
    std::string out, err;
};

/// Single-quotes `s` for /bin/sh.
std::string shell_quote(const std::string& s);

/// Output without its trailing newlines and spaces (a printed id, say).
std::string trim(std::string s);
/// The non-empty lines of `s` (one printed id a line, say).
std::vector<std::string> lines(const std::string& s);

/// `env` is prepended to the command line (e.g. "VERTEBRA_PASSWORD=x"); `input` is its stdin.
CliResult run_cli(const std::string& db, const std::vector<std::string>& args,
                  const std::string& input = "", const std::string& env = "");

}  // namespace vertebra::testing
