// SOCI storage of the clinical record: session notes and addenda, users and security settings,
// break-glass grants and the hash-chained audit log, on SQLite and PostgreSQL.
#include "record_repository.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <libpq-fe.h>

#include <chrono>

namespace vertebra::db {

namespace {

using core::AuditEntry;
using core::AuditEvent;

long long now_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool contains(const std::string& s, const char* needle) {
    return s.find(needle) != std::string::npos;
}

/// Turns the database's refusals of the record's rules into the project's errors.
void translate(const Error& e) {
    const std::string m = e.what();
    if (contains(m, "note is signed"))
        throw Error(ErrorKind::PermissionDenied, "note is signed; add an addendum", "note");
    if (contains(m, "addendum cannot change"))
        throw Error(ErrorKind::PermissionDenied, "an addendum cannot change; add another addendum",
                    "note");
    if (contains(m, "addenda are only for signed notes") || contains(m, "vertebra_draft"))
        throw Error(ErrorKind::Conflict, "addenda are only for signed notes; edit the draft",
                    "note");
    if (contains(m, "session_notes.appointment_id") ||
        contains(m, "session_notes_appointment_id_key"))
        throw Error(ErrorKind::Conflict, "the appointment already has a note", "appointment");
    if (contains(m, "already exists") || contains(m, "UNIQUE constraint failed: users.name") ||
        contains(m, "users_pkey"))
        throw Error(ErrorKind::Conflict, "a user or database role with that name already exists",
                    "name");
    if (contains(m, "the audit log is insert-only"))
        throw Error(ErrorKind::PermissionDenied, "the audit log is insert-only");
}

template <typename F>
auto record_write(Database::Impl& db, F&& f) -> decltype(f()) {
    try {
        return in_write_transaction(db, std::forward<F>(f));
    } catch (const Error& e) {
        translate(e);
        throw;
    }
}

template <typename F>
auto record_read(Database::Impl& db, F&& f) -> decltype(f()) {
    try {
        return guarded_read(db, std::forward<F>(f));
    } catch (const Error& e) {
        translate(e);
        throw;
    }
}

std::string bool_col(const Database::Impl& db, const char* col) {
    return db.pg() ? std::string(col) + "::int" : std::string(col);
}
std::string bool_param(const Database::Impl& db, const char* p) {
    return db.pg() ? std::string("CAST(:") + p + " AS integer) <> 0" : std::string(":") + p;
}

std::string roles_csv(const std::set<core::Role>& roles) {
    std::string s;
    for (auto r : roles) s += (s.empty() ? "" : ",") + std::string(core::to_string(r));
    return s;
}

std::set<core::Role> parse_roles(const std::string& csv) {
    std::set<core::Role> out;
    std::size_t pos = 0;
    while (pos <= csv.size()) {
        auto c = csv.find(',', pos);
        auto item = csv.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
        if (!item.empty()) out.insert(core::role_from_string(item));
        if (c == std::string::npos) break;
        pos = c + 1;
    }
    return out;
}

}  // namespace

// ---- Audit ------------------------------------------------------------------------------------

std::int64_t append_audit(Database::Impl& db, const AuditEvent& e) {
    long long patient = e.patient_id.value_or(0);
    soci::indicator pi = e.patient_id ? soci::i_ok : soci::i_null;
    if (db.pg()) {
        long long seq = 0;
        db.sql << "SELECT vertebra_audit_append(:p, :a, :o, :w, :d)", soci::use(patient, pi),
            soci::use(e.action), soci::use(e.object), soci::use(e.workstation),
            soci::use(e.detail), soci::into(seq);
        return seq;
    }
    AuditEntry entry;
    long long last = 0;
    std::string prev;
    db.sql << "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(last),
        soci::into(prev);
    if (!db.sql.got_data()) {
        last = 0;
        prev = core::audit_genesis_hash();
    }
    entry.seq = last + 1;
    entry.at = from_epoch(now_epoch());
    entry.user = e.user;
    entry.patient_id = e.patient_id;
    entry.action = e.action;
    entry.object = e.object;
    entry.workstation = e.workstation;
    entry.detail = e.detail;
    entry.prev_hash = prev;
    entry.hash = core::audit_hash(entry);
    long long seq = entry.seq, at = to_epoch(entry.at);
    db.sql << "INSERT INTO audit_log (seq, at, user_name, patient_id, action, object, workstation, "
              "detail, prev_hash, hash) VALUES (:s, :at, :u, :p, :a, :o, :w, :d, :ph, :h)",
        soci::use(seq), soci::use(at), soci::use(entry.user), soci::use(patient, pi),
        soci::use(entry.action), soci::use(entry.object), soci::use(entry.workstation),
        soci::use(entry.detail), soci::use(entry.prev_hash), soci::use(entry.hash);
    return entry.seq;
}

namespace {

class AuditRepositoryImpl final : public core::AuditRepository {
public:
    explicit AuditRepositoryImpl(Database::Impl& db) : db_(db) {}

