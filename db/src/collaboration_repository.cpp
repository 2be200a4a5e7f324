// SOCI storage of care-team tasks on plans (plan_tasks, migration 0005), audited in the same
// transaction.
#include <memory>

#include "database_impl.hpp"
#include "plans_repository.hpp"
#include "record_repository.hpp"
#include "vertebra/db/database.hpp"
#include "vertebra/plans/collaboration.hpp"

namespace vertebra::db {

namespace {

using core::Id;
using core::plans::PlanTask;

class TaskRepositoryImpl final : public core::plans::TaskRepository {
public:
    explicit TaskRepositoryImpl(Database::Impl& db) : db_(db) {}

    Id add_task(const PlanTask& t, const core::AuditEvent& event) override {
        long long plan = t.plan_id, patient = t.patient_id, created = to_epoch(t.created_at);
        std::string due = t.due ? format_date(*t.due) : "";
        soci::indicator due_i = t.due ? soci::i_ok : soci::i_null;
        return in_write_transaction(db_, [&] {
            long long id = 0;
            db_.sql << "INSERT INTO plan_tasks (plan_id, patient_id, title, assignee, due_date, "
                       "created_by, created_at) VALUES (:pl, :pa, :t, :a, " +
                           std::string(db_.pg() ? "CAST(:d AS date)" : ":d") + ", :cb, " +
                           db_.ts("ca") + ") RETURNING id",
                soci::use(plan), soci::use(patient), soci::use(t.title), soci::use(t.assignee),
                soci::use(due, due_i), soci::use(t.created_by), soci::use(created),
                soci::into(id);
            core::AuditEvent e = event;
            e.object = "task:" + std::to_string(id) + (e.object.empty() ? "" : " " + e.object);
            append_audit(db_, e);
            return static_cast<Id>(id);
        });
    }

    std::optional<PlanTask> task(Id id) override {
        auto rows = select(" WHERE id = :k", id, "");
        if (rows.empty()) {
            refuse_if_hidden(db_, "vertebra_task_patient", id);
            return std::nullopt;
        }
        return rows.front();
    }

    std::vector<PlanTask> tasks_for_plan(Id plan_id) override {
        return select(" WHERE plan_id = :k", plan_id, kListOrder);
    }

    std::vector<PlanTask> tasks_for_patient(Id patient_id) override {
        return select(" WHERE patient_id = :k", patient_id, kListOrder);
    }

    std::vector<PlanTask> open_tasks_for(const std::string& assignee) override {
        return guarded_read(db_, [&] {
            std::vector<PlanTask> out;
            Row r;
            soci::statement st = (db_.sql.prepare << columns() +
                                                         " FROM plan_tasks WHERE assignee = :a "
                                                         "AND done = " +
                                                         (db_.pg() ? "false" : "0") +
                                                         " ORDER BY due_date IS NULL, due_date, id",
                                  soci::use(assignee));
            r.bind(st);
            st.execute();
            while (st.fetch()) out.push_back(r.task());
            return out;
        });
    }

    bool set_done(Id id, bool done, const std::string& by, Instant at,
                  const core::AuditEvent& event) override {
        long long key = id, when = to_epoch(at);
        int flag = done ? 1 : 0;
        std::string who = done ? by : std::string();
        soci::indicator when_i = done ? soci::i_ok : soci::i_null;
        return in_write_transaction(db_, [&] {
            soci::statement st =
                (db_.sql.prepare << "UPDATE plan_tasks SET done = " +
                                        std::string(db_.pg() ? "CAST(:f AS integer) <> 0" : ":f") +
                                        ", done_by = :b, done_at = " + db_.ts("w") +
                                        " WHERE id = :k AND done <> " +
                                        (db_.pg() ? "(CAST(:f2 AS integer) <> 0)" : ":f2"),
                 soci::use(flag), soci::use(who), soci::use(when, when_i), soci::use(key),
                 soci::use(flag));
            st.execute(true);
            if (st.get_affected_rows() == 0) return false;
            append_audit(db_, event);
            return true;
        });
    }

private:
    static constexpr const char* kListOrder =
        " ORDER BY done, due_date IS NULL, due_date, id";

    struct Row {
        long long id = 0, plan = 0, patient = 0, created = 0, done_at = 0;
        int done = 0;
        std::string title, assignee, due, created_by, done_by;
        soci::indicator due_i = soci::i_null, done_at_i = soci::i_null;
        void bind(soci::statement& st) {
            st.exchange(soci::into(id));
            st.exchange(soci::into(plan));
            st.exchange(soci::into(patient));
            st.exchange(soci::into(title));
            st.exchange(soci::into(assignee));
            st.exchange(soci::into(due, due_i));
            st.exchange(soci::into(created_by));
            st.exchange(soci::into(created));
            st.exchange(soci::into(done));
            st.exchange(soci::into(done_by));
            st.exchange(soci::into(done_at, done_at_i));
            st.define_and_bind();
        }
        PlanTask task() const {
            PlanTask t;
            t.id = id;
            t.plan_id = plan;
            t.patient_id = patient;
            t.title = title;
            t.assignee = assignee;
            if (due_i == soci::i_ok && !due.empty()) t.due = parse_local_date(due, "due");
            t.created_by = created_by;
            t.created_at = from_epoch(created);
            t.done = done != 0;
            t.done_by = done_by;
            if (done_at_i == soci::i_ok) t.done_at = from_epoch(done_at);
            return t;
        }
    };

    std::string columns() const {
        return std::string("SELECT id, plan_id, patient_id, title, assignee, ") +
               (db_.pg() ? "to_char(due_date, 'YYYY-MM-DD')" : "due_date") + ", created_by, " +
               db_.epoch("created_at") + ", " + (db_.pg() ? "done::int" : "done") +
               ", done_by, " + db_.epoch("done_at");
    }

    std::vector<PlanTask> select(const std::string& where, Id key, const std::string& order) {
        return guarded_read(db_, [&] {
            std::vector<PlanTask> out;
            long long k = key;
            Row r;
            soci::statement st =
                (db_.sql.prepare << columns() + " FROM plan_tasks" + where + order, soci::use(k));
            r.bind(st);
            st.execute();
            while (st.fetch()) out.push_back(r.task());
            return out;
        });
    }

    Database::Impl& db_;
};

}  // namespace

std::unique_ptr<core::plans::TaskRepository> Database::tasks() {
    return std::make_unique<TaskRepositoryImpl>(*impl_);
}

}  // namespace vertebra::db
