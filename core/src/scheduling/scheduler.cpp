// The scheduling engine: validation against hours, time off and the book; slot search.
#include "vertebra/scheduling/scheduler.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "vertebra/scheduling/recurrence.hpp"

namespace vertebra::core {

namespace {

using std::chrono::minutes;

std::string weekday_name(LocalDate d) {
    static const char* names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return names[iso_weekday_index(d)];
}

Instant system_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

const std::vector<StatusTransition>& status_transitions() {
    using S = AppointmentStatus;
    static const std::vector<StatusTransition> table = {
        {S::Booked, S::Confirmed},    {S::Booked, S::Arrived},       {S::Confirmed, S::Arrived},
        {S::Booked, S::InSession},    {S::Confirmed, S::InSession},  {S::Arrived, S::InSession},
        {S::InSession, S::Completed}, {S::Arrived, S::Completed},    {S::Booked, S::Cancelled},
        {S::Confirmed, S::Cancelled}, {S::Arrived, S::Cancelled},    {S::Booked, S::NoShow},
        {S::Confirmed, S::NoShow},
    };
    return table;
}

Scheduler::Scheduler(SchedulingRepository& repo, Clock now)
    : repo_(repo), now_(now ? std::move(now) : Clock(system_now)), zone_("UTC") {
    reload();
}

ClinicZone Scheduler::zone() const { return zone_; }

void Scheduler::reload() {
    clinic_ = repo_.load_clinic();
    zone_ = ClinicZone(clinic_.timezone);
    practitioners_ = repo_.practitioners();
    rooms_ = repo_.rooms();
    services_ = repo_.services();
}

const Practitioner& Scheduler::practitioner(Id id) {
    for (const auto& p : practitioners_)
        if (p.id == id) return p;
    practitioners_ = repo_.practitioners();  // added by another workstation since
    for (const auto& p : practitioners_)
        if (p.id == id) return p;
    throw not_found("practitioner " + std::to_string(id));
}

Appointment Scheduler::load(Id id) {
    auto a = repo_.appointment(id);
    if (!a) throw not_found("appointment " + std::to_string(id));
    return *a;
}

void Scheduler::check_fits_schedule(const Appointment& a, const Practitioner& p,
                                    const std::vector<TimeOff>& off) {
    LocalTime ls = zone_.to_local(a.start), le = zone_.to_local(a.end);
    LocalDate day = date::floor<date::days>(ls);
    int b = static_cast<int>(std::chrono::duration_cast<minutes>(ls - LocalTime{day}).count());
    int e = static_cast<int>(std::chrono::duration_cast<minutes>(le - LocalTime{day}).count());
    int wd = iso_weekday_index(day);
    std::string when = weekday_name(day) + " " + format_date(day) + " " + format_hhmm(b) + "-" +
                       (e <= 24 * 60 ? format_hhmm(e) : format_hhmm(e % (24 * 60)));
    bool clinic_limited = std::any_of(clinic_.opening_hours.days.begin(),
                                      clinic_.opening_hours.days.end(),
                                      [](const auto& v) { return !v.empty(); });
    if (clinic_limited && !clinic_.opening_hours.covers(wd, b, e))
        throw Error(ErrorKind::Invalid,
                    "start: " + when + " is outside the clinic's opening hours", "start");
    if (!p.hours.covers(wd, b, e)) {
        std::string hours;
        for (const auto& r : p.hours.days[static_cast<std::size_t>(wd)])
            hours += (hours.empty() ? "" : ", ") + format_hhmm(r.begin) + "-" + format_hhmm(r.end);
        throw Error(ErrorKind::Invalid,
                    "start: " + when + " is outside " + p.name + "'s working hours" +
                        (hours.empty() ? " (not working on " + weekday_name(day) + ")"
                                       : " (" + hours + ")"),
                    "start");
    }
    for (const auto& t : off)
        if (t.practitioner_id == p.id && overlaps(a.start, a.end, t.start, t.end))
            throw Error(ErrorKind::Invalid,
                        "start: " + p.name + " is off from " + zone_.format_short(t.start) +
                            " to " + zone_.format_short(t.end) +
                            (t.reason.empty() ? "" : " (" + t.reason + ")"),
                        "start");
}

void Scheduler::precheck_conflicts(const std::vector<Appointment>& rows) {
    if (rows.empty()) return;
    Instant from = rows.front().start, to = rows.front().end;
    std::set<Id> own_ids;
    for (const auto& r : rows) {
        from = std::min(from, r.start);
        to = std::max(to, r.end);
        if (r.id) own_ids.insert(r.id);
    }
    std::set<Id> practitioners, patients, rooms;
    for (const auto& r : rows) {
        practitioners.insert(r.practitioner_id);
        patients.insert(r.patient_id);
        if (r.room_id) rooms.insert(*r.room_id);
    }
    std::vector<Appointment> existing;
    auto fetch = [&](AppointmentQuery q) {
        q.from = from;
        q.to = to;
        q.include_cancelled = false;
        auto got = repo_.appointments(q);
        existing.insert(existing.end(), got.begin(), got.end());
    };
    fetch(AppointmentQuery{.practitioner_ids = {practitioners.begin(), practitioners.end()}});
    for (Id p : patients) fetch(AppointmentQuery{.patient_id = p});
    for (Id r : rooms) fetch(AppointmentQuery{.room_id = r});

    for (const auto& r : rows) {
        for (const auto& x : existing) {
            if (own_ids.count(x.id) || !occupies_time(x.status)) continue;
            if (!overlaps(r.start, r.end, x.start, x.end)) continue;
            std::string resource;
            if (x.practitioner_id == r.practitioner_id)
                resource = "practitioner";
            else if (r.room_id && x.room_id == r.room_id)
                resource = "room";
            else if (x.patient_id == r.patient_id)
                resource = "patient";
            else
                continue;
            BookingConflict c(x.id, resource, "conflict");
            AppointmentBatch b;
            b.inserts.push_back(r);
            rethrow_conflict(c, b);
        }
    }
}

void Scheduler::rethrow_conflict(const BookingConflict& c, const AppointmentBatch& batch) {
    (void)batch;
    std::string msg;
    if (c.conflicting_id() > 0) {
        if (auto other = repo_.appointment(c.conflicting_id())) {
            std::string who;
            if (c.resource() == "practitioner")
                who = practitioner(other->practitioner_id).name + " is already booked";
            else if (c.resource() == "room")
                who = "the room is already in use";
            else if (c.resource() == "patient")
                who = "the patient is already booked";
            else
                who = "overlaps";
            msg = "conflict: " + who + ": appointment " + describe(*other);
        }
    }
    if (msg.empty())
        msg = "conflict: another booking for the same practitioner, room or patient was made at "
              "the same moment; reload and try again";
    throw BookingConflict(c.conflicting_id(), c.resource(), msg);
}

std::string Scheduler::describe(const Appointment& a) {
    LocalTime ls = zone_.to_local(a.start), le = zone_.to_local(a.end);
    LocalDate day = date::floor<date::days>(ls);
    std::string s = "#" + std::to_string(a.id) + " " + weekday_name(day) + " " +
                    date::format("%Y-%m-%d %H:%M", ls) + "-" + date::format("%H:%M", le);
    try {
        s += " with " + practitioner(a.practitioner_id).name;
    } catch (const Error&) {
    }
    if (auto p = repo_.patient(a.patient_id)) s += ", patient " + p->name;
    if (a.room_id)
        for (const auto& r : repo_.rooms())
            if (r.id == *a.room_id) s += ", room " + r.name;
    if (a.status != AppointmentStatus::Booked) s += std::string(" [") + to_string(a.status) + "]";
    return s;
}

void Scheduler::authorize(Permission p) const {
    if (actor_) require(*actor_, p);
}

void Scheduler::audit(const char* action, Id patient, const std::vector<Id>& ids,
                      const std::string& detail) {
    if (!actor_ || !audit_) return;
    std::string object = "appointment:";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i == 20) {
            object += ",+" + std::to_string(ids.size() - 20);
            break;
        }
        object += (i ? "," : "") + std::to_string(ids[i]);
    }
    audit_->append(AuditEvent{actor_->name, patient, action, object, actor_->workstation, detail});
}

