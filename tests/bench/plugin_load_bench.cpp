// Benchmark: time to discover, check, load and start every shipped plugin (target < 50 ms).
// Each round is a fresh host (libraries are released in between, so every round dlopens again).
// Prints `plugin_load_ms <median of the rounds> ms` (the number checked against --max-ms, robust to
// a busy CI machine) and `plugin_load_first_ms` (the first round, cold caches in this process).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "vertebra/plugins/plugin_host.hpp"

int main(int argc, char** argv) {
    using vertebra::core::PluginHost;
    using vertebra::core::PluginHostOptions;
    using vertebra::core::PluginState;
    double max_ms = 0;
    int rounds = 20;
    PluginHostOptions options;
    std::vector<std::string> required;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--max-ms") && i + 1 < argc) max_ms = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--plugin-dir") && i + 1 < argc) options.dirs.emplace_back(argv[++i]);
        else if (!std::strcmp(argv[i], "--require") && i + 1 < argc) required.emplace_back(argv[++i]);
        else {
            std::cerr << "usage: plugin_load_bench [--plugin-dir DIR]... [--require ID]... [--rounds N]"
                         " [--max-ms MS]\n";
            return 2;
        }
    }

    std::vector<double> times;
    int running = 0;
    int missing = 0;
    for (int r = 0; r < rounds; ++r) {
        PluginHost host(options);
        host.load();
        times.push_back(host.load_ms());
        if (r == 0) {
            for (const auto& p : host.plugins()) {
                if (p.state == PluginState::Running) {
                    ++running;
                    std::cerr << "  " << p.id << ": " << p.load_ms << " ms\n";
                } else {
                    std::cerr << "  " << p.id << ": " << to_string(p.state) << ": " << p.error << "\n";
                }
            }
            for (const auto& id : required) {
                if (!host.module(id)) {
                    std::cerr << "required plugin " << id << " is not running\n";
                    ++missing;
                }
            }
        }
    }
    const double first = times.front();
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    std::cout << "plugins_running " << running << "\n";
    std::cout << "plugin_load_ms " << median << " ms\n";
    std::cout << "plugin_load_first_ms " << first << " ms\n";
    std::cout << "plugin_load_max_ms " << sorted.back() << " ms\n";
    if (missing > 0) return 1;
    if (max_ms > 0 && median > max_ms) {
        std::cerr << "plugin load took " << median << " ms (median), more than " << max_ms << " ms\n";
        return 1;
    }
    return 0;
}
