// Scheduling storage over SOCI: parameterised SQL, UTC instants, conflict-checked batches.
#include "scheduling_repository.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <algorithm>
#include <sstream>

#include "vertebra/scheduling/hours_spec.hpp"

namespace vertebra::db {

using core::Appointment;
using core::AppointmentStatus;
using core::Id;

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

long long ep(Instant t) { return to_epoch(t); }

constexpr long long kMaxAppointmentSeconds = 12 * 3600;

const char* kColumns =
    "id, patient_id, practitioner_id, room_id, service_id, series_id, %START%, %END%, status, "
    "cancel_reason, late_cancel, notes";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
        s.replace(p, from.size(), to);
    return s;
}

std::string placeholders(const std::string& prefix, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += (i ? "," : "") + std::string(":") + prefix + std::to_string(i);
    return out;
}

}  // namespace

core::Clinic SchedulingRepositoryImpl::load_clinic() {
    return guarded_read(db_, [&] {
        core::Clinic c;
        std::string hours;
        db_.sql << "SELECT name, timezone, opening_hours FROM clinic WHERE id = 1",
            soci::into(c.name), soci::into(c.timezone), soci::into(hours);
        if (!hours.empty()) c.opening_hours = core::parse_weekly_hours(hours, "opening_hours");
        return c;
    });
}

void SchedulingRepositoryImpl::save_clinic(const core::Clinic& c) {
    ClinicZone check(c.timezone);  // refuses an unknown zone before writing
    (void)check;
    std::string hours = core::format_weekly_hours(c.opening_hours);
    in_write_transaction(db_, [&] {
        db_.sql << "UPDATE clinic SET name = :n, timezone = :z, opening_hours = :h WHERE id = 1",
            soci::use(c.name), soci::use(c.timezone), soci::use(hours);
    });
}

Id SchedulingRepositoryImpl::add_practitioner(const core::Practitioner& p) {
    std::string disc = join(p.disciplines), hours = core::format_weekly_hours(p.hours);
    int active = p.active ? 1 : 0;
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << std::string("INSERT INTO practitioners (name, disciplines, hours, active) "
                               "VALUES (:n, :d, :h, ") +
                       (db_.pg() ? "CAST(:a AS integer) <> 0" : ":a") + ") RETURNING id",
            soci::use(p.name), soci::use(disc), soci::use(hours), soci::use(active),
            soci::into(id);
        return static_cast<Id>(id);
    });
}

void SchedulingRepositoryImpl::update_practitioner(const core::Practitioner& p) {
    std::string disc = join(p.disciplines), hours = core::format_weekly_hours(p.hours);
    int active = p.active ? 1 : 0;
    long long id = p.id;
    in_write_transaction(db_, [&] {
        soci::statement st = (db_.sql.prepare
                                  << std::string("UPDATE practitioners SET name = :n, "
                                                 "disciplines = :d, hours = :h, active = ") +
                                         (db_.pg() ? "CAST(:a AS integer) <> 0" : ":a") +
                                         " WHERE id = :id",
                              soci::use(p.name), soci::use(disc), soci::use(hours),
                              soci::use(active), soci::use(id));
        st.execute(true);
        if (st.get_affected_rows() == 0) throw not_found("practitioner " + std::to_string(id));
    });
}

std::vector<core::Practitioner> SchedulingRepositoryImpl::practitioners() {
    return guarded_read(db_, [&] {
        std::vector<core::Practitioner> out;
        long long id = 0;
        std::string name, disc, hours;
        int active = 0;
        soci::statement st =
            (db_.sql.prepare << std::string("SELECT id, name, disciplines, hours, ") +
                                    (db_.pg() ? "active::int" : "active") +
                                    " FROM practitioners ORDER BY id",
             soci::into(id), soci::into(name), soci::into(disc), soci::into(hours),
             soci::into(active));
        st.execute();
        while (st.fetch()) {
            core::Practitioner p;
            p.id = id;
            p.name = name;
            p.disciplines = split_list(disc);
            if (!hours.empty()) p.hours = core::parse_weekly_hours(hours);
            p.active = active != 0;
            out.push_back(std::move(p));
        }
        return out;
    });
}

