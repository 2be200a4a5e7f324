// SOCI storage of the clinic's fee overrides (clinic_fees, migration 0007) and payer settings
// (clinic_payer_settings, 0012), audited in the same transaction. Rows are insert-only: a new
// override or setting supersedes, nothing is edited.
#include "vertebra/db/fee_repository.hpp"

#include "database_impl.hpp"
#include "record_repository.hpp"

namespace vertebra::db {

namespace {

using core::Id;
using core::billing::ClinicFee;

class FeeRepositoryImpl final : public core::billing::FeeRepository {
public:
    explicit FeeRepositoryImpl(Database::Impl& db) : db_(db) {}

    std::vector<ClinicFee> all() override {
        return guarded_read(db_, [&] {
            std::vector<ClinicFee> out;
            long long id = 0, cents = 0, at = 0;
            std::string code, payer, from, by, reason;
            const std::string sql =
                std::string("SELECT id, code, payer, cents_per_unit, ") +
                (db_.pg() ? "to_char(effective_from, 'YYYY-MM-DD')" : "effective_from") +
                ", set_by, " + db_.epoch("set_at") + ", reason FROM clinic_fees ORDER BY id";
            soci::statement st = (db_.sql.prepare << sql, soci::into(id), soci::into(code),
                                  soci::into(payer), soci::into(cents), soci::into(from),
                                  soci::into(by), soci::into(at), soci::into(reason));
            st.execute();
            while (st.fetch()) {
                ClinicFee f;
                f.id = static_cast<Id>(id);
                f.code = code;
                f.payer = payer;
                f.cents_per_unit = cents;
                f.effective_from = parse_local_date(from, "effective_from");
                f.set_by = by;
                f.set_at = from_epoch(at);
                f.reason = reason;
                out.push_back(std::move(f));
            }
            return out;
        });
    }

    Id add(const ClinicFee& fee, const core::AuditEvent& event) override {
        long long cents = fee.cents_per_unit, at = to_epoch(fee.set_at);
        const std::string from = format_date(fee.effective_from);
        return in_write_transaction(db_, [&] {
            long long id = 0;
            db_.sql << "INSERT INTO clinic_fees (code, payer, cents_per_unit, effective_from, "
                       "set_by, set_at, reason) VALUES (:c, :p, :n, " +
                           std::string(db_.pg() ? "CAST(:f AS date)" : ":f") + ", :b, " +
                           db_.ts("t") + ", :r) RETURNING id",
                soci::use(fee.code), soci::use(fee.payer), soci::use(cents), soci::use(from),
                soci::use(fee.set_by), soci::use(at), soci::use(fee.reason), soci::into(id);
            core::AuditEvent e = event;
            e.object = e.object.empty() ? "fee:" + std::to_string(id)
                                        : e.object + " #" + std::to_string(id);
            append_audit(db_, e);
            return static_cast<Id>(id);
        });
    }

    std::vector<core::billing::ClinicPayerSetting> payer_settings() override {
        return guarded_read(db_, [&] {
            std::vector<core::billing::ClinicPayerSetting> out;
            long long id = 0, at = 0;
            std::string payer, option, value, from, by, reason;
            const std::string sql =
                std::string("SELECT id, payer, option_key, value_json, ") +
                (db_.pg() ? "to_char(effective_from, 'YYYY-MM-DD')" : "effective_from") +
                ", set_by, " + db_.epoch("set_at") +
                ", reason FROM clinic_payer_settings ORDER BY id";
            soci::statement st = (db_.sql.prepare << sql, soci::into(id), soci::into(payer),
                                  soci::into(option), soci::into(value), soci::into(from),
                                  soci::into(by), soci::into(at), soci::into(reason));
            st.execute();
            while (st.fetch()) {
                core::billing::ClinicPayerSetting s;
                s.id = static_cast<Id>(id);
                s.payer = payer;
                s.option = option;
                s.value = nlohmann::json::parse(value, nullptr, false);
                if (s.value.is_discarded())
                    throw Error(ErrorKind::Internal, "clinic_payer_settings row " +
                                                         std::to_string(id) +
                                                         " holds a value that is not JSON");
                s.effective_from = parse_local_date(from, "effective_from");
                s.set_by = by;
                s.set_at = from_epoch(at);
                s.reason = reason;
                out.push_back(std::move(s));
            }
            return out;
        });
    }

    Id add_payer_setting(const core::billing::ClinicPayerSetting& s,
                         const core::AuditEvent& event) override {
        long long at = to_epoch(s.set_at);
        const std::string from = format_date(s.effective_from);
        const std::string value = s.value.dump();
        return in_write_transaction(db_, [&] {
            long long id = 0;
            db_.sql << "INSERT INTO clinic_payer_settings (payer, option_key, value_json, "
                       "effective_from, set_by, set_at, reason) VALUES (:p, :o, :v, " +
                           std::string(db_.pg() ? "CAST(:f AS date)" : ":f") + ", :b, " +
                           db_.ts("t") + ", :r) RETURNING id",
                soci::use(s.payer), soci::use(s.option), soci::use(value), soci::use(from),
                soci::use(s.set_by), soci::use(at), soci::use(s.reason), soci::into(id);
            core::AuditEvent e = event;
            e.object += " #" + std::to_string(id);
            append_audit(db_, e);
            return static_cast<Id>(id);
        });
    }

private:
    Database::Impl& db_;
};

}  // namespace

std::unique_ptr<core::billing::FeeRepository> fee_repository(Database& db) {
    return std::make_unique<FeeRepositoryImpl>(db.impl());
}

}  // namespace vertebra::db
