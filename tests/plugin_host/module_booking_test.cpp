// Disabling a module refuses booking its services, and the choice survives a restart (SQLite).
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "acting_owner.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/db/database.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::core {
namespace {

namespace fs = std::filesystem;

/// One "process": a connection, a plugin host over the good fixture, a registry, a scheduler.
struct App {
    explicit App(const std::string& url) : db(db::Database::open(url)) {
        db->migrate();
        PluginHostOptions o;
        o.default_dirs = false;
        o.dirs = {fs::path(VERTEBRA_FIXTURE_DIR) / "good"};
        host = std::make_unique<PluginHost>(o);
        host->load();
        settings = db->module_settings();
        registry = std::make_unique<ModuleRegistry>(*host, settings.get());
        registry->sync();
        scheduler = std::make_unique<Scheduler>(db->scheduling(), [] { return from_epoch(1790000000); });
        scheduler->set_service_guard([this](const Service& s) { registry->check_bookable(s); });
    }
    std::unique_ptr<db::Database> db;
    std::unique_ptr<PluginHost> host;
    std::unique_ptr<ModuleSettingsRepository> settings;
    std::unique_ptr<ModuleRegistry> registry;
    std::unique_ptr<Scheduler> scheduler;
};

class ModuleBookingTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A directory of its own: ctest runs these tests as parallel processes, and a name
        // derived from gtest's random seed (the clock) was shared by two of them in CI.
        std::string tmpl = (fs::temp_directory_path() / "vertebra_module_booking_XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
        dir_ = tmpl;
        url_ = "sqlite:" + (dir_ / "clinic.db").string();
        App app(url_);
        auto& repo = app.db->scheduling();
        Practitioner p;
        p.name = "Ada Park";
        p.disciplines = {"physical_therapy"};
        p.hours = parse_weekly_hours("Mon-Fri 08:00-18:00");
        prac_ = repo.add_practitioner(p);
        patient_ = repo.add_patient(Patient{0, "Tom Reed", {}, "", ""});
        fixture_service_ = repo.add_service(Service{0, "Fixture session", 30, "physical_therapy", {}, "good"});
        core_service_ = repo.add_service(Service{0, "PT session", 30, "physical_therapy", {}, ""});
        gone_service_ = repo.add_service(Service{0, "Reiki", 30, "physical_therapy", {}, "reiki"});
    }
    void TearDown() override { fs::remove_all(dir_); }

    BookingRequest at(const char* start, Id service) const {
        BookingRequest r;
        r.patient_id = patient_;
        r.practitioner_id = prac_;
        r.service_id = service;
        r.start = parse_local_datetime(start);
        return r;
    }

    fs::path dir_;
    std::string url_;
    Id prac_ = 0, patient_ = 0, fixture_service_ = 0, core_service_ = 0, gone_service_ = 0;
};

TEST_F(ModuleBookingTest, DisabledModuleServiceIsRefusedAndTheChoiceSurvivesARestart) {
    {
        App app(url_);
        EXPECT_EQ(app.scheduler->book(at("2026-09-22T09:00", fixture_service_)).size(), 1u);
        ASSERT_TRUE(app.registry->set_enabled(owner("owner"), "good", false, from_epoch(1790000000)));
        try {
            app.scheduler->book(at("2026-09-22T10:00", fixture_service_));
            FAIL() << "booked a service of a disabled module";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Conflict);
            EXPECT_STREQ(e.what(), "cannot book \"Fixture session\": module good is disabled "
                                   "(enable it with `modules enable good`)");
        }
        EXPECT_EQ(app.scheduler->book(at("2026-09-22T11:00", core_service_)).size(), 1u)
            << "core services stay bookable";
    }
    {
        App restarted(url_);
        EXPECT_EQ(restarted.registry->status("good").state, ModuleState::Disabled);
        EXPECT_THROW(restarted.scheduler->book(at("2026-09-22T10:00", fixture_service_)), Error);
        ASSERT_TRUE(restarted.registry->set_enabled(owner("owner"), "good", true, from_epoch(1790000100)));
        EXPECT_EQ(restarted.scheduler->book(at("2026-09-22T10:00", fixture_service_)).size(), 1u);
        EXPECT_EQ(restarted.settings->audit("good").size(), 2u);
    }
}

TEST_F(ModuleBookingTest, ServiceOfAModuleThatIsNotInstalledIsRefused) {
    App app(url_);
    try {
        app.scheduler->book(at("2026-09-22T09:00", gone_service_));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_STREQ(e.what(), "cannot book \"Reiki\": module reiki is not installed");
    }
}

}  // namespace
}  // namespace vertebra::core
