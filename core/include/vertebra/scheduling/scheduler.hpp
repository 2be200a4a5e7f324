// The scheduling engine: booking, recurring series, conflicts, hours, time off, slot search.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core {

struct BookingRequest {
    Id patient_id = 0;
    Id practitioner_id = 0;
    std::optional<Id> room_id;
    std::optional<Id> service_id;
    LocalTime start;                 ///< clinic local time
    std::optional<int> minutes;      ///< default: the service's duration
    std::string rrule;               ///< empty = one appointment
    std::string notes;
    /// Books despite blocking findings of the clinical checks (coverage limit reached, absolute
    /// contraindication); recorded with the appointment. Empty = blocking findings refuse.
    std::string override_reason;
};

struct SlotQuery {
    std::optional<Id> practitioner_id;  ///< this practitioner, or
    std::string discipline;             ///< any active practitioner of this discipline
    int minutes = 30;
    std::optional<Id> service_id;       ///< its equipment narrows the rooms
    LocalDate from;
    int days = 14;
    int count = 10;
    int step_minutes = 15;              ///< candidate starts on this grid (local time)
};

struct Slot {
    Instant start;
    Instant end;
    Id practitioner_id = 0;
    std::optional<Id> room_id;
    bool operator==(const Slot&) const = default;
};

/// Which way an appointment's status may move. Data, not code paths: see status_transitions().
struct StatusTransition {
    AppointmentStatus from;
    AppointmentStatus to;
};
const std::vector<StatusTransition>& status_transitions();

class Scheduler {
public:
    using Clock = std::function<Instant()>;
    explicit Scheduler(SchedulingRepository& repo, Clock now = nullptr);

    ClinicZone zone() const;
    Clinic clinic() const { return clinic_; }
    /// Re-reads clinic settings (name, zone, hours), practitioners, rooms and services after they
    /// change (the desktop app does so on refresh; a lookup by an unknown id re-reads by itself).
    void reload();

    /// Validates a request (ids, discipline, equipment, hours, time off, conflicts in the current
    /// book) and returns the batch that would be written. Nothing is written.
    AppointmentBatch prepare_booking(const BookingRequest& req);
    /// Writes a prepared batch atomically; a double booking that slipped past the check (another
    /// workstation) is still refused by the database. Returns the new ids.
    std::vector<Id> commit(const AppointmentBatch& batch);
    /// prepare_booking + commit. `findings` (optional) receives the clinical checks' findings.
    std::vector<Id> book(const BookingRequest& req, std::vector<BookingFinding>* findings = nullptr);

    /// Cancels one appointment, or it and all later ones of its series. Marks a late cancel when
    /// less than the clinic's notice period remains. Returns the ids cancelled.
    std::vector<Id> cancel(Id id, const std::string& reason, bool following = false);
    void no_show(Id id);
    /// Moves along the status table (arrived, in session, completed, confirmed).
    void set_status(Id id, AppointmentStatus to);
    /// Moves one appointment (or it and the later ones of its series, keeping their local times
    /// shifted by the same amount) to a new local start; optional new length/practitioner/room.
    std::vector<Id> reschedule(Id id, LocalTime new_start, std::optional<int> minutes = {},
                               bool following = false, std::optional<Id> practitioner_id = {},
                               std::optional<Id> room_id = {});

    /// First `count` free slots, in time order (ties by practitioner id).
    std::vector<Slot> find_slots(const SlotQuery& q);

    /// All appointments overlapping the local days [from, from + days). With an actor, needs
    /// schedule.read and is audited unless `audit_read` is false (a background re-read of a
    /// view the user already opened, e.g. the calendar's change polling).
    std::vector<Appointment> appointments_between(LocalDate from, int days,
                                                  const std::vector<Id>& practitioners = {},
                                                  std::optional<Id> patient = {},
                                                  bool include_cancelled = true,
                                                  bool audit_read = true);

    /// A sentence naming an appointment for people: "#12 Mon 2026-11-02 09:00-09:30 with
    /// Dr Ada Park, patient Tom Reed, room Treatment 1".
    std::string describe(const Appointment& a);

    /// Called for every service about to be booked; throws to refuse (e.g. its module is
    /// disabled). Set by whoever knows the modules (the plugin host).
    using ServiceGuard = std::function<void(const Service&)>;
    void set_service_guard(ServiceGuard guard) { service_guard_ = std::move(guard); }

    /// Clinical checks of a module's service at booking time (contraindications, coverage
    /// limits): called with the service and every occurrence about to be written, in time order.
    /// Blocking findings refuse the booking with Error(Conflict) naming them, unless the request
    /// carries an override reason; all findings are returned in AppointmentBatch::findings.
    using BookingCheck =
        std::function<std::vector<BookingFinding>(const Service&, const std::vector<Appointment>&)>;
    void set_booking_check(BookingCheck check) { booking_check_ = std::move(check); }

    /// The signed-in user and the audit log. When set, booking, cancelling, moving and status
    /// changes need schedule.write and reading the book schedule.read (Error PermissionDenied
    /// naming the permission), and each is audited with the patient ("appointment.book",
    /// "appointment.cancel", "appointment.status", "appointment.move", "schedule.read").
    /// A change and its audit entry are one transaction (AuditRepository::atomically): either
    /// both are stored or neither. `audit` must be of the scheduler's database.
    /// Unset: the caller answers for access (the seeding and benchmark paths).
    void set_actor(const Principal* who, AuditRepository* audit) {
        actor_ = who;
        audit_ = audit;
    }

    /// Hours' notice below which a cancellation counts as late.
    static constexpr int kLateCancelHours = 24;

private:
    /// prepare_booking without the conflict pre-check; without the patient and time-off checks
    /// (two round trips) when database_checks is false (the one-step booking does them).
    AppointmentBatch build_batch(const BookingRequest& req, bool database_checks = true);
    void authorize(Permission p) const;
    void audit(const char* action, Id patient, const std::vector<Id>& ids,
               const std::string& detail = {});
    /// Runs a change and the audit entries it appends in one transaction (with an actor).
    void recorded(const std::function<void()>& change);
    /// Writes `batch` and its audit entry (`action` on `ids`, or on the new rows when `ids` is
    /// empty) in one transaction; names the other appointment of a double booking.
    std::vector<Id> write(const AppointmentBatch& batch, const char* action, Id patient,
                          std::vector<Id> ids = {}, const std::string& detail = {});
    void apply_booking_check(const Service& service, const BookingRequest& req,
                             AppointmentBatch& batch);
    void check_fits_schedule(const Appointment& a, const Practitioner& p,
                             const std::vector<TimeOff>& off);
    void precheck_conflicts(const std::vector<Appointment>& rows);
    [[noreturn]] void rethrow_conflict(const BookingConflict& c, const AppointmentBatch& batch);
    const Practitioner& practitioner(Id id);
    Appointment load(Id id);

    SchedulingRepository& repo_;
    Clock now_;
    Clinic clinic_;
    ClinicZone zone_;
    std::vector<Practitioner> practitioners_;
    std::vector<Room> rooms_;
    std::vector<Service> services_;
    ServiceGuard service_guard_;
    BookingCheck booking_check_;
    const Principal* actor_ = nullptr;
    AuditRepository* audit_ = nullptr;
};

}  // namespace vertebra::core
