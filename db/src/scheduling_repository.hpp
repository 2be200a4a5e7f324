// SOCI implementation of core::SchedulingRepository for SQLite and PostgreSQL.
#pragma once

#include "database_impl.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::db {

class SchedulingRepositoryImpl final : public core::SchedulingRepository {
public:
    explicit SchedulingRepositoryImpl(Database::Impl& db) : db_(db) {}

    core::Clinic load_clinic() override;
    void save_clinic(const core::Clinic& clinic) override;
    core::Id add_practitioner(const core::Practitioner& p) override;
    void update_practitioner(const core::Practitioner& p) override;
    std::vector<core::Practitioner> practitioners() override;
    core::Id add_time_off(const core::TimeOff& t) override;
    std::vector<core::TimeOff> time_off(core::Id practitioner_id, Instant from, Instant to) override;
    core::Id add_room(const core::Room& r) override;
    std::vector<core::Room> rooms() override;
    core::Id add_patient(const core::Patient& p) override;
    std::optional<core::Patient> patient(core::Id id) override;
    std::vector<core::Patient> find_patients(const std::string& text, int limit) override;
    core::Id add_service(const core::Service& s) override;
    std::vector<core::Service> services() override;
    std::vector<core::Appointment> appointments(const core::AppointmentQuery& q) override;
    std::optional<core::Appointment> appointment(core::Id id) override;
    std::vector<core::BusyInterval> busy(Instant from, Instant to) override;
    std::vector<core::Appointment> series_appointments(core::Id series_id) override;
    std::optional<core::Series> series(core::Id id) override;
    std::vector<core::Id> commit_appointments(const core::AppointmentBatch& batch) override;
    bool books_in_one_step() const override { return db_.pg(); }
    std::optional<std::vector<core::Id>> book_in_one_step(
        const core::AppointmentBatch& batch) override;  // one_step_booking.cpp
    void bulk_insert(const std::vector<core::Series>& series,
                     const std::vector<core::Appointment>& rows) override;

private:
    std::vector<core::Appointment> select_appointments(const std::string& where,
                                                       std::vector<long long> params,
                                                       const std::string& tail = "");
    /// The first time-occupying appointment overlapping `a` on practitioner, room or patient,
    /// ignoring `ignore` ids; with the resource that clashes.
    std::optional<std::pair<core::Id, std::string>> find_overlap(
        const core::Appointment& a, const std::vector<core::Id>& ignore);
    core::Id insert_appointment(const core::Appointment& a, std::optional<core::Id> series_id);
    void update_appointment(const core::Appointment& a);

    Database::Impl& db_;
};

}  // namespace vertebra::db
