// The demo clinic: a small realistic week around today, or the benchmark's tier L.
#include "vertebra/demo/demo_seed.hpp"

#include <random>

#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::core {

namespace {

const char* kFirst[] = {"Ava", "Liam", "Noah", "Emma", "Olivia", "Mason", "Sophia", "Lucas",
                        "Mia", "Ethan", "Isabella", "James", "Amelia", "Benjamin", "Harper",
                        "Elijah", "Evelyn", "Henry", "Abigail", "Jack", "Ella", "Samuel",
                        "Grace", "Daniel", "Chloe", "Leo", "Nora", "David", "Ruth", "Omar"};
const char* kLast[] = {"Garcia", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller",
                       "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Taylor", "Thomas",
                       "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
                       "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright"};

std::string patient_name(std::int64_t i) {
    return std::string(kFirst[i % 30]) + " " + kLast[(i / 30 + i * 7) % 30] +
           (i >= 900 ? " " + std::to_string(i / 900) : "");
}

struct PractitionerSpec {
    const char* name;
    const char* discipline;
    const char* hours;
};

// A small multi-disciplinary back-pain clinic (RULES.md's ten components, the five modules).
const PractitionerSpec kStaff[] = {
    {"Dr. Maya Chen, DC", "chiropractic", "Mon-Fri 08:00-17:00"},
    {"Sam Okafor, PT", "physical_therapy", "Mon-Fri 08:00-18:00"},
    {"Lena Fischer, LAc", "acupuncture", "Mon,Wed,Thu 09:00-17:00; Sat 09:00-13:00"},
    {"Jordan Reyes, LMT", "massage", "Tue-Sat 10:00-18:00"},
    {"Dr. Priya Nair, MD", "injections", "Mon,Tue,Thu 08:00-16:00"},
    {"Dr. Tom Becker, PsyD", "psychological_support", "Mon-Thu 09:00-17:00"},
};

struct ServiceSpec {
    const char* name;
    int minutes;
    const char* discipline;
    std::vector<std::string> equipment;
    const char* module;
    const char* offer;  ///< the module's ServiceOffer key
};

const std::vector<ServiceSpec>& service_specs() {
    static const std::vector<ServiceSpec> s = {
        {"Chiropractic adjustment", 30, "chiropractic", {"adjusting_table"}, "chiropractic", "adjustment_visit"},
        {"Chiropractic initial exam", 45, "chiropractic", {"adjusting_table"}, "chiropractic", "initial_exam"},
        {"Physical therapy session", 45, "physical_therapy", {"exercise_equipment"}, "", ""},
        {"PT evaluation", 60, "physical_therapy", {"exercise_equipment"}, "", ""},
        {"Acupuncture session", 45, "acupuncture", {"treatment_table"}, "acupuncture", "acupuncture_session"},
        {"Therapeutic massage", 60, "massage", {"treatment_table"}, "massage", "massage_session"},
        {"Trigger point injection", 30, "injections", {"procedure_room"}, "injections", "trigger_point"},
        {"Epidural steroid injection", 60, "injections", {"fluoroscopy"}, "injections", "interlaminar_esi"},
        {"CBT for chronic pain", 50, "psychological_support", {}, "", ""},
    };
    return s;
}

struct RoomSpec {
    const char* name;
    std::vector<std::string> equipment;
};

const std::vector<RoomSpec>& room_specs() {
    static const std::vector<RoomSpec> r = {
        {"Adjusting room", {"adjusting_table", "treatment_table"}},
        {"Gym", {"exercise_equipment"}},
        {"Treatment 1", {"treatment_table", "estim"}},
        {"Treatment 2", {"treatment_table"}},
        {"Procedure suite", {"procedure_room", "fluoroscopy"}},
    };
    return r;
}

DemoSeedReport seed_small(SchedulingRepository& repo, LocalDate today,
                          const std::function<void(double)>& progress) {
    DemoSeedReport rep;
    Clinic c;
    c.name = "Vertebra Demo Clinic";
    c.timezone = "America/New_York";
    c.opening_hours = parse_weekly_hours("Mon-Fri 07:30-19:00; Sat 08:30-14:00");
    repo.save_clinic(c);

    std::vector<Id> staff;
    for (const auto& s : kStaff) {
        Practitioner p;
        p.name = s.name;
        p.disciplines = {s.discipline};
        p.hours = parse_weekly_hours(s.hours);
        staff.push_back(repo.add_practitioner(p));
        ++rep.practitioners;
    }
    for (const auto& r : room_specs()) {
        repo.add_room(Room{0, r.name, r.equipment});
        ++rep.rooms;
    }
    std::vector<Service> services;
    for (const auto& s : service_specs()) {
        Service sv{0, s.name, s.minutes, s.discipline, s.equipment, s.module, s.offer};
        sv.id = repo.add_service(sv);
        services.push_back(sv);
        ++rep.services;
    }
    std::vector<Id> patients;
    for (int i = 0; i < 60; ++i) {
        Patient p;
        p.name = patient_name(i);
        p.birth_date = LocalDate{date::year{1950 + (i * 7) % 50} / date::month{1u + i % 12} /
                                 date::day{1u + (i * 3) % 28}};
        p.phone = "555-01" + std::to_string(10 + i);
        if (i % 3 == 0) p.payer = "medicare";  // a third of the demo patients are on Medicare
        patients.push_back(repo.add_patient(p));
        ++rep.patients;
    }

    Scheduler sched(repo);
    ClinicZone zone = sched.zone();
    // Time off: the acupuncturist is at a course on next week's Thursday.
    LocalDate monday = today - date::days{iso_weekday_index(today)};
    LocalDate course = monday + date::days{7 + 3};
    repo.add_time_off(TimeOff{0, staff[2], zone.start_of_day(course),
                              zone.start_of_day(course + date::days{1}), "CPD course"});

    std::mt19937 rng(20261102);
    // Weekly series first: a plan's PT twice a week and chiropractic weekly for some patients.
    int series_patients = 8;
    for (int i = 0; i < series_patients; ++i) {
        BookingRequest r;
        r.patient_id = patients[static_cast<std::size_t>(i)];
        r.practitioner_id = staff[1];
        r.service_id = services[2].id;
        r.start = LocalTime{monday - date::days{7}} + std::chrono::hours{8 + i};
        r.rrule = (i % 2 == 0) ? "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8" : "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8";
        if (i % 2 == 1) r.start += date::days{1};
        try {
            auto ids = sched.book(r);
            rep.appointments += static_cast<std::int64_t>(ids.size());
            ++rep.series;
        } catch (const Error&) {
        }
    }
    // Single bookings across last week, this week and the next two weeks.
    const int days = 28;
    for (int d = 0; d < days; ++d) {
        LocalDate day = monday - date::days{7} + date::days{d};
        for (std::size_t si = 0; si < services.size(); ++si) {
            const Service& sv = services[si];
            Id prac = 0;
            for (std::size_t k = 0; k < std::size(kStaff); ++k)
                if (sv.discipline == kStaff[k].discipline) prac = staff[k];
            for (int h = 8; h < 18; ++h) {
                if (rng() % 100 >= (si == 2 ? 25u : 45u)) continue;
                BookingRequest r;
                r.patient_id = patients[rng() % patients.size()];
                r.practitioner_id = prac;
                r.service_id = sv.id;
                r.start = LocalTime{day} + std::chrono::hours{h} +
                          std::chrono::minutes{(rng() % 2) * 30};
                try {
                    auto ids = sched.book(r);
                    rep.appointments += static_cast<std::int64_t>(ids.size());
                } catch (const Error&) {
                    // outside hours, time off or taken: a real front desk would pick another time
                }
            }
        }
        if (progress) progress(static_cast<double>(d + 1) / days);
    }
    // Past appointments happened (mostly); a few were cancelled or missed.
    Instant now = zone.start_of_day(today) + std::chrono::hours{12};
    auto all = sched.appointments_between(monday - date::days{7}, days, {}, {}, false);
    int k = 0;
    for (const auto& a : all) {
        ++k;
        try {
            if (a.end <= now) {
                if (k % 17 == 0) {
                    sched.no_show(a.id);
                } else if (k % 13 == 0) {
                    sched.cancel(a.id, "patient unwell");
                    ++rep.cancelled;
                } else {
                    sched.set_status(a.id, AppointmentStatus::Arrived);
                    sched.set_status(a.id, AppointmentStatus::Completed);
                }
            } else if (k % 19 == 0) {
                sched.cancel(a.id, "rescheduling requested by patient");
                ++rep.cancelled;
            } else if (k % 3 == 0) {
                sched.set_status(a.id, AppointmentStatus::Confirmed);
            }
        } catch (const Error&) {
        }
    }
    return rep;
}

DemoSeedReport seed_large(SchedulingRepository& repo, LocalDate today, int years,
                          const std::function<void(double)>& progress) {
    // Tier L: 50 practitioners, 30 rooms, ~2.5M appointments over 10 years (~25% in weekly
    // series, ~10% cancelled). Each practitioner has a disjoint pool of patients, so a patient is
    // never double-booked; the rooms go to the first 30 concurrent appointments of a time slot.
    DemoSeedReport rep;
    Clinic c;
    c.name = "Vertebra Group (tier L)";
    c.timezone = "America/New_York";
    repo.save_clinic(c);
    const char* disciplines[] = {"physical_therapy", "chiropractic", "acupuncture", "massage",
                                 "injections"};
    const int kPractitioners = 50, kRooms = 30, kPool = 400;
    for (int i = 0; i < kPractitioners; ++i) {
        Practitioner p;
        p.name = "Practitioner " + std::to_string(i + 1);
        p.disciplines = {disciplines[i % 5]};
        p.hours = parse_weekly_hours("Mon-Fri 07:00-19:00");
        repo.add_practitioner(p);
        ++rep.practitioners;
    }
    for (int i = 0; i < kRooms; ++i) {
        std::vector<std::string> eq = {"treatment_table"};
        if (i % 3 == 0) eq.push_back("adjusting_table");
        if (i % 5 == 0) eq.push_back("estim");
        repo.add_room(Room{0, "Room " + std::to_string(i + 1), eq});
        ++rep.rooms;
    }
    for (const auto& s : service_specs()) {
        repo.add_service(Service{0, s.name, 30, s.discipline, {}, s.module, s.offer});
        ++rep.services;
    }
    for (int i = 0; i < kPractitioners * kPool; ++i) {
        repo.add_patient(Patient{0, patient_name(i), {}, "", ""});
        ++rep.patients;
    }

    ClinicZone zone(c.timezone);
    // 70% of the span lies in the past, 30% ahead (bookings months out, recurring series).
    LocalDate first = today - date::days{years * 365 * 7 / 10};
    first = first - date::days{iso_weekday_index(first)};  // a Monday
    const int kWeeks = years * 522 / 10;                   // 52.2 weeks a year
    const int kSlotsPerDay = 24;                          // 07:00-19:00, 30 minutes each
    std::mt19937_64 rng(42);
    Id next_id = 1, next_series = 1;
    Instant now = zone.start_of_day(today);
    for (int week = 0; week < kWeeks; ++week) {
        std::vector<Appointment> rows;
        std::vector<Series> series;
        rows.reserve(kPractitioners * 5 * kSlotsPerDay);
        for (int wd = 0; wd < 5; ++wd) {
            LocalDate day = first + date::days{week * 7 + wd};
            for (int slot = 0; slot < kSlotsPerDay; ++slot) {
                LocalTime ls = LocalTime{day} + std::chrono::hours{7} +
                               std::chrono::minutes{30 * slot};
                Instant s = zone.to_utc(ls);
                int room_next = 0;
                for (int p = 0; p < kPractitioners; ++p) {
                    // Slots 0-5 of each practitioner's week are recurring-series slots: the
                    // same patient at the same local time for 10-week blocks (~25% of rows).
                    std::uint64_t h = (static_cast<std::uint64_t>(p) * 1315423911u) ^
                                      (static_cast<std::uint64_t>(wd * 100 + slot) * 2654435761u);
                    bool series_slot = (h % 100) < 25;
                    if (!series_slot && rng() % 100 >= 82) continue;  // ~80% utilisation
                    Appointment a;
                    a.id = next_id++;
                    a.practitioner_id = p + 1;
                    int block = week / 10;
                    std::int64_t pool_index =
                        series_slot ? static_cast<std::int64_t>((h / 100 + block) % kPool)
                                    : static_cast<std::int64_t>(rng() % kPool);
                    a.patient_id = static_cast<Id>(p) * kPool + pool_index + 1;
                    a.start = s;
                    a.end = s + std::chrono::minutes{30};
                    if (room_next < kRooms) a.room_id = ++room_next;
                    a.service_id = 1 + (p % 5) * 2 % 9;
                    if (series_slot) {
                        // One series per (practitioner, weekday, slot, 10-week block).
                        Id sid = static_cast<Id>(((block * kPractitioners + p) * 5 + wd) *
                                                     kSlotsPerDay + slot + 1);
                        a.series_id = sid;
                        if (week % 10 == 0 || week == 0) {
                            series.push_back(Series{sid, "FREQ=WEEKLY;COUNT=10", ls, 30});
                            ++rep.series;
                        }
                    }
                    std::uint64_t r = rng() % 100;
                    if (r < 10) {
                        a.status = AppointmentStatus::Cancelled;
                        a.cancel_reason = "patient request";
                        ++rep.cancelled;
                    } else if (a.end <= now) {
                        a.status = r < 13 ? AppointmentStatus::NoShow : AppointmentStatus::Completed;
                    }
                    rows.push_back(a);
                }
            }
        }
        (void)next_series;
        repo.bulk_insert(series, rows);
        rep.appointments += static_cast<std::int64_t>(rows.size());
        if (progress) progress(static_cast<double>(week + 1) / kWeeks);
    }
    return rep;
}

}  // namespace

DemoSeedReport seed_demo_clinic(SchedulingRepository& repo, DemoScale scale, LocalDate today,
                                const std::function<void(double)>& progress) {
    if (!repo.practitioners().empty())
        throw invalid("db", "the database already has a clinic; demo data goes only into an "
                            "empty database");
    switch (scale) {
        case DemoScale::Small:
            return seed_small(repo, today, progress);
        case DemoScale::Medium:
            return seed_large(repo, today, 1, progress);
        case DemoScale::Large:
        default:
            return seed_large(repo, today, 10, progress);
    }
}

}  // namespace vertebra::core
