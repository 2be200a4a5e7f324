// SOCI storage of therapy-module choices (enabled, by whom, when) and their audit trail.
#include <memory>

#include <unistd.h>

#include "database_impl.hpp"
#include "record_repository.hpp"
#include "vertebra/plugins/module_settings.hpp"

namespace vertebra::db {

namespace {

std::string host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

class ModuleSettingsRepositoryImpl final : public core::ModuleSettingsRepository {
public:
    explicit ModuleSettingsRepositoryImpl(Database::Impl& db) : db_(db) {}

    std::vector<core::ModuleSetting> list() override { return select("", ""); }

    std::optional<core::ModuleSetting> find(const std::string& module_id) override {
        auto rows = select(" WHERE id = :id", module_id);
        if (rows.empty()) return std::nullopt;
        return rows.front();
    }

    void remember(const std::string& module_id, const std::string& name,
                  const std::string& version) override {
        in_write_transaction(db_, [&] {
            db_.sql << "INSERT INTO modules (id, name, version) VALUES (:id, :name, :version) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                       "version = excluded.version",
                soci::use(module_id), soci::use(name), soci::use(version);
        });
    }

    bool set_enabled(const std::string& module_id, bool enabled, const std::string& user,
                     Instant when) override {
        return in_write_transaction(db_, [&] {
            int current = 1;
            soci::indicator ind = soci::i_null;
            db_.sql << std::string("SELECT ") + enabled_int() + " FROM modules WHERE id = :id" +
                           (db_.pg() ? " FOR UPDATE" : ""),
                soci::into(current, ind), soci::use(module_id);
            const bool is_enabled = !db_.sql.got_data() || ind == soci::i_null || current != 0;
            if (is_enabled == enabled) return false;
            const int en = enabled ? 1 : 0;
            const long long at = to_epoch(when);
            const std::string en_sql = db_.pg() ? "CAST(:en AS integer) <> 0" : ":en";
            db_.sql << "INSERT INTO modules (id, enabled, changed_by, changed_at) VALUES (:id, " +
                           en_sql + ", :by, " + db_.ts("at") +
                           ") ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, "
                           "changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                soci::use(module_id), soci::use(en), soci::use(user), soci::use(at);
            db_.sql << "INSERT INTO module_audit (module_id, enabled, changed_by, changed_at) "
                       "VALUES (:id, " +
                           en_sql + ", :by, " + db_.ts("at") + ")",
                soci::use(module_id), soci::use(en), soci::use(user), soci::use(at);
            // A security event: into the hash-chained audit log too, in the same transaction.
            core::AuditEvent event;
            event.user = user;
            event.action = enabled ? "module.enable" : "module.disable";
            event.object = "module:" + module_id;
            event.workstation = host_name();
            append_audit(db_, event);
            return true;
        });
    }

    std::vector<core::ModuleAuditEntry> audit(const std::string& module_id) override {
        return guarded_read(db_, [&] {
            std::vector<core::ModuleAuditEntry> out;
            std::string id, by;
            int en = 0;
            long long at = 0;
            const std::string sql = std::string("SELECT module_id, ") + enabled_int() +
                                    ", changed_by, " + db_.epoch("changed_at") +
                                    " FROM module_audit" +
                                    (module_id.empty() ? "" : " WHERE module_id = :id") +
                                    " ORDER BY id";
            soci::statement st(db_.sql);
            st.exchange(soci::into(id));
            st.exchange(soci::into(en));
            st.exchange(soci::into(by));
            st.exchange(soci::into(at));
            if (!module_id.empty()) st.exchange(soci::use(module_id));
            st.alloc();
            st.prepare(sql);
            st.define_and_bind();
            st.execute();
            while (st.fetch()) out.push_back({id, en != 0, by, from_epoch(at)});
            return out;
        });
    }

private:
    const char* enabled_int() const { return db_.pg() ? "enabled::int" : "enabled"; }

    std::vector<core::ModuleSetting> select(const std::string& where, const std::string& param) {
        return guarded_read(db_, [&] {
            std::vector<core::ModuleSetting> out;
            std::string id, name, version, by;
            int en = 1;
            long long at = 0;
            soci::indicator at_ind = soci::i_null;
            const std::string sql = std::string("SELECT id, name, version, ") + enabled_int() +
                                    ", changed_by, " + db_.epoch("changed_at") +
                                    " FROM modules" + where + " ORDER BY id";
            soci::statement st(db_.sql);
            st.exchange(soci::into(id));
            st.exchange(soci::into(name));
            st.exchange(soci::into(version));
            st.exchange(soci::into(en));
            st.exchange(soci::into(by));
            st.exchange(soci::into(at, at_ind));
            if (!where.empty()) st.exchange(soci::use(param));
            st.alloc();
            st.prepare(sql);
            st.define_and_bind();
            st.execute();
            while (st.fetch()) {
                core::ModuleSetting s{id, name, version, en != 0, by, std::nullopt};
                if (at_ind == soci::i_ok) s.changed_at = from_epoch(at);
                out.push_back(std::move(s));
            }
            return out;
        });
    }

    Database::Impl& db_;
};

}  // namespace

std::unique_ptr<core::ModuleSettingsRepository> Database::module_settings() {
    return std::make_unique<ModuleSettingsRepositoryImpl>(*impl_);
}

}  // namespace vertebra::db
