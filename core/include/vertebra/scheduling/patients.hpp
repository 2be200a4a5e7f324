// Demographics as a signed-in user sees them: patient.read / patient.write, and every read,
// search and change of a patient's demographics in the audit log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core {

class PatientDirectory {
public:
    PatientDirectory(SchedulingRepository& repo, AuditRepository& audit)
        : repo_(repo), audit_(audit) {}

    /// Needs patient.write; audited as patient.create in the same transaction.
    Id add(const Principal& who, const Patient& p);
    /// Needs patient.read; audited as patient.read (NotFound is not a read).
    Patient get(const Principal& who, Id id);
    /// Needs patient.read; audited as patient.search with the number of matches (the text
    /// itself is not logged: it may be a name).
    std::vector<Patient> find(const Principal& who, const std::string& text, int limit);

private:
    SchedulingRepository& repo_;
    AuditRepository& audit_;
};

}  // namespace vertebra::core
