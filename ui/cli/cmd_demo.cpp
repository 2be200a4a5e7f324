// `demo seed`: a realistic demo clinic (small) or the benchmark's tier L (large).
#include <iostream>

#include "cli.hpp"
#include "vertebra/demo/demo_seed.hpp"

namespace vertebra::ui::cli {

void register_demo_commands(CLI::App& app, Context& ctx) {
    auto* demo = app.add_subcommand("demo", "Demo data");
    demo->require_subcommand(1);
    auto* seed = demo->add_subcommand("seed", "Seed an empty database with a demo clinic");
    auto scale = std::make_shared<std::string>("small");
    auto today = std::make_shared<std::string>();
    seed->add_option("--scale", *scale, "small (a clinic around today), medium (tier L clinic, one year) or large (tier L, 10 years)")
        ->check(CLI::IsMember({"small", "medium", "large"}));
    seed->add_option("--today", *today, "Anchor date YYYY-MM-DD (default: today)");
    seed->callback([&ctx, scale, today] {
        auto& db = ctx.database();
        LocalDate anchor = today->empty()
                               ? date::floor<date::days>(LocalTime{std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())})
                               : parse_local_date(*today, "today");
        auto rep = core::seed_demo_clinic(
            db.scheduling(), *scale == "large"    ? core::DemoScale::Large
            : *scale == "medium" ? core::DemoScale::Medium
                                 : core::DemoScale::Small,
            anchor, [&](double f) {
                if (!ctx.json && *scale != "small")
                    std::cerr << "\rseeding: " << static_cast<int>(f * 100) << "%" << std::flush;
            });
        if (!ctx.json && *scale != "small") std::cerr << "\n";
        nlohmann::json j{{"practitioners", rep.practitioners}, {"rooms", rep.rooms},
                         {"patients", rep.patients},           {"services", rep.services},
                         {"appointments", rep.appointments},   {"series", rep.series},
                         {"cancelled", rep.cancelled}};
        if (ctx.json)
            ctx.print_json(j);
        else
            for (auto& [k, v] : j.items()) std::cout << k << ": " << v << "\n";
    });
}

}  // namespace vertebra::ui::cli