Id SchedulingRepositoryImpl::add_time_off(const core::TimeOff& t) {
    if (t.end <= t.start) throw invalid("until", "time off must end after it starts");
    long long pid = t.practitioner_id, s = ep(t.start), e = ep(t.end);
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO time_off (practitioner_id, start_at, end_at, reason) VALUES (:p, " +
                       db_.ts("s") + ", " + db_.ts("e") + ", :r) RETURNING id",
            soci::use(pid), soci::use(s), soci::use(e), soci::use(t.reason), soci::into(id);
        return static_cast<Id>(id);
    });
}

std::vector<core::TimeOff> SchedulingRepositoryImpl::time_off(Id practitioner_id, Instant from,
                                                              Instant to) {
    return guarded_read(db_, [&] {
        std::vector<core::TimeOff> out;
        long long f = ep(from), t = ep(to), pid = practitioner_id;
        std::string q = "SELECT id, practitioner_id, " + db_.epoch("start_at") + ", " +
                        db_.epoch("end_at") + ", reason FROM time_off WHERE start_at < " +
                        db_.ts("t") + " AND end_at > " + db_.ts("f") +
                        " AND (:p = 0 OR practitioner_id = :p2) ORDER BY start_at";
        long long id = 0, prac = 0, st0 = 0, en0 = 0;
        std::string reason;
        soci::statement st = (db_.sql.prepare << q, soci::use(t), soci::use(f), soci::use(pid),
                              soci::use(pid), soci::into(id), soci::into(prac), soci::into(st0),
                              soci::into(en0), soci::into(reason));
        st.execute();
        while (st.fetch())
            out.push_back(core::TimeOff{id, prac, from_epoch(st0), from_epoch(en0), reason});
        return out;
    });
}

Id SchedulingRepositoryImpl::add_room(const core::Room& r) {
    std::string eq = join(r.equipment);
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO rooms (name, equipment) VALUES (:n, :e) RETURNING id",
            soci::use(r.name), soci::use(eq), soci::into(id);
        return static_cast<Id>(id);
    });
}

std::vector<core::Room> SchedulingRepositoryImpl::rooms() {
    return guarded_read(db_, [&] {
        std::vector<core::Room> out;
        long long id = 0;
        std::string name, eq;
        soci::statement st = (db_.sql.prepare << "SELECT id, name, equipment FROM rooms ORDER BY id",
                              soci::into(id), soci::into(name), soci::into(eq));
        st.execute();
        while (st.fetch()) out.push_back(core::Room{id, name, split_list(eq)});
        return out;
    });
}

Id SchedulingRepositoryImpl::add_patient(const core::Patient& p) {
    std::string birth = p.birth_date ? format_date(*p.birth_date) : "";
    soci::indicator bi = p.birth_date ? soci::i_ok : soci::i_null;
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << std::string("INSERT INTO patients (name, birth_date, phone, email, payer) "
                               "VALUES (:n, ") +
                       (db_.pg() ? "CAST(:b AS date)" : ":b") + ", :ph, :em, :pay) RETURNING id",
            soci::use(p.name), soci::use(birth, bi), soci::use(p.phone), soci::use(p.email),
            soci::use(p.payer), soci::into(id);
        return static_cast<Id>(id);
    });
}

namespace {
/// Runs a patient query (columns id, name, birth date text, phone, email, payer) and collects
/// rows.
template <typename... Uses>
std::vector<core::Patient> fetch_patients(soci::session& sql, const std::string& q, Uses&&... uses) {
    std::vector<core::Patient> out;
    long long id = 0;
    std::string name, birth, phone, email, payer;
    soci::indicator birth_i = soci::i_null;
    soci::details::prepare_temp_type pt = (sql.prepare << q);
    (void)(pt, ..., std::forward<Uses>(uses));
    pt, soci::into(id), soci::into(name), soci::into(birth, birth_i), soci::into(phone),
        soci::into(email), soci::into(payer);
    soci::statement st(pt);
    st.execute();
    while (st.fetch()) {
        core::Patient p;
        p.id = id;
        p.name = name;
        if (birth_i == soci::i_ok && !birth.empty()) p.birth_date = parse_local_date(birth);
        p.phone = phone;
        p.email = email;
        p.payer = payer;
        out.push_back(std::move(p));
    }
    return out;
}
}  // namespace

