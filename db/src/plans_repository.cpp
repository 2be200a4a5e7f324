// Assessments, outcome observations and treatment plans over SOCI: parameterised SQL, UTC instants,
// optimistic plan saves with append-only versions.
#include "plans_repository.hpp"

#include <chrono>
#include <map>

#include "vertebra/common/json_number.hpp"

namespace vertebra::db {

using core::Id;
namespace plans = core::plans;
namespace outcomes = core::outcomes;

namespace {

Instant now_utc() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// A bind placeholder cast to `type` on PostgreSQL (text in, date/jsonb stored).
std::string cast(const Database::Impl& db, const char* param, const char* type) {
    return db.pg() ? std::string("CAST(:") + param + " AS " + type + ")"
                   : std::string(":") + param;
}
/// A date/jsonb column read back as text.
std::string as_text(const Database::Impl& db, const char* column) {
    return db.pg() ? std::string(column) + "::text" : std::string(column);
}

nlohmann::json parse_body(const std::string& text, const std::string& what) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::Internal, what + " is stored as unreadable JSON: " + e.what());
    }
}

std::string odi_answers_text(const outcomes::Observation& o) {
    if (o.measure != outcomes::Measure::Odi) return "";
    bool any = false;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& a : o.odi_answers) {
        arr.push_back(a ? nlohmann::json(*a) : nlohmann::json(nullptr));
        any = any || a.has_value();
    }
    return any ? arr.dump() : "";
}

outcomes::OdiAnswers odi_answers_from(const std::string& text) {
    outcomes::OdiAnswers out{};
    if (text.empty()) return out;
    auto arr = parse_body(text, "ODI answers");
    for (std::size_t i = 0; i < out.size() && i < arr.size(); ++i)
        if (!arr[i].is_null()) out[i] = json_integer<int>(arr[i], "odi_answers");
    return out;
}

/// The plan as stored in `body`: everything but its id, versions and derived counts (those live
/// in columns and tables of their own).
std::string plan_body(const plans::TreatmentPlan& p) {
    nlohmann::json j = p;
    j.erase("id");
    j.erase("versions");
    j.erase("version");
    for (auto& c : j["components"]) {
        c.erase("sessions_completed");
        c.erase("planned_sessions");
    }
    return j.dump();
}

void check_plan(const plans::TreatmentPlan& p) {
    if (p.patient_id <= 0) throw invalid("patient", "a plan needs a patient");
    if (p.versions.empty())
        throw invalid("versions", "a plan needs its first version (who created it and when)");
    for (std::size_t i = 1; i < p.versions.size(); ++i)
        if (p.versions[i].number != p.versions[i - 1].number + 1)
            throw invalid("versions", "plan versions must be numbered without gaps");
}

}  // namespace

// ---- Assessments -----------------------------------------------------------------------------

Id AssessmentRepositoryImpl::add_assessment(const plans::Assessment& a) {
    if (a.patient_id <= 0) throw invalid("patient", "an assessment needs a patient");
    nlohmann::json j = a;
    j.erase("id");
    std::string body = j.dump(), on = format_date(a.assessed_on);
    long long patient = a.patient_id;
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO assessments (patient_id, assessed_on, body) VALUES (:p, " +
                       cast(db_, "d", "date") + ", " + cast(db_, "b", "jsonb") + ") RETURNING id",
            soci::use(patient), soci::use(on), soci::use(body), soci::into(id);
        return static_cast<Id>(id);
    });
}

void AssessmentRepositoryImpl::update_assessment(const plans::Assessment& a) {
    nlohmann::json j = a;
    j.erase("id");
    std::string body = j.dump(), on = format_date(a.assessed_on);
    long long id = a.id, patient = a.patient_id;
    in_write_transaction(db_, [&] {
        soci::statement st =
            (db_.sql.prepare << "UPDATE assessments SET patient_id = :p, assessed_on = " +
                                    cast(db_, "d", "date") + ", body = " +
                                    cast(db_, "b", "jsonb") + " WHERE id = :id",
             soci::use(patient), soci::use(on), soci::use(body), soci::use(id));
        st.execute(true);
        if (st.get_affected_rows() == 0) throw not_found("assessment " + std::to_string(id));
    });
}

std::vector<plans::Assessment> AssessmentRepositoryImpl::select(const std::string& where,
                                                                long long param) {
    return guarded_read(db_, [&] {
        std::vector<plans::Assessment> out;
        long long id = 0;
        std::string body;
        soci::statement st = (db_.sql.prepare << "SELECT id, " + as_text(db_, "body") +
                                                     " FROM assessments WHERE " + where +
                                                     " ORDER BY assessed_on DESC, id DESC",
                              soci::into(id), soci::into(body), soci::use(param));
        st.execute();
        while (st.fetch()) {
            plans::Assessment a = parse_body(body, "assessment " + std::to_string(id));
            a.id = id;
            out.push_back(std::move(a));
        }
        return out;
    });
}

