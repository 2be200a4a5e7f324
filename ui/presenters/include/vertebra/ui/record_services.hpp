// The clinical side of an open clinic for the desktop app: plans, outcomes, notes, users and the
// audit log on the session's connection, with the core services over them. wx-free.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "vertebra/auth/auth.hpp"
#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/db/database.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/plans/collaboration.hpp"
#include "vertebra/plans/plan_service.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::ui {

/// The demo clinic's user: owner and therapist (works as the demo chiropractor). Demo data only:
/// the password is public (docs/desktop.md) and the demo clinic signs in with it by itself.
inline constexpr const char* kDemoUser = "demo";
inline constexpr const char* kDemoPassword = "demo-clinic";

class RecordServices {
public:
    RecordServices(db::Database& db, core::Scheduler& scheduler, core::ModuleRegistry& modules);
    ~RecordServices();

    /// The session-note form of a running, enabled module: `form_id`, else its first form of
    /// kind "session_note"; empty when the module is not running or offers none.
    std::optional<plugin_api::FormSchema> note_schema(const std::string& module_id,
                                                      const std::string& form_id = {}) const;

    core::SchedulingRepository& book;
    core::Scheduler& scheduler;
    core::ModuleRegistry& modules;
    std::unique_ptr<core::plans::AssessmentRepository> assessments;
    std::unique_ptr<core::plans::OutcomeRepository> outcomes;
    std::unique_ptr<core::plans::PlanRepository> plans;
    std::unique_ptr<core::NoteRepository> notes;
    std::unique_ptr<core::UserRepository> users;
    std::unique_ptr<core::AuditRepository> audit;
    std::unique_ptr<core::plans::TaskRepository> tasks;
    std::unique_ptr<core::plans::PlanService> plan_service;
    /// Care-team tasks and the patient timeline (core's rules: care team, audited reads).
    std::unique_ptr<core::plans::CollaborationService> collaboration;
    std::unique_ptr<core::NoteService> note_service;
    std::unique_ptr<core::AuthService> auth;
    /// The clinic's own fees (billing previews, the "Fees and payers" screen).
    std::unique_ptr<core::billing::FeeRepository> fees;
};

/// What the demo clinic's clinical record got on first run.
struct DemoRecordReport {
    int plans = 0;
    int observations = 0;
    int notes = 0;
    int tasks = 0;
};

/// Gives a freshly seeded demo clinic its clinical side, through the core services: the demo
/// user (kDemoUser, owner + therapist working as the chiropractor), treatment plans from the
/// shipped templates for a few patients with chiropractic visits, NRS and ODI scores over the
/// weeks before `today`, and signed notes of their past chiropractic visits. Does nothing when
/// the database already has users.
DemoRecordReport seed_demo_record(RecordServices& r, LocalDate today);

/// "Chiropractic", "Physical therapy" for a key like "physical_therapy".
std::string human_key(const std::string& key);

}  // namespace vertebra::ui