std::optional<core::Patient> SchedulingRepositoryImpl::patient(Id id) {
    return guarded_read(db_, [&]() -> std::optional<core::Patient> {
        long long pid = id;
        std::string q = std::string("SELECT id, name, ") +
                        (db_.pg() ? "to_char(birth_date, 'YYYY-MM-DD')" : "birth_date") +
                        ", phone, email, payer FROM patients WHERE id = :id";
        auto rows = fetch_patients(db_.sql, q, soci::use(pid));
        if (rows.empty()) return std::nullopt;
        return rows.front();
    });
}

std::vector<core::Patient> SchedulingRepositoryImpl::find_patients(const std::string& text,
                                                                   int limit) {
    return guarded_read(db_, [&] {
        std::string pattern;
        for (char c : text) {
            if (c == '%' || c == '_' || c == '\\') pattern += '\\';
            pattern += c;
        }
        pattern = "%" + pattern + "%";
        std::string q = std::string("SELECT id, name, ") +
                        (db_.pg() ? "to_char(birth_date, 'YYYY-MM-DD')" : "birth_date") +
                        ", phone, email, payer FROM patients WHERE lower(name) LIKE lower(:p) ESCAPE "
                        "'\\' ORDER BY name, id LIMIT :l";
        return fetch_patients(db_.sql, q, soci::use(pattern), soci::use(limit));
    });
}

Id SchedulingRepositoryImpl::add_service(const core::Service& s) {
    std::string eq = join(s.equipment);
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO services (name, minutes, discipline, equipment, module_id, offer) "
                   "VALUES (:n, :m, :d, :e, :mod, :off) RETURNING id",
            soci::use(s.name), soci::use(s.minutes), soci::use(s.discipline), soci::use(eq),
            soci::use(s.module_id), soci::use(s.offer), soci::into(id);
        return static_cast<Id>(id);
    });
}

std::vector<core::Service> SchedulingRepositoryImpl::services() {
    return guarded_read(db_, [&] {
        std::vector<core::Service> out;
        long long id = 0;
        int minutes = 0;
        std::string name, disc, eq, module, offer;
        soci::statement st =
            (db_.sql.prepare << "SELECT id, name, minutes, discipline, equipment, module_id, offer "
                                "FROM services ORDER BY id",
             soci::into(id), soci::into(name), soci::into(minutes), soci::into(disc),
             soci::into(eq), soci::into(module), soci::into(offer));
        st.execute();
        while (st.fetch())
            out.push_back(core::Service{id, name, minutes, disc, split_list(eq), module, offer});
        return out;
    });
}

std::vector<Appointment> SchedulingRepositoryImpl::select_appointments(
    const std::string& where, std::vector<long long> params, const std::string& tail) {
    std::string cols = replace_all(replace_all(kColumns, "%START%", db_.epoch("start_at")),
                                   "%END%", db_.epoch("end_at"));
    if (db_.pg()) cols = replace_all(cols, "late_cancel", "late_cancel::int");
    std::string q = "SELECT " + cols + " FROM appointments WHERE " + where +
                    " ORDER BY start_at, id" + tail;
    constexpr std::size_t kBatch = 512;
    std::vector<long long> id(kBatch), pat(kBatch), prac(kBatch), room(kBatch), svc(kBatch),
        ser(kBatch), st(kBatch), en(kBatch);
    std::vector<soci::indicator> room_i(kBatch), svc_i(kBatch), ser_i(kBatch);
    std::vector<std::string> status(kBatch), reason(kBatch), notes(kBatch);
    std::vector<int> late(kBatch);
    std::vector<Appointment> out;

    soci::details::prepare_temp_type pt = (db_.sql.prepare << q);
    pt, soci::into(id), soci::into(pat), soci::into(prac), soci::into(room, room_i),
        soci::into(svc, svc_i), soci::into(ser, ser_i), soci::into(st), soci::into(en),
        soci::into(status), soci::into(reason), soci::into(late), soci::into(notes);
    for (auto& p : params) pt, soci::use(p);
    soci::statement stmt(pt);
    stmt.execute();
    while (stmt.fetch()) {
        for (std::size_t i = 0; i < id.size(); ++i) {
            Appointment a;
            a.id = id[i];
            a.patient_id = pat[i];
            a.practitioner_id = prac[i];
            if (room_i[i] == soci::i_ok) a.room_id = room[i];
            if (svc_i[i] == soci::i_ok) a.service_id = svc[i];
            if (ser_i[i] == soci::i_ok) a.series_id = ser[i];
            a.start = from_epoch(st[i]);
            a.end = from_epoch(en[i]);
            a.status = core::appointment_status_from_string(status[i]);
            a.cancel_reason = reason[i];
            a.late_cancel = late[i] != 0;
            a.notes = notes[i];
            out.push_back(std::move(a));
        }
        for (auto* v : {&id, &pat, &prac, &room, &svc, &ser, &st, &en}) v->resize(kBatch);
        for (auto* v : {&room_i, &svc_i, &ser_i}) v->resize(kBatch);
        for (auto* v : {&status, &reason, &notes}) v->resize(kBatch);
        late.resize(kBatch);
    }
    return out;
}

