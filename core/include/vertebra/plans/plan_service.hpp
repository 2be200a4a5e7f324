// The plan service: assessments, plans from templates, components, outcomes, review and booking a
// plan as one all-or-nothing series, over the repositories and the scheduler.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/plans/review.hpp"
#include "vertebra/plans/schedule.hpp"
#include "vertebra/plans/templates.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::core::plans {

/// Disciplines (Practitioner::disciplines) that can fill a care-team role, in preference order;
/// the role's own name always counts too. E.g. physical_therapist -> physical_therapy.
const std::vector<std::string>& role_disciplines(const std::string& role);

/// The first active practitioner (lowest id) whose disciplines fit `role`; nullopt if none.
std::optional<Id> practitioner_for_role(const std::vector<Practitioner>& practitioners,
                                        const std::string& role);

/// What the host supplies besides storage and the scheduler. Every member may be left empty.
struct PlanServiceHooks {
    /// Whether a therapy module is enabled (null: all are).
    std::function<bool(const std::string& module_id)> module_enabled;
    /// The owning module's own contraindication checks (null: core checks only).
    std::function<std::vector<plugin_api::Finding>(const PlanComponent&, const Assessment&)>
        module_checks;
    const ClinicalRules* rules = nullptr;                   ///< null: default_clinical_rules()
    const outcomes::OutcomeConfig* outcome_config = nullptr; ///< null: the shipped defaults
    std::function<Instant()> now;                           ///< null: the system clock
    int slot_horizon_days = 120;  ///< how far ahead a session's free slot is looked for
};

/// Sessions of one component as the book shows them.
struct SessionCounts {
    int completed = 0;  ///< linked appointments that are completed
    int upcoming = 0;   ///< linked appointments still booked (booked, confirmed, arrived, in session)
};

/// Result of previewing or booking a plan's sessions.
struct PlanBooking {
    PlanSchedule schedule;              ///< the proposed sessions and the ones that cannot be placed
    std::vector<std::string> conflicts; ///< why the book refused sessions (all-or-nothing)
    std::vector<Id> appointment_ids;    ///< in the order of schedule.bookings; empty unless booked
    bool dry_run = false;
    bool booked() const { return !appointment_ids.empty(); }
};
/// {"dry_run", "booked", "sessions": [ProposedBooking + "appointment_id"], "problems",
///  "conflicts"}.
void to_json(nlohmann::json& j, const PlanBooking& b);

/// One session moved by move_session.
struct SessionMove {
    Id appointment_id = 0;
    int session_number = 0;
    LocalTime from;
    LocalTime to;
};

/// Result of moving one booked session and re-flowing the later ones of its component.
struct PlanReflow {
    std::vector<SessionMove> moves;      ///< the moved session first, then the re-flowed ones
    std::vector<std::string> problems;   ///< why nothing was moved (all or nothing)
    bool dry_run = false;
    bool applied = false;
};
/// {"dry_run", "applied", "moves": [{appointment_id, session_number, from, to}], "problems"}.
void to_json(nlohmann::json& j, const PlanReflow& r);

/// Who acts on the plan service (PlanService::set_actor). All null: no checks, no audit.
struct PlanActor {
    const Principal* who = nullptr;
    AuditRepository* audit = nullptr;
    NoteRepository* care_team = nullptr;  ///< NoteRepository::on_care_team; required with `who`
};

class PlanService {
public:
    PlanService(AssessmentRepository& assessments, OutcomeRepository& outcomes,
                PlanRepository& plans, SchedulingRepository& book, Scheduler& scheduler,
                PlanServiceHooks hooks = {});

    /// The signed-in user, the audit log and the care team. When set, reading assessments,
    /// outcome scores or plans needs assessment.read and changing them assessment.write
    /// (Error PermissionDenied naming the permission, checked before anything is read), and
    /// only for patients of the user's care team unless emergency access is running (or the
    /// user is the database operator). Each call is audited with the patient:
    /// assessment.create|read, outcome.create|read, plan.create|read|change|schedule|review
    /// (".break_glass" appended, and the reason in the detail, when only break-glass let it
    /// through). Booking a plan also needs schedule.write (the scheduler's own actor).
    /// Unset: the caller answers for access (seeding, benchmarks, library use).
    void set_actor(const Principal* who, AuditRepository* audit, NoteRepository* care_team) {
        actor_ = PlanActor{who, audit, care_team};
    }
    void set_actor(const PlanActor& a) { actor_ = a; }
    const PlanActor& actor() const { return actor_; }

    /// Validates (ICD-10-CM on the assessment date, red flags, baseline) and stores; the patient
    /// must exist. Returns the id.
    Id record_assessment(Assessment a);
    /// The newest assessment of a patient, if any.
    std::optional<Assessment> latest_assessment(Id patient_id);

