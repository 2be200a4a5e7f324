// The clinic's scheduling vocabulary: clinic, practitioners, rooms, patients, services, appointments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/time.hpp"

namespace vertebra::core {

using Id = std::int64_t;

/// A half-open interval of minutes after local midnight, [begin, end).
struct MinuteRange {
    int begin = 0;
    int end = 0;
    bool operator==(const MinuteRange&) const = default;
};

/// Opening or working hours for each ISO weekday (0 = Monday). Empty day = closed.
struct WeeklyHours {
    std::array<std::vector<MinuteRange>, 7> days;
    bool operator==(const WeeklyHours&) const = default;
    /// Does [begin, end) minutes on weekday `wd` fit inside one range of that day?
    bool covers(int wd, int begin, int end) const;
};

struct Clinic {
    std::string name = "Vertebra clinic";
    std::string timezone = "UTC";
    WeeklyHours opening_hours;  ///< empty on every day = no clinic-wide limit
};

struct TimeOff {
    Id id = 0;
    Id practitioner_id = 0;
    Instant start;
    Instant end;
    std::string reason;
};

struct Practitioner {
    Id id = 0;
    std::string name;
    std::vector<std::string> disciplines;
    WeeklyHours hours;
    bool active = true;
    bool has_discipline(const std::string& d) const;
};

struct Room {
    Id id = 0;
    std::string name;
    std::vector<std::string> equipment;
    bool has_all(const std::vector<std::string>& needed) const;
};

struct Patient {
    Id id = 0;
    std::string name;
    std::optional<LocalDate> birth_date;
    std::string phone;
    std::string email;
    std::string payer = "commercial";  ///< billing payer id: "medicare", "commercial", ...
};

struct Service {
    Id id = 0;
    std::string name;
    int minutes = 30;
    std::string discipline;
    std::vector<std::string> equipment;
    std::string module_id;  ///< therapy module that offers it; empty = core service
    std::string offer;      ///< the module's ServiceOffer key ("facet"); empty = none named
};

enum class AppointmentStatus { Booked, Confirmed, Arrived, InSession, Completed, Cancelled, NoShow };

const char* to_string(AppointmentStatus s);
/// Throws Invalid for an unknown name.
AppointmentStatus appointment_status_from_string(const std::string& s);
/// Whether an appointment in this status still occupies practitioner, room and patient.
inline bool occupies_time(AppointmentStatus s) { return s != AppointmentStatus::Cancelled; }

struct Appointment {
    Id id = 0;
    Id patient_id = 0;
    Id practitioner_id = 0;
    std::optional<Id> room_id;
    std::optional<Id> service_id;
    std::optional<Id> series_id;
    Instant start;
    Instant end;
    AppointmentStatus status = AppointmentStatus::Booked;
    std::string cancel_reason;
    bool late_cancel = false;
    std::string notes;
};

/// A recurring series: the rule it was made from; each occurrence is its own appointment row.
struct Series {
    Id id = 0;
    std::string rrule;
    LocalTime local_start;  ///< DTSTART in clinic local time
    int minutes = 0;
};

/// Half-open overlap: back-to-back intervals do not overlap.
inline bool overlaps(Instant a0, Instant a1, Instant b0, Instant b1) { return a0 < b1 && b0 < a1; }

}  // namespace vertebra::core