std::vector<Appointment> SchedulingRepositoryImpl::appointments(const core::AppointmentQuery& q) {
    return guarded_read(db_, [&] {
        // start_at > from - 12h lets the start_at index bound the scan (appointments are <= 12h).
        std::string where = "start_at < " + db_.ts("to") + " AND start_at > " + db_.ts("lo") +
                            " AND end_at > " + db_.ts("from");
        std::vector<long long> params{ep(q.to), ep(q.from) - kMaxAppointmentSeconds, ep(q.from)};
        if (!q.include_cancelled) where += " AND status <> 'cancelled'";
        if (!q.practitioner_ids.empty()) {
            where += " AND practitioner_id IN (" + placeholders("p", q.practitioner_ids.size()) + ")";
            for (Id p : q.practitioner_ids) params.push_back(p);
        }
        if (q.patient_id) {
            where += " AND patient_id = :pat";
            params.push_back(*q.patient_id);
        }
        if (q.room_id) {
            where += " AND room_id = :room";
            params.push_back(*q.room_id);
        }
        return select_appointments(where, params);
    });
}

std::vector<core::BusyInterval> SchedulingRepositoryImpl::busy(Instant from, Instant to) {
    return guarded_read(db_, [&] {
        long long t = ep(to), lo = ep(from) - kMaxAppointmentSeconds, f = ep(from);
        constexpr std::size_t kBatch = 1024;
        std::vector<long long> prac(kBatch), room(kBatch), pat(kBatch), st(kBatch), en(kBatch);
        std::vector<soci::indicator> room_i(kBatch);
        std::vector<core::BusyInterval> out;
        soci::statement stmt =
            (db_.sql.prepare << "SELECT practitioner_id, room_id, patient_id, " + db_.epoch("start_at") +
                                    ", " + db_.epoch("end_at") + " FROM appointments WHERE start_at < " +
                                    db_.ts("t") + " AND start_at > " + db_.ts("lo") + " AND end_at > " +
                                    db_.ts("f") + " AND status <> 'cancelled'",
             soci::use(t), soci::use(lo), soci::use(f), soci::into(prac), soci::into(room, room_i),
             soci::into(pat), soci::into(st), soci::into(en));
        stmt.execute();
        while (stmt.fetch()) {
            for (std::size_t i = 0; i < prac.size(); ++i)
                out.push_back(core::BusyInterval{
                    prac[i], room_i[i] == soci::i_ok ? std::optional<Id>(room[i]) : std::nullopt,
                    pat[i], from_epoch(st[i]), from_epoch(en[i])});
            for (auto* v : {&prac, &room, &pat, &st, &en}) v->resize(kBatch);
            room_i.resize(kBatch);
        }
        return out;
    });
}

std::optional<Appointment> SchedulingRepositoryImpl::appointment(Id id) {
    return guarded_read(db_, [&]() -> std::optional<Appointment> {
        auto rows = select_appointments("id = :id", {id});
        if (rows.empty()) return std::nullopt;
        return rows.front();
    });
}

std::vector<Appointment> SchedulingRepositoryImpl::series_appointments(Id series_id) {
    return guarded_read(db_, [&] { return select_appointments("series_id = :s", {series_id}); });
}

std::optional<core::Series> SchedulingRepositoryImpl::series(Id id) {
    return guarded_read(db_, [&]() -> std::optional<core::Series> {
        long long sid = id;
        long long rid = 0;
        int minutes = 0;
        std::string rrule, local;
        soci::statement st =
            (db_.sql.prepare << "SELECT id, rrule, local_start, minutes FROM series WHERE id = :id",
             soci::use(sid), soci::into(rid), soci::into(rrule), soci::into(local),
             soci::into(minutes));
        st.execute();
        if (st.fetch()) return core::Series{rid, rrule, parse_local_datetime(local), minutes};
        return std::nullopt;
    });
}

