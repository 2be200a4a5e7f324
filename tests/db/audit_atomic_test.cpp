// A change and its audit entry are one transaction (core::AuditRepository::atomically), on both
// backends: when the entry cannot be written, the change is not stored either, and the caller
// gets the error. The audit log is broken for real, in the database: a trigger that refuses
// every insert into audit_log (what a full disk or a lost connection does between the change and
// its entry). Afterwards the same change goes through, audited, and the chain verifies.
#include <gtest/gtest.h>

#include "record_fixture.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/patients.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::testing {
namespace {

using core::Id;

constexpr const char* kRefused = "audit log refused (test)";

class AuditAtomicTest : public RecordFixture {
protected:
    void SetUp() override {
        RecordFixture::SetUp();
        core::Practitioner p;
        p.name = "Ida Noor";
        p.disciplines = {"physical_therapy"};
        p.hours = core::parse_weekly_hours("Mon-Sun 07:00-20:00");
        ida_ = admin_->scheduling().add_practitioner(p);
        auto& fay = seat("fay");
        scheduler_ = std::make_unique<core::Scheduler>(fay.db->scheduling());
        scheduler_->set_actor(&fay.who, fay.audit.get());
    }

    core::BookingRequest request(const char* local_start) const {
        core::BookingRequest r;
        r.patient_id = pat_;
        r.practitioner_id = ida_;
        r.start = parse_local_datetime(local_start, "start");
        r.minutes = 30;
        return r;
    }
    std::optional<core::Appointment> stored(Id id) { return admin_->scheduling().appointment(id); }
    std::size_t appointments_of_ida() {
        core::AppointmentQuery q;
        q.from = from_epoch(0);
        q.to = from_epoch(4'000'000'000);
        q.practitioner_ids = {ida_};
        return admin_->scheduling().appointments(q).size();
    }
    std::size_t entries(const std::string& action) {
        std::size_t n = 0;
        for (const auto& e : admin_->audit()->all()) n += e.action == action;
        return n;
    }

    Id ida_ = 0;
    std::unique_ptr<core::Scheduler> scheduler_;
};

TEST_P(AuditAtomicTest, BookingWhoseEntryCannotBeWrittenIsNotStored) {
    break_audit_log();
    expect_error_text([&] { scheduler_->book(request("2027-03-01 10:00")); },
                      kRefused);
    EXPECT_EQ(appointments_of_ida(), 0u) << "a booking without its audit entry was stored";
    // A weekly series is one batch: none of it without the entry.
    auto series = request("2027-03-02 10:00");
    series.rrule = "FREQ=WEEKLY;COUNT=4";
    expect_error_text([&] { scheduler_->book(series); }, kRefused);
    EXPECT_EQ(appointments_of_ida(), 0u);

    mend_audit_log();
    const auto ids = scheduler_->book(request("2027-03-01 10:00"));
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(stored(ids.front()));
    EXPECT_EQ(entries("appointment.book"), 1u);
    EXPECT_TRUE(core::verify_audit_chain(admin_->audit()->all()).intact);
}

TEST_P(AuditAtomicTest, CancelStatusAndMoveWhoseEntryCannotBeWrittenChangeNothing) {
    const Id id = scheduler_->book(request("2027-03-01 10:00")).front();
    const core::Appointment before = *stored(id);
    break_audit_log();
    expect_error_text([&] { scheduler_->cancel(id, "patient ill"); }, kRefused);
    expect_error_text([&] { scheduler_->set_status(id, core::AppointmentStatus::Arrived); },
                      kRefused);
    expect_error_text([&] { scheduler_->no_show(id); }, kRefused);
    expect_error_text(
        [&] { scheduler_->reschedule(id, parse_local_datetime("2027-03-01 14:00", "start")); },
        kRefused);
    const core::Appointment after = *stored(id);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.cancel_reason, before.cancel_reason);
    EXPECT_EQ(after.start, before.start);
    EXPECT_EQ(after.end, before.end);

    mend_audit_log();
    scheduler_->reschedule(id, parse_local_datetime("2027-03-01 14:00", "start"));
    scheduler_->cancel(id, "patient ill");
    EXPECT_EQ(stored(id)->status, core::AppointmentStatus::Cancelled);
    EXPECT_EQ(entries("appointment.move"), 1u);
    EXPECT_EQ(entries("appointment.cancel"), 1u);
    EXPECT_EQ(entries("appointment.status"), 0u);
    EXPECT_TRUE(core::verify_audit_chain(admin_->audit()->all()).intact);
}

TEST_P(AuditAtomicTest, NewPatientWhoseEntryCannotBeWrittenIsNotStored) {
    auto& fay = seat("fay");
    core::PatientDirectory directory(fay.db->scheduling(), *fay.audit);
    core::Patient p;
    p.name = "Nora Unlogged";
    break_audit_log();
    expect_error_text([&] { directory.add(fay.who, p); }, kRefused);
    EXPECT_TRUE(admin_->scheduling().find_patients("Nora Unlogged", 5).empty());

    mend_audit_log();
    const Id id = directory.add(fay.who, p);
    ASSERT_EQ(admin_->scheduling().find_patients("Nora Unlogged", 5).size(), 1u);
    EXPECT_EQ(admin_->scheduling().find_patients("Nora Unlogged", 5).front().id, id);
    EXPECT_EQ(entries("patient.create"), 1u);
}

TEST_P(AuditAtomicTest, AuditedReadWhoseEntryCannotBeWrittenShowsNothing) {
    scheduler_->book(request("2027-03-01 10:00"));
    auto& fay = seat("fay");
    core::PatientDirectory directory(fay.db->scheduling(), *fay.audit);
    break_audit_log();
    std::vector<core::Patient> found;
    expect_error_text([&] { found = directory.find(fay.who, "Pat", 10); }, kRefused);
    expect_error_text([&] { directory.get(fay.who, pat_); }, kRefused);
    std::vector<core::Appointment> day;
    expect_error_text(
        [&] { day = scheduler_->appointments_between(parse_local_date("2027-03-01"), 1); },
        kRefused);
    EXPECT_TRUE(found.empty());
    EXPECT_TRUE(day.empty());
    mend_audit_log();
    EXPECT_EQ(scheduler_->appointments_between(parse_local_date("2027-03-01"), 1).size(), 1u);
    EXPECT_EQ(entries("schedule.read"), 1u);
}

TEST_P(AuditAtomicTest, DoubleBookingInsideTheTransactionIsStillNamed) {
    // The refused write happens inside the booking's transaction; the other appointment is
    // named after it has been rolled back (on PostgreSQL an aborted transaction reads nothing).
    const Id first = scheduler_->book(request("2027-03-01 10:00")).front();
    try {
        scheduler_->book(request("2027-03-01 10:15"));
        ADD_FAILURE() << "double booking was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict) << e.what();
        EXPECT_NE(std::string(e.what()).find("#" + std::to_string(first)), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(appointments_of_ida(), 1u);
    // The connection is still usable after the refusal.
    EXPECT_EQ(scheduler_->book(request("2027-03-01 11:00")).size(), 1u);
    EXPECT_EQ(entries("appointment.book"), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditAtomicTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
