// Lazily opened database and scheduler for vertebra-cli commands.
#include <iostream>

#include "cli.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::ui::cli {

db::Database& Context::database(bool migrated) {
    if (!db_) {
        if (db_url.empty()) db_url = db::default_database_url();
        try {
            db_ = db::Database::open(db_url);
        } catch (const Error& e) {
            // With --user on PostgreSQL the connection is that user's login: name a refused
            // login as such (exit 6), whichever command opened the database first.
            const std::string m = e.what();
            if (user.empty() || db_url.rfind("postgres", 0) != 0) throw;  // SQLite: no login
            if (m.find("password authentication failed") != std::string::npos ||
                m.find("not permitted to log in") != std::string::npos ||
                (m.find("does not exist") != std::string::npos &&
                 m.find("role") != std::string::npos))
                throw Error(ErrorKind::PermissionDenied,
                            "login failed: the database refused " + user +
                                " (wrong password, unknown or locked account)");
            if (e.kind() == ErrorKind::Unavailable)
                throw Error(ErrorKind::Unavailable,
                            m + "; if the server is up, the database refused the login of " +
                                user + " (wrong password, or the account is locked)");
            throw;
        }
        if (migrated) {
            // A local file is initialised or upgraded on first use (one workstation owns it);
            // a server database is not (that is `db init`, an administrator's step).
            if (db_->backend() == db::Backend::SQLite &&
                db_->schema_version() < db::Database::binary_schema_version(db_->backend()))
                db_->migrate();
            db_->require_current_schema();
        }
    }
    return *db_;
}

core::Scheduler& Context::scheduler() {
    if (!scheduler_) {
        // Booking, cancelling, moving, status changes and reading the book are checked and
        // audited as the signed-in user (--user), else as the login that opened the database
        // (actor(): "local:<os user>" on SQLite, the login role on PostgreSQL). Sign in first:
        // on PostgreSQL the connection is the user's.
        const core::Principal* who = &actor(*this);
        scheduler_ = std::make_unique<core::Scheduler>(database().scheduling());
        actor_audit_ = database().audit();
        scheduler_->set_actor(who, actor_audit_.get());
        // A disabled, failed or missing module's services cannot be booked. The plugins are
        // loaded only when a module's service is actually booked.
        scheduler_->set_service_guard(
            [this](const core::Service& s) { module_registry(*this, false).check_bookable(s); });
        // The module's contraindications and coverage limits, for module services only.
        scheduler_->set_booking_check(
            [this](const core::Service& s, const std::vector<core::Appointment>& occurrences) {
                if (s.module_id.empty()) return std::vector<core::BookingFinding>{};
                if (!booking_checks_) {
                    booking_assessments_ = database().assessments();
                    booking_care_team_ = database().notes();
                    booking_checks_ = std::make_unique<core::BookingChecks>(
                        module_registry(*this, false), database().scheduling(),
                        scheduler_->zone(),
                        core::latest_assessment_records(
                            *booking_assessments_, [this] { return &actor(*this); },
                            booking_care_team_.get()));
                    booking_checks_->set_payer_settings([this] {
                        return core::billing::PayerSettingTable(
                            db::fee_repository(database())->payer_settings());
                    });
                }
                return (*booking_checks_)(s, occurrences);
            });
    }
    return *scheduler_;
}

void Context::print_id(core::Id id) const {
    if (json)
        std::cout << nlohmann::json{{"id", id}}.dump() << "\n";
    else
        std::cout << id << "\n";
}

void Context::print_json(const nlohmann::json& j) const { std::cout << j.dump(2) << "\n"; }

}  // namespace vertebra::ui::cli