std::optional<std::pair<Id, std::string>> SchedulingRepositoryImpl::find_overlap(
    const Appointment& a, const std::vector<Id>& ignore) {
    std::string where = "status <> 'cancelled' AND start_at < " + db_.ts("e") +
                        " AND start_at > " + db_.ts("lo") + " AND end_at > " + db_.ts("s") +
                        " AND (practitioner_id = :p OR patient_id = :pat OR room_id = :room)";
    std::vector<long long> params{ep(a.end), ep(a.start) - kMaxAppointmentSeconds, ep(a.start),
                                  a.practitioner_id, a.patient_id, a.room_id.value_or(-1)};
    if (!ignore.empty()) {
        where += " AND id NOT IN (" + placeholders("i", ignore.size()) + ")";
        for (Id i : ignore) params.push_back(i);
    }
    auto rows = select_appointments(where, params, " LIMIT 1");
    if (rows.empty()) return std::nullopt;
    const auto& x = rows.front();
    std::string res = x.practitioner_id == a.practitioner_id ? "practitioner"
                      : (a.room_id && x.room_id == a.room_id) ? "room"
                                                              : "patient";
    return std::make_pair(x.id, res);
}

Id SchedulingRepositoryImpl::insert_appointment(const Appointment& a, std::optional<Id> series_id) {
    long long pat = a.patient_id, prac = a.practitioner_id, room = a.room_id.value_or(0),
              svc = a.service_id.value_or(0), ser = series_id.value_or(0), s = ep(a.start),
              e = ep(a.end);
    soci::indicator room_i = a.room_id ? soci::i_ok : soci::i_null;
    soci::indicator svc_i = a.service_id ? soci::i_ok : soci::i_null;
    soci::indicator ser_i = series_id ? soci::i_ok : soci::i_null;
    std::string status = core::to_string(a.status);
    int late = a.late_cancel ? 1 : 0;
    long long id = 0;
    db_.sql << "INSERT INTO appointments (patient_id, practitioner_id, room_id, service_id, "
               "series_id, start_at, end_at, status, cancel_reason, late_cancel, notes) VALUES "
               "(:pat, :prac, :room, :svc, :ser, " +
                   db_.ts("s") + ", " + db_.ts("e") + ", :st, :reason, " +
                   (db_.pg() ? "CAST(:late AS integer) <> 0" : ":late") + ", :notes) RETURNING id",
        soci::use(pat), soci::use(prac), soci::use(room, room_i), soci::use(svc, svc_i),
        soci::use(ser, ser_i), soci::use(s), soci::use(e), soci::use(status),
        soci::use(a.cancel_reason), soci::use(late), soci::use(a.notes), soci::into(id);
    return id;
}

void SchedulingRepositoryImpl::update_appointment(const Appointment& a) {
    long long id = a.id, pat = a.patient_id, prac = a.practitioner_id, room = a.room_id.value_or(0),
              s = ep(a.start), e = ep(a.end);
    soci::indicator room_i = a.room_id ? soci::i_ok : soci::i_null;
    std::string status = core::to_string(a.status);
    int late = a.late_cancel ? 1 : 0;
    soci::statement st =
        (db_.sql.prepare << "UPDATE appointments SET patient_id = :pat, practitioner_id = :prac, "
                            "room_id = :room, start_at = " +
                                db_.ts("s") + ", end_at = " + db_.ts("e") +
                                ", status = :st, cancel_reason = :reason, late_cancel = " +
                                (db_.pg() ? "CAST(:late AS integer) <> 0" : ":late") +
                                ", notes = :notes WHERE id = :id",
         soci::use(pat), soci::use(prac), soci::use(room, room_i), soci::use(s), soci::use(e),
         soci::use(status), soci::use(a.cancel_reason), soci::use(late), soci::use(a.notes),
         soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) throw not_found("appointment " + std::to_string(a.id));
}

