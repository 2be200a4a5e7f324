// `vertebra-cli task add|done|reopen|list|mine` and `timeline`: care-team collaboration on plans.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli.hpp"
#include "vertebra/plans/collaboration.hpp"

namespace vertebra::ui::cli {

namespace {

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// Repositories and the service on the signed-in connection.
struct Collab {
    std::unique_ptr<core::plans::TaskRepository> tasks;
    std::unique_ptr<core::plans::PlanRepository> plans;
    std::unique_ptr<core::plans::AssessmentRepository> assessments;
    std::unique_ptr<core::plans::OutcomeRepository> outcomes;
    std::unique_ptr<core::NoteRepository> notes;
    std::unique_ptr<core::AuditRepository> audit;
    std::unique_ptr<core::UserRepository> users;
    std::unique_ptr<core::plans::CollaborationService> service;
};

Collab& collab(Context& ctx) {
    static Collab c;
    if (!c.service) {
        principal(ctx);  // sign in first: the connection is the user's
        auto& db = ctx.database();
        c.tasks = db.tasks();
        c.plans = db.plans();
        c.assessments = db.assessments();
        c.outcomes = db.outcomes();
        c.notes = db.notes();
        c.audit = db.audit();
        c.users = db.users();
        c.service = std::make_unique<core::plans::CollaborationService>(
            core::plans::CollaborationService::Stores{*c.tasks, *c.plans, *c.assessments,
                                                      *c.outcomes, *c.notes, db.scheduling(),
                                                      *c.audit, c.users.get()});
    }
    return c;
}

void print_tasks(Context& ctx, const std::vector<core::plans::PlanTask>& tasks) {
    if (ctx.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& t : tasks) arr.push_back(core::plans::to_json(t));
        ctx.print_json(arr);
        return;
    }
    for (const auto& t : tasks)
        std::cout << "#" << t.id << "\t" << (t.done ? "[x] " : "[ ] ") << t.title << "\t"
                  << (t.assignee.empty() ? "care team" : t.assignee) << "\t"
                  << (t.due ? format_date(*t.due) : "-") << "\tplan #" << t.plan_id << "\n";
}

}  // namespace

void register_collaboration_commands(CLI::App& app, Context& ctx) {
    auto* task = app.add_subcommand("task", "Care-team tasks on a plan (therapists)");
    task->require_subcommand(1);
    struct Args {
        core::Id plan = 0, id = 0, patient = 0;
        std::string title, assignee, due;
    };
    auto a = std::make_shared<Args>();

    auto* add = task->add_subcommand("add", "Add a task to a plan; prints its id");
    add->add_option("--plan", a->plan, "Plan id")->required();
    add->add_option("--title", a->title, "What is to be done")->required();
    add->add_option("--assignee", a->assignee, "Clinic user (default: the whole care team)");
    add->add_option("--due", a->due, "Due date, YYYY-MM-DD");
    add->callback([&ctx, a] {
        std::optional<LocalDate> due;
        if (!a->due.empty()) due = parse_local_date(a->due, "due");
        ctx.print_id(collab(ctx).service->add_task(principal(ctx), a->plan, a->title, a->assignee,
                                                   due, now()));
    });
    for (bool done : {true, false}) {
        auto* cmd = task->add_subcommand(done ? "done" : "reopen",
                                         done ? "Tick a task off" : "Open a done task again");
        cmd->add_option("id", a->id, "Task id")->required();
        cmd->callback([&ctx, a, done] {
            collab(ctx).service->set_done(principal(ctx), a->id, done, now());
        });
    }
    auto* list = task->add_subcommand("list", "A plan's tasks: open ones first");
    list->add_option("--plan", a->plan, "Plan id")->required();
    list->callback([&ctx, a] {
        print_tasks(ctx, collab(ctx).service->tasks(principal(ctx), a->plan, now()));
    });
    task->add_subcommand("mine", "My open tasks across patients, by due date")->callback([&ctx] {
        print_tasks(ctx, collab(ctx).service->my_open_tasks(principal(ctx)));
    });

    auto* tl = app.add_subcommand(
        "timeline", "A patient's timeline: appointments, notes, scores, injections, medication "
                    "changes, plan changes and tasks (audited)");
    tl->add_option("--patient", a->patient, "Patient id")->required();
    tl->callback([&ctx, a] {
        const auto zone = ctx.scheduler().zone();
        const auto entries = collab(ctx).service->timeline(principal(ctx), a->patient, now(), zone);
        if (ctx.json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& e : entries) arr.push_back(core::plans::to_json(e));
            ctx.print_json(arr);
            return;
        }
        for (const auto& e : entries)
            std::cout << zone.format_short(e.at) << "  " << e.kind << "\t" << e.title
                      << (e.detail.empty() ? "" : " — " + e.detail) << "\n";
    });
}

}  // namespace vertebra::ui::cli
