// Storage interface of the scheduling kernel; db/ implements it for SQLite and PostgreSQL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/error.hpp"
#include "vertebra/domain/types.hpp"

namespace vertebra::core {

/// Appointments overlapping [from, to), optionally narrowed.
struct AppointmentQuery {
    Instant from;
    Instant to;
    std::vector<Id> practitioner_ids;  ///< any of these; empty = all
    std::optional<Id> patient_id;
    std::optional<Id> room_id;
    bool include_cancelled = true;
};

/// Placeholder series id for appointments inserted with a new series in the same batch.
inline constexpr Id kNewSeries = -1;

/// A booking-time finding of a clinical check (a module's coverage limit or contraindication).
struct BookingFinding {
    bool blocking = false;  ///< absolute: refused unless the request gives an override reason
    std::string rule;       ///< stable id: "limit_esi", "ncd_30_3_3_90_days", "dvt"
    std::string reason;     ///< for people
    std::optional<Id> occurrence;  ///< index of the occurrence concerned in a series (0-based)
    bool operator==(const BookingFinding&) const = default;
};

/// One atomic change to the book: optionally a new series, new rows, changed rows.
struct AppointmentBatch {
    std::optional<Series> new_series;
    std::vector<Appointment> inserts;  ///< ids ignored; series_id == kNewSeries -> the new series
    std::vector<Appointment> updates;  ///< full rows, matched by id
    std::vector<BookingFinding> findings;  ///< warnings (and overridden blocks) of the checks
};

/// Raised by a repository when a batch would double-book. The scheduler turns it into a message
/// naming the other appointment, its time and who or what it involves.
class BookingConflict : public Error {
public:
    BookingConflict(Id conflicting_id, std::string resource, std::string message)
        : Error(ErrorKind::Conflict, std::move(message)),
          conflicting_id_(conflicting_id),
          resource_(std::move(resource)) {}
    /// The appointment already in the book (0 if the database could not say, e.g. a deadlock).
    Id conflicting_id() const { return conflicting_id_; }
    /// "practitioner", "room" or "patient" ("" if unknown).
    const std::string& resource() const { return resource_; }

private:
    Id conflicting_id_;
    std::string resource_;
};

/// What occupies time, without the rest of the appointment (slot search reads many of these).
struct BusyInterval {
    Id practitioner_id = 0;
    std::optional<Id> room_id;
    Id patient_id = 0;
    Instant start;
    Instant end;
};

class SchedulingRepository {
public:
    virtual ~SchedulingRepository() = default;

    virtual Clinic load_clinic() = 0;
    virtual void save_clinic(const Clinic& clinic) = 0;

    virtual Id add_practitioner(const Practitioner& p) = 0;
    virtual void update_practitioner(const Practitioner& p) = 0;
    virtual std::vector<Practitioner> practitioners() = 0;
    virtual Id add_time_off(const TimeOff& t) = 0;
    /// Time off overlapping [from, to); practitioner_id 0 = everyone's.
    virtual std::vector<TimeOff> time_off(Id practitioner_id, Instant from, Instant to) = 0;

    virtual Id add_room(const Room& r) = 0;
    virtual std::vector<Room> rooms() = 0;

    virtual Id add_patient(const Patient& p) = 0;
    virtual std::optional<Patient> patient(Id id) = 0;
    /// Case-insensitive substring search on the name; at most `limit` rows, by name.
    virtual std::vector<Patient> find_patients(const std::string& text, int limit) = 0;

    virtual Id add_service(const Service& s) = 0;
    virtual std::vector<Service> services() = 0;

    virtual std::vector<Appointment> appointments(const AppointmentQuery& q) = 0;
    virtual std::optional<Appointment> appointment(Id id) = 0;
    /// Time-occupying (non-cancelled) appointments overlapping [from, to), lean.
    virtual std::vector<BusyInterval> busy(Instant from, Instant to) = 0;
    virtual std::vector<Appointment> series_appointments(Id series_id) = 0;
    virtual std::optional<Series> series(Id id) = 0;

    /// Atomically checks that no row of the batch overlaps a time-occupying appointment of the
    /// same practitioner, room or patient (rows being updated do not conflict with themselves),
    /// then writes it; all or nothing. Throws BookingConflict, or Error(Unavailable).
    /// Returns the ids of the inserted rows, in order.
    virtual std::vector<Id> commit_appointments(const AppointmentBatch& batch) = 0;

    /// True when book_in_one_step() can write a new booking in one step (PostgreSQL: one
    /// server-side call); the scheduler then leaves the patient and time-off checks to it.
    virtual bool books_in_one_step() const { return false; }
    /// Writes a batch of new rows of one request (same patient, practitioner, room, service and
    /// notes; optionally one new series; no updates) in one step that also checks that the patient
    /// exists and that no time off of the practitioner overlaps, besides the overlap check of
    /// commit_appointments(). Returns std::nullopt, writing nothing, when one of those two checks
    /// failed or the batch is not of that shape: the caller then runs its own checks, which name
    /// the problem, and commit_appointments(). Throws BookingConflict, or Error(Unavailable).
    virtual std::optional<std::vector<Id>> book_in_one_step(const AppointmentBatch& batch) {
        (void)batch;
        return std::nullopt;
    }

    /// Loads many trusted rows fast (demo seed, benchmark tier, imports) with their ids as given,
    /// without the app-level conflict check (PostgreSQL's exclusion constraints still apply).
    /// Meant for an empty book; may be called repeatedly with further chunks.
    virtual void bulk_insert(const std::vector<Series>& series,
                             const std::vector<Appointment>& rows) = 0;
};

}  // namespace vertebra::core