    /// Validates and stores an outcome score. Without a plan id it is attached to the patient's
    /// newest draft or active plan, if any. Returns the id.
    Id record_outcome(outcomes::Observation o);
    /// A patient's scores in time order (OutcomeRepository::observations), audited outcome.read.
    std::vector<outcomes::Observation> observations(
        Id patient_id, std::optional<outcomes::Measure> measure = std::nullopt,
        std::optional<Id> plan_id = std::nullopt);
    /// A patient's plans (PlanRepository::plans_for_patient), audited plan.read.
    std::vector<TreatmentPlan> plans_for_patient(Id patient_id);

    /// A draft plan from a template. The assessment is optional (decided: a plan can be started
    /// before the assessment is on file; goals then become functional ones naming the measure and
    /// only structural checks run): nullopt takes the patient's newest assessment if there is one.
    /// `assign` fills a care-team role with a practitioner; null uses practitioner_for_role over
    /// the clinic's practitioners. Returns the plan id.
    Id create_from_template(const PlanTemplate& t, Id patient_id, LocalDate start,
                            std::optional<Id> assessment_id, const std::string& author,
                            std::function<std::optional<Id>(const std::string& role)> assign = {});

    /// The stored plan with sessions_completed from the book. NotFound for an unknown id.
    TreatmentPlan plan(Id plan_id);
    std::map<Id, SessionCounts> session_counts(Id plan_id);

    /// Adds a component (core + module contraindication checks on the plan's assessment; refused
    /// when its module is disabled). A practitioner not yet on the care team is added under
    /// `role` (if given). Returns the component id.
    Id add_component(Id plan_id, PlanComponent c, const std::string& author,
                     std::vector<Acknowledgement> acks = {}, const std::string& role = "");
    void acknowledge(Id plan_id, Id component_id, const std::string& rule,
                     const std::string& reason, const std::string& author);
    void set_status(Id plan_id, PlanStatus status, const std::string& author);

    /// The sessions that booking would make, and the ones that cannot be placed. Writes nothing.
    PlanBooking preview_schedule(Id plan_id, const ScheduleOptions& options);
    /// Books every remaining session of the plan as one batch: all or nothing. Nothing is booked
    /// when any session cannot be placed or the book refuses one (both listed in the result).
    /// Booked appointments are linked to their components and the plan gets a version.
    PlanBooking book_schedule(Id plan_id, const ScheduleOptions& options,
                              const std::string& author);

    /// Moves one booked session of the plan to `new_start` (clinic time) and re-flows the later
    /// booked sessions of its component that now break its minimum spacing (reflow_after_move),
    /// as one all-or-nothing change of the book; the plan gets a version. `dry_run`: only the
    /// proposal. NotFound for an appointment not booked for this plan.
    PlanReflow move_session(Id plan_id, Id appointment_id, LocalTime new_start, bool dry_run,
                            const std::string& author);

    /// Reviews the plan on `on` against the patient's scores. `screen`: a fresh red-flag screen.
    PlanReview review(Id plan_id, LocalDate on,
                      const std::optional<std::vector<RedFlagAnswer>>& screen = std::nullopt);

private:
    /// With an actor: the permission, then (when `patient` is known) the care team. Returns
    /// the break-glass note for the audit ("" when the care team let it through).
    std::string authorize(Permission p, std::optional<Id> patient = std::nullopt);
    void audit(const std::string& action, Id patient, const std::string& object,
               const std::string& detail, const std::string& break_glass);
    std::optional<Assessment> newest_assessment(Id patient_id);
    std::map<Id, SessionCounts> counts(Id plan_id);
    Instant now() const;
    Author author(const std::string& name) const;
    TreatmentPlan load(Id plan_id);
    Assessment assessment_for(const TreatmentPlan& p);
    ComponentCheckContext checks(const Assessment* a) const;
    PlanBooking propose(const TreatmentPlan& p, const ScheduleOptions& options);
    /// "First free slot" over the scheduler, avoiding the patient's other appointments.
    FirstFreeSlot free_slot(Id patient_id, LocalDate from);
    /// Appends a version recording an already written change (retrying over others' edits).
    void record_version(Id plan_id, TreatmentPlan p, int expected, PlanVersion v);
    void save(TreatmentPlan& p, int expected_version);

    AssessmentRepository& assessments_;
    OutcomeRepository& outcomes_;
    PlanRepository& plans_;
    SchedulingRepository& book_;
    Scheduler& scheduler_;
    PlanServiceHooks hooks_;
    PlanActor actor_;
};

}  // namespace vertebra::core::plans