std::optional<plans::Assessment> AssessmentRepositoryImpl::assessment(Id id) {
    auto rows = select("id = :id", id);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<plans::Assessment> AssessmentRepositoryImpl::assessments_for_patient(Id patient_id) {
    return select("patient_id = :p", patient_id);
}

// ---- Outcome observations --------------------------------------------------------------------

Id OutcomeRepositoryImpl::add_observation(const outcomes::Observation& o) {
    if (o.patient_id <= 0) throw invalid("patient", "an observation needs a patient");
    long long patient = o.patient_id, plan = o.plan_id.value_or(0), at = to_epoch(o.taken_at);
    soci::indicator plan_i = o.plan_id ? soci::i_ok : soci::i_null;
    std::string measure = outcomes::to_string(o.measure), answers = odi_answers_text(o);
    double value = o.value;
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO outcome_observations (patient_id, plan_id, measure, value, "
                   "taken_at, odi_answers, recorded_by, note) VALUES (:p, :pl, :m, :v, " +
                       db_.ts("t") + ", :a, :by, :n) RETURNING id",
            soci::use(patient), soci::use(plan, plan_i), soci::use(measure), soci::use(value),
            soci::use(at), soci::use(answers), soci::use(o.recorded_by), soci::use(o.note),
            soci::into(id);
        return static_cast<Id>(id);
    });
}

std::vector<outcomes::Observation> OutcomeRepositoryImpl::observations(
    Id patient_id, std::optional<outcomes::Measure> measure, std::optional<Id> plan_id) {
    return guarded_read(db_, [&] {
        std::vector<outcomes::Observation> out;
        long long pid = patient_id, plan_param = plan_id.value_or(0);
        std::string measure_param = measure ? outcomes::to_string(*measure) : "";
        std::string q = "SELECT id, plan_id, measure, value, " + db_.epoch("taken_at") +
                        ", odi_answers, recorded_by, note FROM outcome_observations "
                        "WHERE patient_id = :p";
        if (measure) q += " AND measure = :m";
        if (plan_id) q += " AND plan_id = :pl";
        q += " ORDER BY taken_at, id";
        long long id = 0, plan = 0, at = 0;
        soci::indicator plan_i = soci::i_null;
        std::string m, answers, by, note;
        double value = 0;
        soci::statement st(db_.sql);
        st.exchange(soci::into(id));
        st.exchange(soci::into(plan, plan_i));
        st.exchange(soci::into(m));
        st.exchange(soci::into(value));
        st.exchange(soci::into(at));
        st.exchange(soci::into(answers));
        st.exchange(soci::into(by));
        st.exchange(soci::into(note));
        st.exchange(soci::use(pid));
        if (measure) st.exchange(soci::use(measure_param));
        if (plan_id) st.exchange(soci::use(plan_param));
        st.alloc();
        st.prepare(q);
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            outcomes::Observation o;
            o.id = id;
            o.patient_id = patient_id;
            if (plan_i == soci::i_ok) o.plan_id = plan;
            o.measure = outcomes::measure_from_string(m);
            o.value = value;
            o.taken_at = from_epoch(at);
            o.odi_answers = odi_answers_from(answers);
            o.recorded_by = by;
            o.note = note;
            out.push_back(std::move(o));
        }
        return out;
    });
}

// ---- Plans -----------------------------------------------------------------------------------

void PlanRepositoryImpl::insert_versions(Id plan_id, const plans::TreatmentPlan& p, int above) {
    long long pid = plan_id;
    for (const auto& v : p.versions) {
        if (v.number <= above) continue;
        int number = v.number;
        long long at = to_epoch(v.at);
        std::string changes = nlohmann::json(v.changes).dump();
        db_.sql << "INSERT INTO plan_versions (plan_id, number, author, changed_at, summary, "
                   "changes) VALUES (:p, :n, :a, " +
                       db_.ts("t") + ", :s, " + cast(db_, "c", "jsonb") + ")",
            soci::use(pid), soci::use(number), soci::use(v.author), soci::use(at),
            soci::use(v.summary), soci::use(changes);
    }
}