void Scheduler::recorded(const std::function<void()>& change) {
    if (actor_ && audit_)
        audit_->atomically(change);
    else
        change();
}

std::vector<Id> Scheduler::write(const AppointmentBatch& batch, const char* action, Id patient,
                                 std::vector<Id> ids, const std::string& detail) {
    try {
        recorded([&] {
            auto inserted = repo_.commit_appointments(batch);
            if (ids.empty()) ids = std::move(inserted);
            if (!ids.empty()) audit(action, patient, ids, detail);
        });
    } catch (const BookingConflict& c) {
        // Outside the transaction, now rolled back: naming the other appointment reads the book.
        rethrow_conflict(c, batch);
    }
    return ids;
}

AppointmentBatch Scheduler::prepare_booking(const BookingRequest& req) {
    authorize(Permission::ScheduleWrite);
    AppointmentBatch batch = build_batch(req);
    precheck_conflicts(batch.inserts);
    return batch;
}

AppointmentBatch Scheduler::build_batch(const BookingRequest& req, bool database_checks) {
    if (database_checks && !repo_.patient(req.patient_id))
        throw not_found("patient " + std::to_string(req.patient_id));
    const Practitioner& prac = practitioner(req.practitioner_id);
    if (!prac.active)
        throw invalid("practitioner", prac.name + " is inactive and cannot be booked");

    std::optional<Service> service;
    if (req.service_id) {
        for (auto& s : repo_.services())
            if (s.id == *req.service_id) service = s;
        if (!service) throw not_found("service " + std::to_string(*req.service_id));
        if (!service->discipline.empty() && !prac.has_discipline(service->discipline))
            throw invalid("service", prac.name + " does not practise " + service->discipline +
                                         " (needed for '" + service->name + "')");
        if (service_guard_) service_guard_(*service);
    }
    if (req.room_id && std::none_of(rooms_.begin(), rooms_.end(),
                                    [&](const Room& r) { return r.id == *req.room_id; }))
        rooms_ = repo_.rooms();  // added by another workstation since
    const std::vector<Room>& rooms = rooms_;
    std::optional<Room> room;
    if (req.room_id) {
        for (auto& r : rooms)
            if (r.id == *req.room_id) room = r;
        if (!room) throw not_found("room " + std::to_string(*req.room_id));
        if (service && !room->has_all(service->equipment)) {
            std::string missing;
            for (const auto& e : service->equipment)
                if (!room->has_all({e})) missing += (missing.empty() ? "" : ", ") + e;
            throw invalid("room", "room " + room->name + " lacks " + missing + " needed for '" +
                                      service->name + "'");
        }
    }
    int mins = req.minutes ? *req.minutes : (service ? service->minutes : 0);
    if (mins <= 0)
        throw invalid("minutes", req.minutes ? "must be a positive number of minutes"
                                             : "give the length in minutes or a service");
    if (mins > 12 * 60) throw invalid("minutes", "an appointment cannot exceed 12 hours");

    std::vector<LocalTime> starts =
        req.rrule.empty() ? std::vector<LocalTime>{req.start} : expand_rrule(req.rrule, req.start);

    AppointmentBatch batch;
    if (!req.rrule.empty()) batch.new_series = Series{0, req.rrule, req.start, mins};
    Instant span_from = zone_.to_utc(starts.front());
    Instant span_to = zone_.to_utc(starts.back()) + minutes{mins};
    std::vector<TimeOff> off;
    if (database_checks) off = repo_.time_off(prac.id, span_from, span_to);

    bool need_room = !room && service && !service->equipment.empty();
    for (LocalTime ls : starts) {
        Appointment a;
        a.patient_id = req.patient_id;
        a.practitioner_id = prac.id;
        a.service_id = req.service_id;
        a.room_id = room ? std::optional<Id>(room->id) : std::nullopt;
        a.series_id = req.rrule.empty() ? std::nullopt : std::optional<Id>(kNewSeries);
        a.start = zone_.to_utc(ls);
        a.end = a.start + minutes{mins};
        a.notes = req.notes;
        check_fits_schedule(a, prac, off);
        batch.inserts.push_back(a);
    }
    if (need_room) {
        // Pick, per occurrence, the first room with the equipment that is free then.
        for (auto& a : batch.inserts) {
            for (const auto& r : rooms) {
                if (!r.has_all(service->equipment)) continue;
                AppointmentQuery q{.from = a.start, .to = a.end, .room_id = r.id,
                                   .include_cancelled = false};
                if (repo_.appointments(q).empty()) {
                    a.room_id = r.id;
                    break;
                }
            }
            if (!a.room_id) {
                std::string eq;
                for (const auto& e : service->equipment) eq += (eq.empty() ? "" : ", ") + e;
                throw Error(ErrorKind::Conflict, "conflict: no room with " + eq + " is free at " +
                                                     zone_.format_short(a.start));
            }
        }
    }
    if (service && booking_check_) apply_booking_check(*service, req, batch);
    return batch;
}

