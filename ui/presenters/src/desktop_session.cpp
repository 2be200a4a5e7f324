// Desktop app start-up: command line, database opening, migrations and the demo clinic seed.
#include "vertebra/ui/desktop_session.hpp"

#include <chrono>

#include "vertebra/common/error.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::ui {

void set_session_user(ClinicSession& s, const core::Principal* who) {
    // Both without a record (no audit log to write to) would check without auditing: refuse to
    // act as anyone then.
    if (!s.record) who = nullptr;
    *s.user = who;
    core::AuditRepository* audit = who ? s.record->audit.get() : nullptr;
    if (s.scheduler) s.scheduler->set_actor(who, audit);
    if (s.record && s.record->plan_service)
        s.record->plan_service->set_actor(who, audit, who ? s.record->notes.get() : nullptr);
}

DesktopOptions parse_desktop_options(const std::vector<std::string>& args) {
    DesktopOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const std::string& name) -> std::string {
            const auto eq = a.find('=');
            if (eq != std::string::npos) return a.substr(eq + 1);
            if (i + 1 >= args.size()) throw invalid(name, "needs a value");
            return args[++i];
        };
        auto is = [&](const char* name) {
            return a == name || a.rfind(std::string(name) + "=", 0) == 0;
        };
        if (is("--db")) {
            o.db_url = value("--db");
            if (o.db_url.empty()) throw invalid("--db", "needs a database URL");
        } else if (a == "--demo") {
            o.demo = true;
        } else if (is("--screenshot")) {
            o.screenshot = value("--screenshot");
            if (o.screenshot.empty()) throw invalid("--screenshot", "needs a file name");
        } else if (is("--plugin-dir")) {
            o.plugin_dirs.push_back(value("--plugin-dir"));
        } else if (a == "--bench") {
            o.bench = true;
        } else if (a == "--test-mode") {
            o.test_mode = true;
        } else if (is("--today")) {
            o.today = parse_local_date(value("--today"), "--today");
        } else if (is("--view")) {
            const std::string v = value("--view");
            if (v == "day")
                o.view = CalendarMode::Day;
            else if (v == "week")
                o.view = CalendarMode::Week;
            else
                throw invalid("--view", "must be day or week, not '" + v + "'");
        } else if (a == "--help" || a == "-h") {
            o.help = true;
        } else {
            throw invalid(a, "is not an option of vertebra (see vertebra --help)");
        }
    }
    return o;
}

std::string desktop_usage() {
    return "Usage: vertebra [--db URL] [--demo] [--view day|week] [--today YYYY-MM-DD]\n"
           "                [--plugin-dir DIR]... [--screenshot FILE] [--bench] [--test-mode]\n"
           "  --db URL           sqlite:PATH or postgresql://user@host:port/dbname\n"
           "                     (default: $VERTEBRA_DB, else ~/.local/share/vertebra/clinic.db)\n"
           "  --demo             open the embedded demo clinic, creating it on first run\n"
           "  --view day|week    calendar view to open\n"
           "  --today DATE       treat DATE as today\n"
           "  --plugin-dir DIR   also look for therapy modules in DIR (before the default places)\n"
           "  --screenshot FILE  save the main window as PNG after it is drawn, then exit\n"
           "  --bench            print start-up time, calendar repaint time and memory, then exit\n"
           "  --test-mode        for automated tests: no modal dialogs, asserts fail the run\n";
}

std::string resolved_db_url(const DesktopOptions& o) {
    if (!o.db_url.empty()) return o.db_url;
    if (o.demo) return "sqlite:" + db::default_sqlite_path();
    return db::default_database_url();
}

ClinicSession open_clinic_session(const DesktopOptions& o, LocalDate seed_today,
                                  const OpenProgress& progress) {
    ClinicSession s;
    s.demo = o.demo;
    s.database = db::Database::open(resolved_db_url(o));
    s.display = s.database->url().display;
    // An older clinic database is brought up to this version's schema: on a large PostgreSQL
    // clinic a migration that rebuilds an index takes a while, so say so.
    const int have = s.database->schema_version();
    const int want = db::Database::binary_schema_version(s.database->backend());
    const std::string updating = "Updating the clinic database from schema " +
                                 std::to_string(have) + " to " + std::to_string(want) + "...";
    if (progress && have > 0 && have < want) progress(0.0, updating);
    s.database->migrate();
    if (progress && have > 0 && have < want) progress(1.0, updating);
    if (o.demo && s.database->scheduling().practitioners().empty()) {
        std::function<void(double)> seeding;
        if (progress) seeding = [&progress](double f) { progress(f, "Creating the demo clinic..."); };
        s.seed = core::seed_demo_clinic(s.database->scheduling(), core::DemoScale::Small,
                                        seed_today, seeding);
        s.seeded_now = true;
    }
    // Therapy modules: a broken plugin is a state with a reason, never a failed start.
    core::PluginHostOptions plugin_options;
    for (const auto& d : o.plugin_dirs) plugin_options.dirs.emplace_back(d);
    s.plugins = std::make_unique<core::PluginHost>(std::move(plugin_options));
    s.plugins->load();
    s.module_settings = s.database->module_settings();
    s.modules = std::make_unique<core::ModuleRegistry>(*s.plugins, s.module_settings.get());
    s.modules->sync();
    s.scheduler = std::make_unique<core::Scheduler>(s.database->scheduling());
    core::ModuleRegistry* modules = s.modules.get();
    s.scheduler->set_service_guard(
        [modules](const core::Service& service) { modules->check_bookable(service); });
    s.booking_assessments = s.database->assessments();
    s.booking_care_team = s.database->notes();
    // Read as the signed-in user (front desk, or a therapist off the care team, gets "not
    // checked" rather than a check against a record it may not read).
    s.booking_checks = std::make_unique<core::BookingChecks>(
        *s.modules, s.database->scheduling(), s.scheduler->zone(),
        core::latest_assessment_records(
            *s.booking_assessments, [user = s.user] { return *user; },
            s.booking_care_team.get()));
    // The owner's payer settings, read at each check (they may change while the app runs).
    s.booking_checks->set_payer_settings([db = s.database.get()] {
        return core::billing::PayerSettingTable(db::fee_repository(*db)->payer_settings());
    });
    s.scheduler->set_booking_check(
        [checks = s.booking_checks.get()](const core::Service& service,
                                          const std::vector<core::Appointment>& occurrences) {
            return (*checks)(service, occurrences);
        });
    s.record = std::make_unique<RecordServices>(*s.database, *s.scheduler, *s.modules);
    // The demo clinic's clinical side (also for a demo database made before it existed).
    if (o.demo && !s.record->users->any_users())
        s.record_seed = seed_demo_record(*s.record, seed_today);
    return s;
}

LocalDate local_today() {
    const auto now = std::chrono::system_clock::now();
    try {
        const auto local = date::current_zone()->to_local(now);
        return date::floor<date::days>(local);
    } catch (const std::exception&) {
        // No zone configured on this machine: UTC is the honest fallback.
        return LocalDate{date::floor<date::days>(now).time_since_epoch()};
    }
}

}  // namespace vertebra::ui
