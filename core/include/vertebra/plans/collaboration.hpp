// Care-team collaboration on a plan: tasks (assignee, due date, done), shared case notes, and the
// patient timeline that joins appointments, notes, scores, injections, medication changes and
// plan changes in time order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core::plans {

/// A care-team task on a plan. Done tasks are kept with who finished them and when.
struct PlanTask {
    Id id = 0;
    Id plan_id = 0;
    Id patient_id = 0;
    std::string title;
    std::string assignee;             ///< clinic user name; "" = the whole care team
    std::optional<LocalDate> due;     ///< clinic-local date
    std::string created_by;
    Instant created_at;
    bool done = false;
    std::string done_by;
    std::optional<Instant> done_at;

    /// Open and due before `today`.
    bool overdue(LocalDate today) const { return !done && due && *due < today; }
};
nlohmann::json to_json(const PlanTask& t);

/// Storage of tasks. Mutations append their audit event in the same transaction.
class TaskRepository {
public:
    virtual ~TaskRepository() = default;
    virtual Id add_task(const PlanTask& t, const AuditEvent& event) = 0;
    virtual std::optional<PlanTask> task(Id id) = 0;
    /// Open first (by due date, undated last), then done ones (newest first).
    virtual std::vector<PlanTask> tasks_for_plan(Id plan_id) = 0;
    virtual std::vector<PlanTask> tasks_for_patient(Id patient_id) = 0;
    /// Open tasks assigned to `assignee`, by due date (undated last).
    virtual std::vector<PlanTask> open_tasks_for(const std::string& assignee) = 0;
    /// Marks done (by, at) or open again; returns false when it already was in that state.
    virtual bool set_done(Id id, bool done, const std::string& by, Instant at,
                          const AuditEvent& event) = 0;
};

/// One line of a patient's timeline.
struct TimelineEntry {
    Instant at;
    std::string kind;    ///< appointment, note, addendum, score, injection, medication, plan, task
    std::string title;   ///< "Chiropractic adjustment with Dr. Maya Chen (completed)"
    std::string detail;  ///< "NRS 6", "started: warfarin (anticoagulant)", a plan change summary
    std::optional<Id> ref;  ///< the appointment, note, observation, plan or task id
};
nlohmann::json to_json(const TimelineEntry& e);

/// The rules of collaboration: who may see and change tasks, case notes and the timeline.
/// Clinical data: needs assessment.read (therapists) and the patient's care team, or
/// break-glass; every read of the timeline and of tasks is audited (timeline.read, plan.read;
/// ".break_glass" appended when only emergency access let it through).
class CollaborationService {
public:
    struct Stores {
        TaskRepository& tasks;
        PlanRepository& plans;
        AssessmentRepository& assessments;
        OutcomeRepository& outcomes;
        NoteRepository& notes;
        SchedulingRepository& schedule;
        AuditRepository& audit;
        UserRepository* users = nullptr;  ///< to check assignees; null = not checked
    };
    explicit CollaborationService(Stores s) : s_(s) {}

    /// A task on a plan: title required (Invalid "title"), assignee an active user when given
    /// (Invalid "assignee"), due date not before the plan's start. Needs assessment.write and
    /// the care team. Returns the task id.
    Id add_task(const Principal& who, Id plan_id, const std::string& title,
                const std::string& assignee, std::optional<LocalDate> due, Instant now);
    /// Done (or reopened). Any member of the care team may tick a task off.
    void set_done(const Principal& who, Id task_id, bool done, Instant now);
    std::vector<PlanTask> tasks(const Principal& who, Id plan_id, Instant now);
    /// The user's own open tasks across patients (a worklist). Needs assessment.read.
    std::vector<PlanTask> my_open_tasks(const Principal& who);

    /// A shared case note for the plan's patient: a free-standing note the whole care team
    /// reads (case notes belong to the patient, so every plan and the timeline show them);
    /// signed and addended like any note. Returns the note id.
    Id add_case_note(const Principal& who, NoteService& notes, Id plan_id, NoteContent content,
                     Instant now);

    /// Everything that happened to the patient, oldest first (audited as timeline.read).
    std::vector<TimelineEntry> timeline(const Principal& who, Id patient_id, Instant now,
                                        const ClinicZone& zone);

private:
    /// The permission and the care team (or break-glass: returns "break-glass: <reason>" for
    /// the audit; "" otherwise). The database operator is not narrowed to a care team.
    std::string require_clinical(const Principal& who, Id patient_id, Instant now, Permission p);
    TreatmentPlan plan_of(Id plan_id);
    Stores s_;
};

/// Medication changes between two assessments' lists (by name): "started: x", "stopped: y".
std::vector<std::string> medication_changes(const std::vector<plugin_api::Medication>& before,
                                            const std::vector<plugin_api::Medication>& after);

}  // namespace vertebra::core::plans