Id PlanRepositoryImpl::add_plan(const plans::TreatmentPlan& p) {
    check_plan(p);
    long long patient = p.patient_id, assessment = p.assessment_id.value_or(0);
    soci::indicator assessment_i = p.assessment_id ? soci::i_ok : soci::i_null;
    std::string status = plans::to_string(p.status), start = format_date(p.start_date),
                body = plan_body(p);
    int version = p.version();
    long long now = to_epoch(now_utc());
    return in_write_transaction(db_, [&] {
        long long id = 0;
        db_.sql << "INSERT INTO treatment_plans (patient_id, assessment_id, template_id, status, "
                   "version, start_date, body, updated_at) VALUES (:p, :a, :t, :s, :v, " +
                       cast(db_, "d", "date") + ", " + cast(db_, "b", "jsonb") + ", " +
                       db_.ts("u") + ") RETURNING id",
            soci::use(patient), soci::use(assessment, assessment_i), soci::use(p.template_id),
            soci::use(status), soci::use(version), soci::use(start), soci::use(body),
            soci::use(now), soci::into(id);
        insert_versions(id, p, 0);
        return static_cast<Id>(id);
    });
}

void PlanRepositoryImpl::save_plan(const plans::TreatmentPlan& p, int expected_version) {
    check_plan(p);
    if (p.version() <= expected_version)
        throw invalid("version", "plan " + std::to_string(p.id) +
                                     " has no new version to save: every change makes a version");
    long long id = p.id, assessment = p.assessment_id.value_or(0);
    soci::indicator assessment_i = p.assessment_id ? soci::i_ok : soci::i_null;
    std::string status = plans::to_string(p.status), start = format_date(p.start_date),
                body = plan_body(p);
    int version = p.version(), expected = expected_version;
    long long now = to_epoch(now_utc());
    in_write_transaction(db_, [&] {
        int stored = 0;
        long long patient = 0;
        db_.sql << std::string("SELECT version, patient_id FROM treatment_plans WHERE id = :id") +
                       (db_.pg() ? " FOR UPDATE" : ""),
            soci::into(stored), soci::into(patient), soci::use(id);
        if (!db_.sql.got_data()) throw not_found("plan " + std::to_string(id));
        if (patient != p.patient_id)
            throw invalid("patient", "plan " + std::to_string(id) + " belongs to another patient");
        if (stored != expected)
            throw Error(ErrorKind::Conflict,
                        "conflict: plan " + std::to_string(id) + " was changed by someone else "
                        "(now at version " + std::to_string(stored) + ", you edited version " +
                        std::to_string(expected) + "); reload it and make your change again");
        soci::statement st =
            (db_.sql.prepare << "UPDATE treatment_plans SET assessment_id = :a, template_id = :t, "
                                "status = :s, version = :v, start_date = " +
                                    cast(db_, "d", "date") + ", body = " +
                                    cast(db_, "b", "jsonb") + ", updated_at = " + db_.ts("u") +
                                    " WHERE id = :id AND version = :e",
             soci::use(assessment, assessment_i), soci::use(p.template_id), soci::use(status),
             soci::use(version), soci::use(start), soci::use(body), soci::use(now),
             soci::use(id), soci::use(expected));
        st.execute(true);
        if (st.get_affected_rows() != 1)
            throw Error(ErrorKind::Conflict, "conflict: plan " + std::to_string(id) +
                                                 " was changed by someone else; reload it");
        insert_versions(id, p, expected);
    });
}

std::vector<plans::TreatmentPlan> PlanRepositoryImpl::select(const std::string& where,
                                                             long long param) {
    return guarded_read(db_, [&] {
        std::vector<plans::TreatmentPlan> out;
        {
            long long id = 0;
            std::string body;
            soci::statement st =
                (db_.sql.prepare << "SELECT id, " + as_text(db_, "body") +
                                        " FROM treatment_plans WHERE " + where + " ORDER BY id",
                 soci::into(id), soci::into(body), soci::use(param));
            st.execute();
            while (st.fetch()) {
                plans::TreatmentPlan p = parse_body(body, "plan " + std::to_string(id));
                p.id = id;
                p.versions.clear();
                out.push_back(std::move(p));
            }
        }
        for (auto& p : out) {
            long long pid = p.id;
            {
                int number = 0;
                long long at = 0;
                std::string author, summary, changes;
                soci::statement st =
                    (db_.sql.prepare << "SELECT number, author, " + db_.epoch("changed_at") +
                                            ", summary, " + as_text(db_, "changes") +
                                            " FROM plan_versions WHERE plan_id = :p "
                                            "ORDER BY number",
                     soci::into(number), soci::into(author), soci::into(at), soci::into(summary),
                     soci::into(changes), soci::use(pid));
                st.execute();
                while (st.fetch())
                    p.versions.push_back(
                        {number, author, from_epoch(at), summary,
                         parse_body(changes, "plan version").get<std::vector<std::string>>()});
            }
            // Completed appointments count toward their component.
            std::map<Id, int> completed;
            {
                long long component = 0;
                int n = 0;
                soci::statement st =
                    (db_.sql.prepare << "SELECT pa.component_id, count(*) FROM plan_appointments pa "
                                        "JOIN appointments a ON a.id = pa.appointment_id "
                                        "WHERE pa.plan_id = :p AND a.status = 'completed' "
                                        "GROUP BY pa.component_id",
                     soci::into(component), soci::into(n), soci::use(pid));
                st.execute();
                while (st.fetch()) completed[component] = n;
            }
            for (auto& c : p.components) {
                auto it = completed.find(c.id);
                c.sessions_completed = it == completed.end() ? 0 : it->second;
            }
        }
        return out;
    });
}

