// Runs the real vertebra-cli binary for the CLI test suites and captures exit code and output.
#include "cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vertebra::testing {

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

CliResult run_cli(const std::string& db, const std::vector<std::string>& args,
                  const std::string& input, const std::string& env) {
    char tmpl[] = "/tmp/vertebra-cli-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::ofstream(dir + "/in") << input;
    std::string cmd = env + " " + std::string(VERTEBRA_CLI_PATH) + " --db " + shell_quote(db);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " <" + dir + "/in >" + dir + "/out 2>" + dir + "/err";
    int status = std::system(cmd.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream o(dir + "/out"), e(dir + "/err");
    std::stringstream so, se;
    so << o.rdbuf();
    se << e.rdbuf();
    r.out = so.str();
    r.err = se.str();
    std::filesystem::remove_all(dir);
    return r;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string l;
    while (std::getline(ss, l))
        if (!l.empty()) out.push_back(l);
    return out;
}

}  // namespace vertebra::testing
