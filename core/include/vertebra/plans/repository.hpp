// Storage interfaces of assessments, outcome observations and treatment plans; db/ implements them.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "vertebra/outcomes/measures.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {

class AssessmentRepository {
public:
    virtual ~AssessmentRepository() = default;
    /// Stores a validated assessment (validate_assessment first); returns its id.
    virtual Id add_assessment(const Assessment& a) = 0;
    virtual void update_assessment(const Assessment& a) = 0;  ///< NotFound for an unknown id
    virtual std::optional<Assessment> assessment(Id id) = 0;
    /// Newest first.
    virtual std::vector<Assessment> assessments_for_patient(Id patient_id) = 0;
};

class OutcomeRepository {
public:
    virtual ~OutcomeRepository() = default;
    /// Stores a validated observation (validate_observation first); returns its id.
    virtual Id add_observation(const outcomes::Observation& o) = 0;
    /// In time order (oldest first); `measure` narrows, `plan_id` narrows to one plan's scores.
    virtual std::vector<outcomes::Observation> observations(
        Id patient_id, std::optional<outcomes::Measure> measure = std::nullopt,
        std::optional<Id> plan_id = std::nullopt) = 0;
};

/// An appointment booked for a plan component (so sessions completed count toward it).
struct PlanAppointment {
    Id plan_id = 0;
    Id component_id = 0;
    Id appointment_id = 0;
    int session_number = 0;
};

class PlanRepository {
public:
    virtual ~PlanRepository() = default;
    /// Inserts a new plan with all its versions; returns the plan id.
    virtual Id add_plan(const TreatmentPlan& p) = 0;
    /// Saves the plan and appends the versions numbered above `expected_version` in one
    /// transaction. Conflict when the stored plan's latest version is not `expected_version`
    /// (someone else changed it meanwhile); NotFound for an unknown id.
    virtual void save_plan(const TreatmentPlan& p, int expected_version) = 0;
    virtual std::optional<TreatmentPlan> plan(Id id) = 0;
    virtual std::vector<TreatmentPlan> plans_for_patient(Id patient_id) = 0;

    virtual void link_appointments(const std::vector<PlanAppointment>& links) = 0;
    /// Runs `f` as one transaction on this repository's connection: whatever it writes there
    /// (plan links and, on the same connection, the book) is kept all together or not at all.
    virtual void atomically(const std::function<void()>& f) = 0;
    virtual std::vector<PlanAppointment> plan_appointments(Id plan_id) = 0;
};

}  // namespace vertebra::core::plans
