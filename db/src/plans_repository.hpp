// SOCI implementations of the assessment, outcome and treatment-plan repositories (both backends).
#pragma once

#include "database_impl.hpp"
#include "vertebra/plans/repository.hpp"

namespace vertebra::db {

/// Assessments as their JSON plus indexed columns (patient, date).
class AssessmentRepositoryImpl final : public core::plans::AssessmentRepository {
public:
    explicit AssessmentRepositoryImpl(Database::Impl& db) : db_(db) {}
    core::Id add_assessment(const core::plans::Assessment& a) override;
    void update_assessment(const core::plans::Assessment& a) override;
    std::optional<core::plans::Assessment> assessment(core::Id id) override;
    std::vector<core::plans::Assessment> assessments_for_patient(core::Id patient_id) override;

private:
    std::vector<core::plans::Assessment> select(const std::string& where, long long param);
    Database::Impl& db_;
};

/// Outcome observations as timed rows.
class OutcomeRepositoryImpl final : public core::plans::OutcomeRepository {
public:
    explicit OutcomeRepositoryImpl(Database::Impl& db) : db_(db) {}
    core::Id add_observation(const core::outcomes::Observation& o) override;
    std::vector<core::outcomes::Observation> observations(
        core::Id patient_id, std::optional<core::outcomes::Measure> measure,
        std::optional<core::Id> plan_id) override;

private:
    Database::Impl& db_;
};

/// Plans as their JSON (without versions) plus indexed columns; versions in an append-only
/// table; sessions_completed counted from the linked appointments that are completed.
class PlanRepositoryImpl final : public core::plans::PlanRepository {
public:
    explicit PlanRepositoryImpl(Database::Impl& db) : db_(db) {}
    core::Id add_plan(const core::plans::TreatmentPlan& p) override;
    void save_plan(const core::plans::TreatmentPlan& p, int expected_version) override;
    std::optional<core::plans::TreatmentPlan> plan(core::Id id) override;
    std::vector<core::plans::TreatmentPlan> plans_for_patient(core::Id patient_id) override;
    void link_appointments(const std::vector<core::plans::PlanAppointment>& links) override;
    void atomically(const std::function<void()>& f) override {
        in_write_transaction(db_, [&] { f(); });
    }
    std::vector<core::plans::PlanAppointment> plan_appointments(core::Id plan_id) override;

private:
    std::vector<core::plans::TreatmentPlan> select(const std::string& where, long long param);
    void insert_versions(core::Id plan_id, const core::plans::TreatmentPlan& p, int above);
    Database::Impl& db_;
};

/// PostgreSQL: row-level security (migration 0010) hides the plan or task `id` of a patient
/// outside the caller's care team; `whose` (vertebra_plan_patient / vertebra_task_patient) finds
/// its patient anyway, so this throws PermissionDenied naming the patient, as core would, rather
/// than letting the caller report "not found". Returns when the row does not exist (or on SQLite).
void refuse_if_hidden(Database::Impl& db, const char* whose, core::Id id);

}  // namespace vertebra::db