std::vector<Id> SchedulingRepositoryImpl::commit_appointments(const core::AppointmentBatch& batch) {
    for (const auto& a : batch.inserts)
        if (a.end <= a.start) throw invalid("end", "an appointment must end after it starts");
    for (const auto& a : batch.updates)
        if (a.end <= a.start) throw invalid("end", "an appointment must end after it starts");
    std::vector<Id> update_ids;
    for (const auto& a : batch.updates) update_ids.push_back(a.id);

    // Rows of one batch must not overlap each other either.
    std::vector<const Appointment*> all;
    for (const auto& a : batch.inserts) all.push_back(&a);
    for (const auto& a : batch.updates) all.push_back(&a);
    for (std::size_t i = 0; i < all.size(); ++i)
        for (std::size_t j = i + 1; j < all.size(); ++j) {
            const auto &x = *all[i], &y = *all[j];
            if (!core::occupies_time(x.status) || !core::occupies_time(y.status)) continue;
            if (!core::overlaps(x.start, x.end, y.start, y.end)) continue;
            if (x.practitioner_id == y.practitioner_id || x.patient_id == y.patient_id ||
                (x.room_id && x.room_id == y.room_id))
                throw Error(ErrorKind::Conflict,
                            "conflict: two appointments of this booking overlap each other");
        }

    // Moving rows later: update the latest first (and vice versa) so that no intermediate state
    // overlaps a not-yet-moved row of the same batch (the database checks every statement).
    std::vector<Appointment> updates = batch.updates;
    try {
        return in_write_transaction(db_, [&] {
            std::vector<std::pair<Id, Instant>> before;
            for (const auto& a : updates) {
                auto rows = select_appointments("id = :id", {a.id});
                if (rows.empty()) throw not_found("appointment " + std::to_string(a.id));
                before.emplace_back(a.id, rows.front().start);
            }
            if (!updates.empty()) {
                bool later = updates.front().start > before.front().second;
                std::sort(updates.begin(), updates.end(), [&](const auto& x, const auto& y) {
                    return later ? x.start > y.start : x.start < y.start;
                });
            }
            for (const auto* a : all) {
                if (!core::occupies_time(a->status)) continue;
                if (auto o = find_overlap(*a, update_ids))
                    throw core::BookingConflict(o->first, o->second, "conflict");
            }
            std::optional<Id> series_id;
            if (batch.new_series) {
                long long sid = 0;
                std::string local = date::format("%Y-%m-%dT%H:%M:%S", batch.new_series->local_start);
                db_.sql << "INSERT INTO series (rrule, local_start, minutes) VALUES (:r, :l, :m) "
                           "RETURNING id",
                    soci::use(batch.new_series->rrule), soci::use(local),
                    soci::use(batch.new_series->minutes), soci::into(sid);
                series_id = sid;
            }
            std::vector<Id> ids;
            for (const auto& a : batch.inserts) {
                std::optional<Id> sid = a.series_id;
                if (sid == core::kNewSeries) sid = series_id;
                ids.push_back(insert_appointment(a, sid));
            }
            for (const auto& a : updates) update_appointment(a);
            return ids;
        });
    } catch (const core::BookingConflict& c) {
        if (c.conflicting_id() != 0) throw;
        // The database refused it (another workstation won the race): find whom we lost to.
        for (const auto* a : all) {
            if (!core::occupies_time(a->status)) continue;
            auto o = guarded_read(db_, [&] { return find_overlap(*a, update_ids); });
            if (o) throw core::BookingConflict(o->first, o->second, "conflict");
        }
        throw;
    }
}