    std::int64_t append(const AuditEvent& event) override {
        return record_write(db_, [&] { return append_audit(db_, event); });
    }

    void atomically(const std::function<void()>& change) override {
        in_write_transaction(db_, [&] { change(); });
    }

    std::vector<AuditEntry> all() override { return select("", {}); }

    std::vector<AuditEntry> query(const core::AuditQuery& q) override {
        std::string where;
        std::vector<std::string> params;
        auto add = [&](const std::string& cond) { where += (where.empty() ? " WHERE " : " AND ") + cond; };
        if (q.from) add("at >= " + db_.ts("f"));
        if (q.to) add("at < " + db_.ts("t"));
        if (!q.user.empty()) add("user_name = :u");
        if (q.patient_id) add("patient_id = :p");
        return record_read(db_, [&] {
            std::vector<AuditEntry> out;
            AuditEntry e;
            long long seq = 0, at = 0, patient = 0;
            soci::indicator pi;
            soci::details::prepare_temp_type pt =
                (db_.sql.prepare << "SELECT seq, " + db_.epoch("at") +
                                        ", user_name, patient_id, action, object, workstation, "
                                        "detail, prev_hash, hash FROM audit_log" +
                                        where + " ORDER BY seq");
            pt, soci::into(seq), soci::into(at), soci::into(e.user), soci::into(patient, pi),
                soci::into(e.action), soci::into(e.object), soci::into(e.workstation),
                soci::into(e.detail), soci::into(e.prev_hash), soci::into(e.hash);
            long long from = q.from ? to_epoch(*q.from) : 0, to = q.to ? to_epoch(*q.to) : 0,
                      pid = q.patient_id.value_or(0);
            if (q.from) pt, soci::use(from);
            if (q.to) pt, soci::use(to);
            if (!q.user.empty()) pt, soci::use(q.user);
            if (q.patient_id) pt, soci::use(pid);
            soci::statement st(pt);
            st.execute();
            while (st.fetch()) {
                e.seq = seq;
                e.at = from_epoch(at);
                e.patient_id = pi == soci::i_ok ? std::optional<core::Id>(patient) : std::nullopt;
                out.push_back(e);
            }
            return out;
        });
    }

private:
    std::vector<AuditEntry> select(const std::string&, const std::vector<std::string>&) {
        return query(core::AuditQuery{});
    }
    Database::Impl& db_;
};

// ---- Users ------------------------------------------------------------------------------------

class UserRepositoryImpl final : public core::UserRepository {
public:
    explicit UserRepositoryImpl(Database::Impl& db) : db_(db) {}

    bool any_users() override {
        return record_read(db_, [&] {
            // On PostgreSQL, RLS shows a non-owner only its own row: enough to say "some".
            int n = 0;
            db_.sql << "SELECT count(*) FROM users", soci::into(n);
            return n > 0;
        });
    }

    std::optional<core::User> find(const std::string& name) override {
        auto rows = select(" WHERE name = :n", &name);
        if (rows.empty()) return std::nullopt;
        return rows.front();
    }

    std::vector<core::User> list() override { return select("", nullptr); }

    std::string password_hash(const std::string& name) override {
        return record_read(db_, [&] {
            std::string h;
            soci::indicator hi = soci::i_null;
            if (db_.pg())
                db_.sql << "SELECT vertebra_password_hash(:n)", soci::use(name), soci::into(h, hi);
            else
                db_.sql << "SELECT password_hash FROM users WHERE name = :n", soci::use(name),
                    soci::into(h, hi);
            return db_.sql.got_data() && hi == soci::i_ok ? h : std::string();
        });
    }