void Scheduler::apply_booking_check(const Service& service, const BookingRequest& req,
                                    AppointmentBatch& batch) {
    batch.findings = booking_check_(service, batch.inserts);
    std::string blocks;
    for (const auto& f : batch.findings)
        if (f.blocking) blocks += (blocks.empty() ? "" : "; ") + f.reason;
    if (blocks.empty()) return;
    const auto first = req.override_reason.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        throw Error(ErrorKind::Conflict, "cannot book '" + service.name + "': " + blocks +
                                             " (an override needs a documented reason)");
    // The override stays visible on every appointment it let through.
    for (auto& a : batch.inserts)
        a.notes += (a.notes.empty() ? "" : "\n") + std::string("Override (") + blocks +
                   "): " + req.override_reason.substr(first);
}

std::vector<Id> Scheduler::commit(const AppointmentBatch& batch) {
    authorize(Permission::ScheduleWrite);
    if (batch.inserts.empty()) return write(batch, "appointment.book", 0);  // nothing to audit
    return write(batch, "appointment.book", batch.inserts.front().patient_id);
}

std::vector<Id> Scheduler::book(const BookingRequest& req, std::vector<BookingFinding>* findings) {
    authorize(Permission::ScheduleWrite);
    // No separate pre-check: the repository checks inside the write transaction and the
    // conflict is named the same way, with two round trips fewer.
    if (!repo_.books_in_one_step()) {
        AppointmentBatch batch = build_batch(req);
        if (findings) *findings = batch.findings;
        return commit(batch);
    }
    // PostgreSQL: patient, time off, overlap and insert in one server-side step (one round
    // trip). If it refuses the patient or time off, the checks here name the problem.
    AppointmentBatch batch = build_batch(req, false);
    if (findings) *findings = batch.findings;
    try {
        std::optional<std::vector<Id>> ids;
        recorded([&] {
            ids = repo_.book_in_one_step(batch);
            if (ids) audit("appointment.book", req.patient_id, *ids);
        });
        if (ids) return *ids;
    } catch (const BookingConflict& c) {
        rethrow_conflict(c, batch);
    }
    if (!repo_.patient(req.patient_id))
        throw not_found("patient " + std::to_string(req.patient_id));
    const Practitioner& prac = practitioner(req.practitioner_id);
    Instant from = batch.inserts.front().start, to = batch.inserts.front().end;
    for (const auto& a : batch.inserts) {
        from = std::min(from, a.start);
        to = std::max(to, a.end);
    }
    auto off = repo_.time_off(prac.id, from, to);
    for (const auto& a : batch.inserts) check_fits_schedule(a, prac, off);
    return commit(batch);
}

