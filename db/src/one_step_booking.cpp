// One-round-trip booking on PostgreSQL: the whole check-and-insert of a new booking as one call
// of vertebra_book() (migration 0006) in autocommit. Issue 9: a booking cost about six round
// trips (patient, time off, BEGIN, overlap check, INSERT, COMMIT) against one for a bare INSERT.
#include <soci/postgresql/soci-postgresql.h>

#include <regex>
#include <sstream>

#include "scheduling_repository.hpp"

namespace vertebra::db {

using core::Appointment;
using core::Id;

namespace {

std::string bigint_array(const std::vector<long long>& v) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out + "}";
}

std::vector<Id> parse_bigint_array(const std::string& s) {
    std::vector<Id> out;
    std::string body = s;
    if (!body.empty() && body.front() == '{') body.erase(0, 1);
    if (!body.empty() && body.back() == '}') body.pop_back();
    std::stringstream ss(body);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(std::stoll(item));
    return out;
}

/// The batch is the rows of one booking request: same people, room, service and notes, new rows
/// only, all plain "booked" rows, at most the one new series.
bool one_request(const core::AppointmentBatch& b) {
    if (b.inserts.empty() || !b.updates.empty()) return false;
    const Appointment& f = b.inserts.front();
    for (const auto& a : b.inserts) {
        if (a.patient_id != f.patient_id || a.practitioner_id != f.practitioner_id ||
            a.room_id != f.room_id || a.service_id != f.service_id || a.notes != f.notes ||
            a.status != core::AppointmentStatus::Booked || a.late_cancel ||
            !a.cancel_reason.empty())
            return false;
        bool in_new_series = a.series_id == core::kNewSeries;
        if (in_new_series != b.new_series.has_value()) return false;
        if (a.series_id && !in_new_series) return false;
    }
    return true;
}

}  // namespace

std::optional<std::vector<Id>> SchedulingRepositoryImpl::book_in_one_step(
    const core::AppointmentBatch& batch) {
    if (!db_.pg() || !one_request(batch)) return std::nullopt;
    for (const auto& a : batch.inserts)
        if (a.end <= a.start) throw invalid("end", "an appointment must end after it starts");
    // Rows of one booking must not overlap each other either (same practitioner and patient).
    for (std::size_t i = 0; i < batch.inserts.size(); ++i)
        for (std::size_t j = i + 1; j < batch.inserts.size(); ++j)
            if (core::overlaps(batch.inserts[i].start, batch.inserts[i].end,
                               batch.inserts[j].start, batch.inserts[j].end))
                throw Error(ErrorKind::Conflict,
                            "conflict: two appointments of this booking overlap each other");

    const Appointment& f = batch.inserts.front();
    std::vector<long long> starts, ends;
    for (const auto& a : batch.inserts) {
        starts.push_back(to_epoch(a.start));
        ends.push_back(to_epoch(a.end));
    }
    long long pat = f.patient_id, prac = f.practitioner_id, room = f.room_id.value_or(0),
              svc = f.service_id.value_or(0);
    soci::indicator room_i = f.room_id ? soci::i_ok : soci::i_null;
    soci::indicator svc_i = f.service_id ? soci::i_ok : soci::i_null;
    std::string s_arr = bigint_array(starts), e_arr = bigint_array(ends);
    std::string rrule, local;
    int minutes = 0;
    soci::indicator series_i = soci::i_null;
    if (batch.new_series) {
        rrule = batch.new_series->rrule;
        local = date::format("%Y-%m-%dT%H:%M:%S", batch.new_series->local_start);
        minutes = batch.new_series->minutes;
        series_i = soci::i_ok;
    }
    db_.ensure_connected();
    // Inside the caller's transaction (a booking and its audit entry, core's
    // AuditRepository::atomically) a refused call must not abort that transaction: the caller
    // then reads the book to name the problem. A savepoint keeps it usable.
    const bool nested = db_.tx_depth > 0;
    auto undo = [&] {
        if (!nested) return;
        try {
            db_.sql << "ROLLBACK TO SAVEPOINT vertebra_book";
            db_.sql << "RELEASE SAVEPOINT vertebra_book";
        } catch (const soci::soci_error& e) {
            rethrow_db_error(db_, e);
        }
    };
    std::string ids;
    try {
        if (nested) db_.sql << "SAVEPOINT vertebra_book";
        // Alone, one statement in autocommit: one round trip (SOCI sends it with PQexecParams).
        db_.sql << "SELECT CAST(vertebra_book(CAST(:pat AS bigint), CAST(:prac AS bigint), "
                   "CAST(:room AS bigint), CAST(:svc AS bigint), CAST(:s AS bigint[]), "
                   "CAST(:e AS bigint[]), CAST(:notes AS text), CAST(:rrule AS text), "
                   "CAST(:local AS text), CAST(:min AS integer)) AS text)",
            soci::use(pat), soci::use(prac), soci::use(room, room_i), soci::use(svc, svc_i),
            soci::use(s_arr), soci::use(e_arr), soci::use(f.notes), soci::use(rrule, series_i),
            soci::use(local, series_i), soci::use(minutes, series_i), soci::into(ids);
        if (nested) db_.sql << "RELEASE SAVEPOINT vertebra_book";
    } catch (const soci::postgresql_soci_error& e) {
        undo();
        const std::string st = e.sqlstate();
        if (st == "VB404" || st == "VB422") return std::nullopt;  // the caller names it
        if (st == "VB409") {
            static const std::regex re("vertebra_book:conflict:([0-9]+):([a-z]+)");
            std::smatch m;
            std::string what = e.what();
            if (std::regex_search(what, m, re))
                throw core::BookingConflict(std::stoll(m[1].str()), m[2].str(), "conflict");
            throw core::BookingConflict(0, "", "conflict");
        }
        if (is_booking_conflict(e)) {
            // The exclusion constraint refused it: another workstation won the race between
            // the check and the insert. Find whom we lost to.
            for (const auto& a : batch.inserts)
                if (auto o = guarded_read(db_, [&] { return find_overlap(a, {}); }))
                    throw core::BookingConflict(o->first, o->second, "conflict");
            throw core::BookingConflict(0, "", "conflict");
        }
        rethrow_db_error(db_, e);
    } catch (const soci::soci_error& e) {
        undo();
        rethrow_db_error(db_, e);
    }
    auto out = parse_bigint_array(ids);
    if (out.size() != batch.inserts.size())
        throw Error(ErrorKind::Internal, "vertebra_book returned " + std::to_string(out.size()) +
                                             " ids for " + std::to_string(batch.inserts.size()) +
                                             " rows");
    return out;
}

}  // namespace vertebra::db
