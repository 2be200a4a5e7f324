#include "vertebra/scheduling/patients.hpp"

namespace vertebra::core {

Id PatientDirectory::add(const Principal& who, const Patient& p) {
    require(who, Permission::PatientWrite);
    Id id = 0;
    // The patient and the entry saying who created it: both or neither.
    audit_.atomically([&] {
        id = repo_.add_patient(p);
        audit_.append(AuditEvent{who.name, id, "patient.create", "patient:" + std::to_string(id),
                                 who.workstation, ""});
    });
    return id;
}

Patient PatientDirectory::get(const Principal& who, Id id) {
    require(who, Permission::PatientRead);
    auto p = repo_.patient(id);
    if (!p) throw not_found("patient " + std::to_string(id));
    audit_.append(AuditEvent{who.name, id, "patient.read", "patient:" + std::to_string(id),
                             who.workstation, ""});
    return *p;
}

std::vector<Patient> PatientDirectory::find(const Principal& who, const std::string& text,
                                            int limit) {
    require(who, Permission::PatientRead);
    auto rows = repo_.find_patients(text, limit);
    std::string ids;
    for (const auto& p : rows) ids += (ids.empty() ? "" : ",") + std::to_string(p.id);
    audit_.append(AuditEvent{who.name, std::nullopt, "patient.search",
                             "patients:" + (ids.empty() ? std::string("none") : ids),
                             who.workstation, std::to_string(rows.size()) + " matches"});
    return rows;
}

}  // namespace vertebra::core