std::vector<Id> Scheduler::cancel(Id id, const std::string& reason, bool following) {
    authorize(Permission::ScheduleWrite);
    Appointment a = load(id);
    if (a.status == AppointmentStatus::Cancelled)
        throw invalid("id", "appointment " + std::to_string(id) + " is already cancelled");
    if (a.status == AppointmentStatus::Completed || a.status == AppointmentStatus::NoShow ||
        a.status == AppointmentStatus::InSession)
        throw invalid("id", "appointment " + std::to_string(id) + " is " + to_string(a.status) +
                                " and cannot be cancelled");
    std::vector<Appointment> rows{a};
    if (following && a.series_id) {
        for (auto& x : repo_.series_appointments(*a.series_id))
            if (x.id != a.id && x.start > a.start &&
                (x.status == AppointmentStatus::Booked || x.status == AppointmentStatus::Confirmed))
                rows.push_back(x);
    }
    Instant now = now_();
    AppointmentBatch batch;
    std::vector<Id> ids;
    for (auto& r : rows) {
        r.status = AppointmentStatus::Cancelled;
        r.cancel_reason = reason;
        r.late_cancel = r.start > now && r.start - now < std::chrono::hours{kLateCancelHours};
        batch.updates.push_back(r);
        ids.push_back(r.id);
    }
    return write(batch, "appointment.cancel", a.patient_id, ids, reason);
}

void Scheduler::no_show(Id id) { set_status(id, AppointmentStatus::NoShow); }

void Scheduler::set_status(Id id, AppointmentStatus to) {
    authorize(Permission::ScheduleWrite);
    Appointment a = load(id);
    if (a.status == to) return;
    const auto& t = status_transitions();
    bool ok = std::any_of(t.begin(), t.end(),
                          [&](const auto& x) { return x.from == a.status && x.to == to; });
    if (!ok)
        throw invalid("status", std::string("appointment ") + std::to_string(id) + " is " +
                                    to_string(a.status) + " and cannot become " + to_string(to));
    if (to == AppointmentStatus::Cancelled) {
        cancel(id, "", false);
        return;
    }
    a.status = to;
    AppointmentBatch batch;
    batch.updates.push_back(a);
    write(batch, "appointment.status", a.patient_id, {id}, to_string(to));
}