    void add(const core::User& u, const std::string& argon2_hash, const std::string& password,
             const AuditEvent& event) override {
        const std::string roles = roles_csv(u.roles);
        long long prac = u.practitioner_id.value_or(0);
        soci::indicator pi = u.practitioner_id ? soci::i_ok : soci::i_null;
        int bg = u.break_glass_allowed ? 1 : 0;
        try {
            insert_user(u, roles, argon2_hash, password, prac, pi, bg, event);
        } catch (const Error& e) {
            // Never echo the statement: its parameters include the password hash.
            const std::string m = e.what();
            if (m.find("FOREIGN KEY") != std::string::npos ||
                m.find("users_practitioner_id_fkey") != std::string::npos)
                throw invalid("practitioner",
                              "no practitioner #" + std::to_string(prac) + " to link " + u.name);
            if (e.kind() == ErrorKind::Internal)
                throw Error(ErrorKind::Internal, "could not add user " + u.name +
                                                     " (the database refused it)");
            throw;
        }
    }

    void insert_user(const core::User& u, const std::string& roles,
                     const std::string& argon2_hash, const std::string& password, long long& prac,
                     soci::indicator& pi, int& bg, const AuditEvent& event) {
        record_write(db_, [&] {
            if (db_.pg()) {
                auto* be = static_cast<soci::postgresql_session_backend*>(db_.sql.get_backend());
                char* v = PQencryptPasswordConn(be->conn_, password.c_str(), u.name.c_str(),
                                                "scram-sha-256");
                if (!v)
                    throw Error(ErrorKind::Internal, std::string("cannot derive the login "
                                                                 "verifier: ") +
                                                         PQerrorMessage(be->conn_));
                std::string verifier = v;
                PQfreemem(v);
                int dummy = 0;
                soci::indicator di;
                db_.sql << "SELECT 1 FROM (SELECT vertebra_create_user(:n, :r, :h, :v, :p, " +
                               bool_param(db_, "bg") + ", :w, :d)) AS x",
                    soci::use(u.name), soci::use(roles), soci::use(argon2_hash),
                    soci::use(verifier), soci::use(prac, pi), soci::use(bg),
                    soci::use(event.workstation), soci::use(event.detail), soci::into(dummy, di);
                return;
            }
            long long now = now_epoch();
            db_.sql << "INSERT INTO users (name, roles, password_hash, practitioner_id, "
                       "break_glass_allowed, created_at) VALUES (:n, :r, :h, :p, :bg, :t)",
                soci::use(u.name), soci::use(roles), soci::use(argon2_hash), soci::use(prac, pi),
                soci::use(bg), soci::use(now);
            append_audit(db_, event);
        });
    }

    bool record_failure(const std::string& name, int threshold, const AuditEvent& event) override {
        return record_write(db_, [&] {
            if (db_.pg()) {
                int locked = 0;
                db_.sql << "SELECT vertebra_login_failed(:n, :w)::int", soci::use(name),
                    soci::use(event.workstation), soci::into(locked);
                return locked != 0;
            }
            db_.sql << "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE name = :n",
                soci::use(name);
            int failed = 0;
            db_.sql << "SELECT failed_attempts FROM users WHERE name = :n", soci::use(name),
                soci::into(failed);
            append_audit(db_, event);
            if (failed < threshold) return false;
            db_.sql << "UPDATE users SET locked = 1 WHERE name = :n", soci::use(name);
            AuditEvent lock = event;
            lock.action = "lockout";
            lock.detail = std::to_string(failed) + " failed logins";
            append_audit(db_, lock);
            return true;
        });
    }

    void record_success(const std::string& name, const AuditEvent& event) override {
        record_write(db_, [&] {
            if (db_.pg()) {
                int dummy = 0;
                db_.sql << "SELECT 1 FROM (SELECT vertebra_login_ok(:n, :w)) AS x",
                    soci::use(name), soci::use(event.workstation), soci::into(dummy);
                return;
            }
            db_.sql << "UPDATE users SET failed_attempts = 0 WHERE name = :n", soci::use(name);
            append_audit(db_, event);
        });
    }