void SchedulingRepositoryImpl::bulk_insert(const std::vector<core::Series>& series,
                                           const std::vector<Appointment>& rows) {
    if (db_.pg()) {
        in_write_transaction(db_, [&] {
            auto* be = static_cast<soci::postgresql_session_backend*>(db_.sql.get_backend());
            PGconn* conn = be->conn_;
            auto copy = [&](const char* sql, const std::string& data) {
                PGresult* r = PQexec(conn, sql);
                bool ok = PQresultStatus(r) == PGRES_COPY_IN;
                PQclear(r);
                if (!ok) throw Error(ErrorKind::Internal, std::string("COPY failed: ") + PQerrorMessage(conn));
                if (PQputCopyData(conn, data.data(), static_cast<int>(data.size())) != 1 ||
                    PQputCopyEnd(conn, nullptr) != 1)
                    throw Error(ErrorKind::Internal, std::string("COPY failed: ") + PQerrorMessage(conn));
                r = PQgetResult(conn);
                std::string err = PQresultStatus(r) == PGRES_COMMAND_OK ? "" : PQresultErrorMessage(r);
                const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
                std::string sqlstate = state ? state : "XX000";
                PQclear(r);
                while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
                if (!err.empty()) throw soci::postgresql_soci_error(err, sqlstate.c_str());
            };
            auto esc = [](const std::string& s) {
                std::string o;
                for (char c : s) {
                    if (c == '\\' || c == '\t' || c == '\n' || c == '\r') o += '\\';
                    o += c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c;
                }
                return o;
            };
            if (!series.empty()) {
                std::string data;
                for (const auto& s : series)
                    data += std::to_string(s.id) + "\t" + esc(s.rrule) + "\t" +
                            date::format("%Y-%m-%dT%H:%M:%S", s.local_start) + "\t" +
                            std::to_string(s.minutes) + "\n";
                copy("COPY series (id, rrule, local_start, minutes) FROM STDIN", data);
            }
            std::string data;
            data.reserve(rows.size() * 96);
            auto opt = [](const std::optional<Id>& v) {
                return v ? std::to_string(*v) : std::string("\\N");
            };
            for (const auto& a : rows)
                data += std::to_string(a.id) + "\t" + std::to_string(a.patient_id) + "\t" +
                        std::to_string(a.practitioner_id) + "\t" + opt(a.room_id) + "\t" +
                        opt(a.service_id) + "\t" + opt(a.series_id) + "\t" + format_utc(a.start) +
                        "\t" + format_utc(a.end) + "\t" + core::to_string(a.status) + "\t" +
                        esc(a.cancel_reason) + "\t" + (a.late_cancel ? "t" : "f") + "\t" +
                        esc(a.notes) + "\n";
            copy("COPY appointments (id, patient_id, practitioner_id, room_id, service_id, "
                 "series_id, start_at, end_at, status, cancel_reason, late_cancel, notes) FROM STDIN",
                 data);
            db_.sql << "SELECT setval(pg_get_serial_sequence('appointments', 'id'), "
                       "(SELECT coalesce(max(id), 1) FROM appointments))";
            db_.sql << "SELECT setval(pg_get_serial_sequence('series', 'id'), "
                       "(SELECT coalesce(max(id), 1) FROM series))";
        });
        return;
    }
    in_write_transaction(db_, [&] {
        for (const auto& s : series) {
            long long id = s.id;
            std::string local = date::format("%Y-%m-%dT%H:%M:%S", s.local_start);
            db_.sql << "INSERT INTO series (id, rrule, local_start, minutes) VALUES (:i, :r, :l, :m)",
                soci::use(id), soci::use(s.rrule), soci::use(local), soci::use(s.minutes);
        }
        long long id = 0, pat = 0, prac = 0, room = 0, svc = 0, ser = 0, st = 0, en = 0;
        soci::indicator room_i = soci::i_ok, svc_i = soci::i_ok, ser_i = soci::i_ok;
        std::string status, reason, notes;
        int late = 0;
        soci::statement ins =
            (db_.sql.prepare << "INSERT INTO appointments (id, patient_id, practitioner_id, "
                                "room_id, service_id, series_id, start_at, end_at, status, "
                                "cancel_reason, late_cancel, notes) VALUES (:id, :pat, :prac, "
                                ":room, :svc, :ser, :s, :e, :st, :r, :l, :n)",
             soci::use(id), soci::use(pat), soci::use(prac), soci::use(room, room_i),
             soci::use(svc, svc_i), soci::use(ser, ser_i), soci::use(st), soci::use(en),
             soci::use(status), soci::use(reason), soci::use(late), soci::use(notes));
        for (const auto& a : rows) {
            id = a.id;
            pat = a.patient_id;
            prac = a.practitioner_id;
            room = a.room_id.value_or(0);
            room_i = a.room_id ? soci::i_ok : soci::i_null;
            svc = a.service_id.value_or(0);
            svc_i = a.service_id ? soci::i_ok : soci::i_null;
            ser = a.series_id.value_or(0);
            ser_i = a.series_id ? soci::i_ok : soci::i_null;
            st = ep(a.start);
            en = ep(a.end);
            status = core::to_string(a.status);
            reason = a.cancel_reason;
            late = a.late_cancel ? 1 : 0;
            notes = a.notes;
            ins.execute(true);
        }
    });
}

}  // namespace vertebra::db