std::vector<Id> Scheduler::reschedule(Id id, LocalTime new_start, std::optional<int> mins,
                                      bool following, std::optional<Id> practitioner_id,
                                      std::optional<Id> room_id) {
    authorize(Permission::ScheduleWrite);
    Appointment a = load(id);
    if (!occupies_time(a.status) || a.status == AppointmentStatus::Completed ||
        a.status == AppointmentStatus::NoShow)
        throw invalid("id", "appointment " + std::to_string(id) + " is " + to_string(a.status) +
                                " and cannot be moved");
    if (mins && (*mins <= 0 || *mins > 12 * 60))
        throw invalid("minutes", "must be between 1 and 720");
    auto delta = new_start - zone_.to_local(a.start);
    std::vector<Appointment> rows{a};
    if (following && a.series_id)
        for (auto& x : repo_.series_appointments(*a.series_id))
            if (x.id != a.id && x.start > a.start &&
                (x.status == AppointmentStatus::Booked || x.status == AppointmentStatus::Confirmed))
                rows.push_back(x);
    std::optional<Room> room;
    if (room_id) {
        for (auto& r : repo_.rooms())
            if (r.id == *room_id) room = r;
        if (!room) throw not_found("room " + std::to_string(*room_id));
    }
    const Practitioner& prac = practitioner(practitioner_id.value_or(a.practitioner_id));
    if (!prac.active) throw invalid("practitioner", prac.name + " is inactive");
    Instant from = a.start, to = a.end;
    for (auto& r : rows) {
        auto length = mins ? minutes{*mins} : std::chrono::duration_cast<minutes>(r.end - r.start);
        r.start = zone_.to_utc(zone_.to_local(r.start) + delta);
        r.end = r.start + length;
        r.practitioner_id = prac.id;
        if (room) r.room_id = room->id;
        from = std::min(from, r.start);
        to = std::max(to, r.end);
    }
    auto off = repo_.time_off(prac.id, from, to);
    for (const auto& r : rows) check_fits_schedule(r, prac, off);
    precheck_conflicts(rows);
    AppointmentBatch batch;
    batch.updates = rows;
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    return write(batch, "appointment.move", a.patient_id, ids,
                 zone_.format_short(rows.front().start));
}

std::vector<Appointment> Scheduler::appointments_between(LocalDate from, int days,
                                                         const std::vector<Id>& practitioners,
                                                         std::optional<Id> patient,
                                                         bool include_cancelled,
                                                         bool audit_read) {
    authorize(Permission::ScheduleRead);
    AppointmentQuery q;
    q.from = zone_.start_of_day(from);
    q.to = zone_.start_of_day(from + date::days{days});
    q.practitioner_ids = practitioners;
    q.patient_id = patient;
    q.include_cancelled = include_cancelled;
    auto rows = repo_.appointments(q);
    if (actor_ && audit_ && audit_read)
        audit_->append(AuditEvent{actor_->name, patient, "schedule.read",
                                  "appointments:" + format_date(from) + "+" + std::to_string(days),
                                  actor_->workstation,
                                  std::to_string(rows.size()) + " appointments"});
    return rows;
}