    void unlock(const std::string& name, const AuditEvent& event) override {
        record_write(db_, [&] {
            if (db_.pg()) {
                int dummy = 0;
                db_.sql << "SELECT 1 FROM (SELECT vertebra_unlock_user(:n, :w)) AS x",
                    soci::use(name), soci::use(event.workstation), soci::into(dummy);
                return;
            }
            db_.sql << "UPDATE users SET locked = 0, failed_attempts = 0 WHERE name = :n",
                soci::use(name);
            append_audit(db_, event);
        });
    }

    void set_roles(const std::string& name, const std::set<core::Role>& roles,
                   const AuditEvent& event) override {
        const std::string csv = roles_csv(roles);
        record_write(db_, [&] {
            if (db_.pg()) {
                int dummy = 0;
                db_.sql << "SELECT 1 FROM (SELECT vertebra_set_roles(:n, :r, :w, :d)) AS x",
                    soci::use(name), soci::use(csv), soci::use(event.workstation),
                    soci::use(event.detail), soci::into(dummy);
                return;
            }
            db_.sql << "UPDATE users SET roles = :r WHERE name = :n", soci::use(csv),
                soci::use(name);
            append_audit(db_, event);
        });
    }

    core::SecuritySettings settings() override {
        return record_read(db_, [&] {
            core::SecuritySettings s;
            db_.sql << "SELECT lockout_threshold, idle_logoff_minutes, break_glass_minutes FROM "
                       "security_settings WHERE id = 1",
                soci::into(s.lockout_threshold), soci::into(s.idle_logoff_minutes),
                soci::into(s.break_glass_minutes);
            return s;
        });
    }

    void save_settings(const core::SecuritySettings& s, const AuditEvent& event) override {
        record_write(db_, [&] {
            db_.sql << "UPDATE security_settings SET lockout_threshold = :a, "
                       "idle_logoff_minutes = :b, break_glass_minutes = :c WHERE id = 1",
                soci::use(s.lockout_threshold), soci::use(s.idle_logoff_minutes),
                soci::use(s.break_glass_minutes);
            append_audit(db_, event);
        });
    }

    core::Id start_break_glass(const std::string& user, const std::string& reason,
                               std::optional<core::Id> patient_id, Instant until,
                               const AuditEvent& event) override {
        long long patient = patient_id.value_or(0);
        soci::indicator pi = patient_id ? soci::i_ok : soci::i_null;
        return record_write(db_, [&] {
            long long id = 0;
            if (db_.pg()) {
                db_.sql << "SELECT vertebra_break_glass(:r, :p, :w)", soci::use(reason),
                    soci::use(patient, pi), soci::use(event.workstation), soci::into(id);
                return static_cast<core::Id>(id);
            }
            long long now = now_epoch(), end = to_epoch(until);
            db_.sql << "INSERT INTO break_glass (user_name, reason, patient_id, started_at, "
                       "expires_at) VALUES (:u, :r, :p, :s, :e) RETURNING id",
                soci::use(user), soci::use(reason), soci::use(patient, pi), soci::use(now),
                soci::use(end), soci::into(id);
            append_audit(db_, event);
            return static_cast<core::Id>(id);
        });
    }

    std::optional<core::BreakGlassGrant> active_break_glass(const std::string& user,
                                                            Instant now) override {
        return record_read(db_, [&]() -> std::optional<core::BreakGlassGrant> {
            std::string reason;
            long long end = 0, t = to_epoch(now), patient = 0;
            soci::indicator pi = soci::i_null;
            db_.sql << "SELECT reason, " + db_.epoch("expires_at") +
                           ", patient_id FROM break_glass WHERE user_name = :u AND expires_at > " +
                           db_.ts("t") + " ORDER BY expires_at DESC, id DESC LIMIT 1",
                soci::use(user), soci::use(t), soci::into(reason), soci::into(end),
                soci::into(patient, pi);
            if (!db_.sql.got_data()) return std::nullopt;
            return core::BreakGlassGrant{
                reason, from_epoch(end),
                pi == soci::i_ok ? std::optional<core::Id>(patient) : std::nullopt};
        });
    }

private:
    std::vector<core::User> select(const std::string& where, const std::string* name) {
        return record_read(db_, [&] {
            std::vector<core::User> out;
            std::string uname, roles;
            long long prac = 0;
            soci::indicator pi;
            int bg = 0, failed = 0, locked = 0, active = 0;
            soci::details::prepare_temp_type pt =
                (db_.sql.prepare << "SELECT name, roles, practitioner_id, " +
                                        bool_col(db_, "break_glass_allowed") +
                                        ", failed_attempts, " + bool_col(db_, "locked") + ", " +
                                        bool_col(db_, "active") + " FROM users" + where +
                                        " ORDER BY name");
            pt, soci::into(uname), soci::into(roles), soci::into(prac, pi), soci::into(bg),
                soci::into(failed), soci::into(locked), soci::into(active);
            if (name) pt, soci::use(*name);
            soci::statement st(pt);
            st.execute();
            while (st.fetch()) {
                core::User u;
                u.name = uname;
                u.roles = parse_roles(roles);
                if (pi == soci::i_ok) u.practitioner_id = prac;
                u.break_glass_allowed = bg != 0;
                u.failed_attempts = failed;
                u.locked = locked != 0;
                u.active = active != 0;
                out.push_back(std::move(u));
            }
            return out;
        });
    }

