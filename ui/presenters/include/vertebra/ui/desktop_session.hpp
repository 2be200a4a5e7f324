// Starting the desktop app without wx: its command line, and opening (and demo-seeding) the clinic.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/db/database.hpp"
#include "vertebra/demo/demo_seed.hpp"
#include "vertebra/plugins/booking_checks.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/scheduler.hpp"
#include "vertebra/ui/calendar_layout.hpp"
#include "vertebra/ui/record_services.hpp"

namespace vertebra::ui {

struct DesktopOptions {
    std::string db_url;              ///< --db URL; empty = see resolved_db_url()
    bool demo = false;               ///< --demo: the embedded demo clinic, seeded on first run
    std::string screenshot;          ///< --screenshot FILE: save the main window after first paint
    bool test_mode = false;          ///< --test-mode: no modal dialogs, asserts fail the run
    std::optional<LocalDate> today;  ///< --today YYYY-MM-DD: pin "today" (tests, screenshots)
    std::optional<CalendarMode> view;  ///< --view day|week
    std::vector<std::string> plugin_dirs;  ///< --plugin-dir DIR (repeatable), searched first
    /// --bench: print gui_cold_start_ms, calendar_repaint_ms, gui_rss_mb (`name value unit`
    /// lines) once the calendar is interactive, then exit. No sign-in, no dialogs.
    bool bench = false;
    bool help = false;               ///< --help
};

/// Parses the arguments after the program name. Throws Error(Invalid) naming the option.
DesktopOptions parse_desktop_options(const std::vector<std::string>& args);
std::string desktop_usage();

/// `--db` if given; else for --demo the XDG SQLite file; else db::default_database_url().
std::string resolved_db_url(const DesktopOptions& o);

/// An open clinic: the connection, the therapy modules and the scheduler over them. Members are
/// destroyed bottom-up: scheduler, registry, settings, plugin host, then the connection.
struct ClinicSession {
    std::unique_ptr<db::Database> database;
    std::unique_ptr<core::PluginHost> plugins;
    std::unique_ptr<core::ModuleSettingsRepository> module_settings;
    std::unique_ptr<core::ModuleRegistry> modules;  ///< its service guard refuses disabled modules
    /// Booking-time contraindication and coverage checks of module services (scheduler's).
    std::unique_ptr<core::plans::AssessmentRepository> booking_assessments;
    std::unique_ptr<core::NoteRepository> booking_care_team;  ///< care-team lookups of the checks
    /// The signed-in user (set_session_user); shared with the booking checks, which outlive a
    /// move of the session.
    std::shared_ptr<const core::Principal*> user =
        std::make_shared<const core::Principal*>(nullptr);
    std::unique_ptr<core::BookingChecks> booking_checks;
    std::unique_ptr<core::Scheduler> scheduler;
    /// Plans, outcomes, notes, users and audit on the same connection (destroyed first).
    std::unique_ptr<RecordServices> record;
    bool demo = false;
    bool seeded_now = false;  ///< the demo clinic was created by this start
    core::DemoSeedReport seed;
    DemoRecordReport record_seed;  ///< the demo clinic's plans, scores and notes (first run)
    std::string display;      ///< where the data lives, for the title/status bar (no password)
    core::SchedulingRepository& repo() { return database->scheduling(); }
};

/// How far a long step of opening is (0..1) and what it is, for a progress dialog.
using OpenProgress = std::function<void(double fraction, const std::string& what)>;

/// Opens the database, applies missing migrations and, for --demo on an empty database, seeds the
/// small demo clinic around `seed_today`. Throws Error (Unavailable, Invalid) with a sentence.
/// `progress` hears of the long steps: updating an older database's schema ("Updating the clinic
/// database from schema 7 to 12...") and seeding the demo clinic.
ClinicSession open_clinic_session(const DesktopOptions& o, LocalDate seed_today,
                                  const OpenProgress& progress = {});

/// The signed-in user of the desktop (null: nobody, e.g. the main window closed): the scheduler
/// and the plan service check and audit as `who`. `who` must outlive its use; clear it first.
void set_session_user(ClinicSession& s, const core::Principal* who);

/// Today's date on this computer's clock and zone.
LocalDate local_today();

}  // namespace vertebra::ui