std::vector<Slot> Scheduler::find_slots(const SlotQuery& q) {
    if (q.minutes <= 0 || q.minutes > 12 * 60) throw invalid("minutes", "must be between 1 and 720");
    if (q.days <= 0 || q.days > 366) throw invalid("days", "must be between 1 and 366");
    if (q.count <= 0 || q.count > 500) throw invalid("count", "must be between 1 and 500");
    if (q.step_minutes <= 0) throw invalid("step", "must be positive");

    // Slot search reads the cached staff, rooms and services (see reload()) and then, per day,
    // one lean query: a round trip saved is most of the cost on a server.
    std::vector<const Practitioner*> candidates;
    if (q.practitioner_id) {
        const Practitioner& p = practitioner(*q.practitioner_id);
        if (!p.active) throw invalid("practitioner", p.name + " is inactive");
        candidates.push_back(&p);
    } else {
        if (q.discipline.empty())
            throw invalid("discipline", "give a practitioner or a discipline");
        for (const auto& p : practitioners_)
            if (p.active && p.has_discipline(q.discipline)) candidates.push_back(&p);
        if (candidates.empty())
            throw not_found("practitioner with discipline '" + q.discipline + "'");
    }
    std::vector<std::string> equipment;
    if (q.service_id) {
        bool found = false;
        for (int pass = 0; pass < 2 && !found; ++pass) {
            if (pass == 1) services_ = repo_.services();
            for (const auto& s : services_)
                if (s.id == *q.service_id) {
                    equipment = s.equipment;
                    found = true;
                }
        }
        if (!found) throw not_found("service " + std::to_string(*q.service_id));
    }
    std::vector<Room> rooms;
    bool clinic_has_rooms = false;
    for (auto& r : rooms_) {
        clinic_has_rooms = true;
        if (r.has_all(equipment)) rooms.push_back(r);
    }
    if (clinic_has_rooms && rooms.empty())
        throw not_found("room with the service's equipment");
    bool clinic_limited = std::any_of(clinic_.opening_hours.days.begin(),
                                      clinic_.opening_hours.days.end(),
                                      [](const auto& v) { return !v.empty(); });

    std::vector<Id> prac_ids;
    for (auto* p : candidates) prac_ids.push_back(p->id);
    std::vector<Slot> out;
    std::vector<TimeOff> all_off =
        repo_.time_off(0, zone_.start_of_day(q.from), zone_.start_of_day(q.from + date::days{q.days}));
    // One local day at a time: the first free slots are usually found in the first days, so
    // loading the whole range up front would be wasted work.
    for (int day = 0; day < q.days && static_cast<int>(out.size()) < q.count; ++day) {
        LocalDate d = q.from + date::days{day};
        int wd = iso_weekday_index(d);
        Instant d0 = zone_.start_of_day(d), d1 = zone_.start_of_day(d + date::days{1});
        bool anyone_works = false;
        for (auto* p : candidates)
            if (!p->hours.days[static_cast<std::size_t>(wd)].empty()) anyone_works = true;
        if (!anyone_works) continue;

        std::map<Id, std::vector<std::pair<Instant, Instant>>> busy_prac, busy_room;
        for (const auto& b : repo_.busy(d0, d1)) {
            busy_prac[b.practitioner_id].emplace_back(b.start, b.end);
            if (b.room_id) busy_room[*b.room_id].emplace_back(b.start, b.end);
        }
        for (const auto& t : all_off)
            if (overlaps(t.start, t.end, d0, d1))
                busy_prac[t.practitioner_id].emplace_back(t.start, t.end);

        std::vector<Slot> day_slots;
        for (auto* p : candidates) {
            for (const auto& range : p->hours.days[static_cast<std::size_t>(wd)]) {
                int first = ((range.begin + q.step_minutes - 1) / q.step_minutes) * q.step_minutes;
                for (int m = first; m + q.minutes <= range.end; m += q.step_minutes) {
                    if (clinic_limited && !clinic_.opening_hours.covers(wd, m, m + q.minutes))
                        continue;
                    LocalTime ls = LocalTime{d} + minutes{m};
                    auto utc = zone_.try_to_utc(ls);
                    if (!utc) continue;  // inside a spring-forward gap
                    Instant s = *utc, e = s + minutes{q.minutes};
                    bool free = true;
                    for (const auto& [b0, b1] : busy_prac[p->id])
                        if (overlaps(s, e, b0, b1)) {
                            free = false;
                            break;
                        }
                    if (!free) continue;
                    std::optional<Id> room;
                    if (!rooms.empty()) {
                        for (const auto& r : rooms) {
                            bool room_free = true;
                            for (const auto& [b0, b1] : busy_room[r.id])
                                if (overlaps(s, e, b0, b1)) {
                                    room_free = false;
                                    break;
                                }
                            if (room_free) {
                                room = r.id;
                                break;
                            }
                        }
                        if (!room) continue;
                    }
                    day_slots.push_back(Slot{s, e, p->id, room});
                }
            }
        }
        std::sort(day_slots.begin(), day_slots.end(), [](const Slot& a, const Slot& b) {
            return a.start != b.start ? a.start < b.start : a.practitioner_id < b.practitioner_id;
        });
        for (auto& s : day_slots) {
            if (static_cast<int>(out.size()) >= q.count) break;
            out.push_back(s);
        }
    }
    return out;
}

}  // namespace vertebra::core
