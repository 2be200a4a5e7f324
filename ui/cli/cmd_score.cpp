// `vertebra-cli score odi|nrs|rmdq`: scores an outcome measure (RULES.md §7) without a database.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "vertebra/outcomes/measures.hpp"

namespace vertebra::ui::cli {

namespace {

namespace oc = core::outcomes;

struct ScoreArgs {
    std::vector<std::string> odi_answers;
    std::string value;
};

void print_scale(Context& ctx, const char* measure, const oc::ScaleScore& s) {
    if (ctx.json) {
        // "band" and "severity" are the same thing; both keys so scripts can use either word.
        ctx.print_json({{"measure", measure}, {"score", s.score}, {"band", s.band},
                        {"severity", s.band}});
    } else {
        std::cout << s.score << ' ' << s.band << '\n';
    }
}

}  // namespace

void register_score_commands(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<ScoreArgs>();
    auto* score = app.add_subcommand("score", "Score an outcome measure (ODI, NRS, RMDQ)");
    score->require_subcommand(1);

    auto* odi = score->add_subcommand(
        "odi", "Oswestry Disability Index v2.1a: ten section answers 0-5, '-' for unanswered");
    odi->add_option("answers", args->odi_answers, "A1 .. A10 (0-5 or -)");
    odi->callback([&ctx, args] {
        const auto s = oc::score_odi(oc::parse_odi_answers(args->odi_answers));
        if (ctx.json) {
            ctx.print_json({{"percent", s.percent}, {"band", s.band}});
        } else {
            std::cout << fmt::format("{:.1f}% {} ({} of 10 sections answered, sum {})\n",
                                     s.percent, s.band, s.answered, s.sum);
        }
    });

    auto* nrs = score->add_subcommand("nrs", "Numeric pain rating 0-10");
    nrs->add_option("value", args->value, "0-10")->required();
    nrs->callback([&ctx, args] {
        print_scale(ctx, "nrs", oc::score_nrs(oc::parse_score_integer(args->value, "nrs")));
    });

    auto* rmdq = score->add_subcommand("rmdq", "Roland-Morris Disability Questionnaire 0-24");
    rmdq->add_option("value", args->value, "0-24 (statements ticked)")->required();
    rmdq->callback([&ctx, args] {
        print_scale(ctx, "rmdq", oc::score_rmdq(oc::parse_score_integer(args->value, "rmdq")));
    });
}

}  // namespace vertebra::ui::cli