    Database::Impl& db_;
};

// ---- Notes ------------------------------------------------------------------------------------

class NoteRepositoryImpl final : public core::NoteRepository {
public:
    explicit NoteRepositoryImpl(Database::Impl& db) : db_(db) {}

    core::Id insert(const core::SessionNote& n, const AuditEvent& event) override {
        long long appt = n.appointment_id.value_or(0), patient = n.patient_id,
                  created = to_epoch(n.created_at), updated = to_epoch(n.updated_at);
        soci::indicator ai = n.appointment_id ? soci::i_ok : soci::i_null;
        const auto& c = n.content;
        const std::string fields = c.fields.dump();
        return record_write(db_, [&] {
            long long id = 0;
            db_.sql << "INSERT INTO session_notes (appointment_id, patient_id, author, module_id, "
                       "form_id, body_text, subjective, objective, assessment, plan, fields, "
                       "status, created_at, updated_at) VALUES (:a, :p, :au, :m, :f, :t, :s, :o, "
                       ":as, :pl, :fi, 'draft', " +
                           db_.ts("c") + ", " + db_.ts("u") + ") RETURNING id",
                soci::use(appt, ai), soci::use(patient), soci::use(n.author),
                soci::use(c.module_id), soci::use(c.form_id), soci::use(c.text),
                soci::use(c.subjective), soci::use(c.objective), soci::use(c.assessment),
                soci::use(c.plan), soci::use(fields), soci::use(created), soci::use(updated),
                soci::into(id);
            AuditEvent e = event;
            e.object = "note:" + std::to_string(id);
            append_audit(db_, e);
            return static_cast<core::Id>(id);
        });
    }

    std::optional<core::SessionNote> find(core::Id id) override {
        return record_read(db_, [&]() -> std::optional<core::SessionNote> {
            core::SessionNote n;
            long long nid = id, appt = 0, patient = 0, created = 0, updated = 0, signed_at = 0;
            soci::indicator ai, sbi, sai, hi;
            std::string status, fields, signed_by, hash;
            auto& c = n.content;
            db_.sql << "SELECT appointment_id, patient_id, author, module_id, form_id, body_text, "
                       "subjective, objective, assessment, plan, fields, status, " +
                           db_.epoch("created_at") + ", " + db_.epoch("updated_at") +
                           ", signed_by, " + db_.epoch("signed_at") +
                           ", content_hash FROM session_notes WHERE id = :id",
                soci::use(nid), soci::into(appt, ai), soci::into(patient), soci::into(n.author),
                soci::into(c.module_id), soci::into(c.form_id), soci::into(c.text),
                soci::into(c.subjective), soci::into(c.objective), soci::into(c.assessment),
                soci::into(c.plan), soci::into(fields), soci::into(status), soci::into(created),
                soci::into(updated), soci::into(signed_by, sbi), soci::into(signed_at, sai),
                soci::into(hash, hi);
            if (!db_.sql.got_data()) return std::nullopt;
            n.id = id;
            if (ai == soci::i_ok) n.appointment_id = appt;
            n.patient_id = patient;
            c.fields = nlohmann::json::parse(fields, nullptr, false);
            if (c.fields.is_discarded()) c.fields = nlohmann::json::object();
            n.status = status == "signed" ? core::NoteStatus::Signed : core::NoteStatus::Draft;
            n.created_at = from_epoch(created);
            n.updated_at = from_epoch(updated);
            if (sbi == soci::i_ok) n.signed_by = signed_by;
            if (sai == soci::i_ok) n.signed_at = from_epoch(signed_at);
            if (hi == soci::i_ok) n.content_hash = hash;

            core::Addendum a;
            long long aid = 0, at = 0;
            soci::statement st = (db_.sql.prepare << "SELECT id, author, " +
                                                         db_.epoch("created_at") +
                                                         ", reason, body_text FROM note_addenda "
                                                         "WHERE note_id = :id ORDER BY id",
                                  soci::use(nid), soci::into(aid), soci::into(a.author),
                                  soci::into(at), soci::into(a.reason), soci::into(a.text));
            st.execute();
            while (st.fetch()) {
                a.id = aid;
                a.note_id = id;
                a.at = from_epoch(at);
                n.addenda.push_back(a);
            }
            return n;
        });
    }

