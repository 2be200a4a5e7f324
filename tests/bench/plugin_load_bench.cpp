// Benchmark: time to discover, check, load and start every shipped plugin (target < 50 ms).
// Prints `plugin_load_ms <cold> ms` (first load in a fresh process) and a warm median.
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
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--max-ms") && i + 1 < argc) max_ms = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--plugin-dir") && i + 1 < argc) options.dirs.emplace_back(argv[++i]);
        else {
            std::cerr << "usage: plugin_load_bench [--plugin-dir DIR]... [--rounds N] [--max-ms MS]\n";
            return 2;
        }
    }

    std::vector<double> times;
    int running = 0;
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
        }
    }
    const double cold = times.front();
    std::vector<double> warm(times.begin() + (times.size() > 1 ? 1 : 0), times.end());
    std::sort(warm.begin(), warm.end());
    std::cout << "plugins_running " << running << "\n";
    std::cout << "plugin_load_ms " << cold << " ms\n";
    std::cout << "plugin_load_warm_median_ms " << warm[warm.size() / 2] << " ms\n";
    if (max_ms > 0 && cold > max_ms) {
        std::cerr << "plugin load took " << cold << " ms, more than " << max_ms << " ms\n";
        return 1;
    }
    return 0;
}