void refuse_if_hidden(Database::Impl& db, const char* whose, Id id) {
    if (!db.pg()) return;
    long long key = id, patient = 0;
    soci::indicator patient_i = soci::i_null;
    std::string who;
    guarded_read(db, [&] {
        db.sql << "SELECT " + std::string(whose) + "(:id), session_user", soci::use(key),
            soci::into(patient, patient_i), soci::into(who);
    });
    if (patient_i != soci::i_ok) return;
    throw Error(ErrorKind::PermissionDenied,
                "permission denied: " + who + " is not on the care team of patient #" +
                    std::to_string(patient) + " and has no break-glass grant for them");
}

std::optional<plans::TreatmentPlan> PlanRepositoryImpl::plan(Id id) {
    auto rows = select("id = :id", id);
    if (rows.empty()) {
        refuse_if_hidden(db_, "vertebra_plan_patient", id);
        return std::nullopt;
    }
    return rows.front();
}

std::vector<plans::TreatmentPlan> PlanRepositoryImpl::plans_for_patient(Id patient_id) {
    return select("patient_id = :p", patient_id);
}

void PlanRepositoryImpl::link_appointments(const std::vector<plans::PlanAppointment>& links) {
    if (links.empty()) return;
    in_write_transaction(db_, [&] {
        for (const auto& l : links) {
            long long plan = l.plan_id, component = l.component_id, appt = l.appointment_id;
            int session = l.session_number;
            int exists = 0;
            db_.sql << "SELECT count(*) FROM treatment_plans WHERE id = :p", soci::into(exists),
                soci::use(plan);
            if (!exists) throw not_found("plan " + std::to_string(plan));
            db_.sql << "SELECT count(*) FROM appointments WHERE id = :a", soci::into(exists),
                soci::use(appt);
            if (!exists) throw not_found("appointment " + std::to_string(appt));
            db_.sql << "SELECT count(*) FROM plan_appointments WHERE appointment_id = :a",
                soci::into(exists), soci::use(appt);
            if (exists)
                throw Error(ErrorKind::Conflict, "conflict: appointment " + std::to_string(appt) +
                                                     " already belongs to a plan");
            db_.sql << "INSERT INTO plan_appointments (appointment_id, plan_id, component_id, "
                       "session_number) VALUES (:a, :p, :c, :s)",
                soci::use(appt), soci::use(plan), soci::use(component), soci::use(session);
        }
    });
}

std::vector<plans::PlanAppointment> PlanRepositoryImpl::plan_appointments(Id plan_id) {
    return guarded_read(db_, [&] {
        std::vector<plans::PlanAppointment> out;
        long long pid = plan_id, component = 0, appt = 0;
        int session = 0;
        soci::statement st =
            (db_.sql.prepare << "SELECT component_id, appointment_id, session_number FROM "
                                "plan_appointments WHERE plan_id = :p "
                                "ORDER BY component_id, session_number, appointment_id",
             soci::into(component), soci::into(appt), soci::into(session), soci::use(pid));
        st.execute();
        while (st.fetch()) out.push_back({plan_id, component, appt, session});
        return out;
    });
}

// ---- Database accessors ----------------------------------------------------------------------

std::unique_ptr<core::plans::AssessmentRepository> Database::assessments() {
    return std::make_unique<AssessmentRepositoryImpl>(*impl_);
}
std::unique_ptr<core::plans::OutcomeRepository> Database::outcomes() {
    return std::make_unique<OutcomeRepositoryImpl>(*impl_);
}
std::unique_ptr<core::plans::PlanRepository> Database::plans() {
    return std::make_unique<PlanRepositoryImpl>(*impl_);
}

}  // namespace vertebra::db