    std::optional<core::NoteStatusRow> status(core::Id id) override {
        auto rows = select_status(" WHERE id = :k", id);
        if (rows.empty()) return std::nullopt;
        return rows.front();
    }

    std::optional<core::NoteStatusRow> status_for_appointment(core::Id appointment_id) override {
        auto rows = select_status(" WHERE appointment_id = :k", appointment_id);
        if (rows.empty()) return std::nullopt;
        return rows.front();
    }

    std::vector<core::NoteStatusRow> notes_for_patient(core::Id patient_id) override {
        return select_status(" WHERE patient_id = :k ORDER BY created_at, id", patient_id);
    }

    void update_draft(const core::SessionNote& n, const AuditEvent& event) override {
        long long id = n.id, updated = to_epoch(n.updated_at);
        const auto& c = n.content;
        const std::string fields = c.fields.dump();
        record_write(db_, [&] {
            soci::statement st =
                (db_.sql.prepare << "UPDATE session_notes SET module_id = :m, form_id = :f, "
                                    "body_text = :t, subjective = :s, objective = :o, "
                                    "assessment = :as, plan = :pl, fields = :fi, updated_at = " +
                                        db_.ts("u") + " WHERE id = :id",
                 soci::use(c.module_id), soci::use(c.form_id), soci::use(c.text),
                 soci::use(c.subjective), soci::use(c.objective), soci::use(c.assessment),
                 soci::use(c.plan), soci::use(fields), soci::use(updated), soci::use(id));
            st.execute(true);
            if (st.get_affected_rows() == 0) throw not_found("note #" + std::to_string(id));
            append_audit(db_, event);
        });
    }

    void remove(core::Id id, const AuditEvent& event) override {
        long long nid = id;
        record_write(db_, [&] {
            soci::statement st =
                (db_.sql.prepare << "DELETE FROM session_notes WHERE id = :id", soci::use(nid));
            st.execute(true);
            if (st.get_affected_rows() == 0) throw not_found("note #" + std::to_string(id));
            append_audit(db_, event);
        });
    }

    void sign(core::Id id, const std::string& signer, Instant at, const std::string& hash,
              const AuditEvent& event) override {
        long long nid = id, t = to_epoch(at);
        record_write(db_, [&] {
            soci::statement st =
                (db_.sql.prepare << "UPDATE session_notes SET status = 'signed', signed_by = :b, "
                                    "signed_at = " +
                                        db_.ts("t") + ", content_hash = :h WHERE id = :id",
                 soci::use(signer), soci::use(t), soci::use(hash), soci::use(nid));
            st.execute(true);
            if (st.get_affected_rows() == 0) throw not_found("note #" + std::to_string(id));
            append_audit(db_, event);
        });
    }

    core::Id add_addendum(const core::Addendum& a, const AuditEvent& event) override {
        long long nid = a.note_id, t = to_epoch(a.at);
        return record_write(db_, [&] {
            long long id = 0;
            db_.sql << "INSERT INTO note_addenda (note_id, author, created_at, reason, body_text) "
                       "VALUES (:n, :a, " +
                           db_.ts("t") + ", :r, :x) RETURNING id",
                soci::use(nid), soci::use(a.author), soci::use(t), soci::use(a.reason),
                soci::use(a.text), soci::into(id);
            append_audit(db_, event);
            return static_cast<core::Id>(id);
        });
    }

    bool on_care_team(const std::string& user, core::Id patient_id) override {
        long long p = patient_id;
        return record_read(db_, [&] {
            int yes = 0;
            if (db_.pg())
                db_.sql << "SELECT vertebra_on_care_team(:u, :p)::int", soci::use(user),
                    soci::use(p), soci::into(yes);
            else
                db_.sql << "SELECT EXISTS (SELECT 1 FROM care_team WHERE patient_id = :p AND "
                           "user_name = :u) OR EXISTS (SELECT 1 FROM users u JOIN appointments a "
                           "ON a.practitioner_id = u.practitioner_id WHERE u.name = :u2 AND "
                           "a.patient_id = :p2)",
                    soci::use(p), soci::use(user), soci::use(user), soci::use(p), soci::into(yes);
            return yes != 0;
        });
    }

    void add_to_care_team(core::Id patient_id, const std::string& user,
                          const AuditEvent& event) override {
        long long p = patient_id;
        record_write(db_, [&] {
            // An unknown user name is NotFound, not a foreign-key failure (found by the hostile
            // input test: it ended as exit 1 "database error").
            long long known = 0;
            db_.sql << "SELECT COUNT(*) FROM users WHERE name = :u", soci::use(user), soci::into(known);
            if (known == 0) throw Error(ErrorKind::NotFound, "user '" + user + "' not found", "user-name");
            db_.sql << "INSERT INTO care_team (patient_id, user_name) VALUES (:p, :u) "
                       "ON CONFLICT DO NOTHING",
                soci::use(p), soci::use(user);
            append_audit(db_, event);
        });
    }

    std::vector<core::UnsignedNotes> unsigned_by_author() override {
        return record_read(db_, [&] {
            std::vector<core::UnsignedNotes> out;
            std::string author;
            int count = 0;
            long long oldest = 0;
            soci::statement st =
                (db_.sql.prepare << "SELECT author, count(*), " + db_.epoch("min(created_at)") +
                                        " FROM note_status WHERE status = 'draft' GROUP BY "
                                        "author ORDER BY 3, author",
                 soci::into(author), soci::into(count), soci::into(oldest));
            st.execute();
            while (st.fetch()) out.push_back({author, count, from_epoch(oldest)});
            return out;
        });
    }

private:
    std::vector<core::NoteStatusRow> select_status(const std::string& where, core::Id key) {
        return record_read(db_, [&] {
            std::vector<core::NoteStatusRow> out;
            long long k = key, id = 0, appt = 0, patient = 0, signed_at = 0, created_at = 0;
            soci::indicator ai, si;
            std::string author, status;
            soci::statement st =
                (db_.sql.prepare << "SELECT id, appointment_id, patient_id, author, status, " +
                                        db_.epoch("signed_at") + ", " + db_.epoch("created_at") +
                                        " FROM note_status" + where,
                 soci::use(k), soci::into(id), soci::into(appt, ai), soci::into(patient),
                 soci::into(author), soci::into(status), soci::into(signed_at, si),
                 soci::into(created_at));
            st.execute();
            while (st.fetch()) {
                core::NoteStatusRow r;
                r.id = id;
                if (ai == soci::i_ok) r.appointment_id = appt;
                r.patient_id = patient;
                r.author = author;
                r.status = status == "signed" ? core::NoteStatus::Signed : core::NoteStatus::Draft;
                if (si == soci::i_ok) r.signed_at = from_epoch(signed_at);
                r.created_at = from_epoch(created_at);
                out.push_back(r);
            }
            return out;
        });
    }

    Database::Impl& db_;
};

}  // namespace

std::unique_ptr<core::NoteRepository> make_note_repository(Database::Impl& db) {
    return std::make_unique<NoteRepositoryImpl>(db);
}
std::unique_ptr<core::UserRepository> make_user_repository(Database::Impl& db) {
    return std::make_unique<UserRepositoryImpl>(db);
}
std::unique_ptr<core::AuditRepository> make_audit_repository(Database::Impl& db) {
    return std::make_unique<AuditRepositoryImpl>(db);
}

std::unique_ptr<core::NoteRepository> Database::notes() { return make_note_repository(*impl_); }
std::unique_ptr<core::UserRepository> Database::users() { return make_user_repository(*impl_); }
std::unique_ptr<core::AuditRepository> Database::audit() { return make_audit_repository(*impl_); }

}  // namespace vertebra::db
