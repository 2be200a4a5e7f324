// The desktop's opening of an older clinic database: the missing migrations are applied and the
// progress callback (the app's progress dialog) is told so, naming the schema versions.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "vertebra/db/database.hpp"
#include "vertebra/ui/desktop_session.hpp"

namespace vertebra::testing {
namespace {

namespace fs = std::filesystem;

TEST(OpenProgressTest, AnOlderDatabaseIsUpdatedAndTheProgressSaysSo) {
    char tmpl[] = "/tmp/vertebra-open-XXXXXX";
    const fs::path dir = mkdtemp(tmpl);
    const std::string file = (dir / "clinic.db").string();
    ui::DesktopOptions o;
    o.db_url = "sqlite:" + file;
    const LocalDate today = parse_local_date("2026-11-04");
    const int latest = db::Database::binary_schema_version(db::Backend::SQLite);
    { auto s = ui::open_clinic_session(o, today); }

    // The database as a Vertebra before migration 0012 left it.
    {
        soci::session raw(*soci::factory_sqlite3(), file);
        raw << "DROP TABLE clinic_payer_settings";
        raw << "DELETE FROM schema_version WHERE version = 12";
    }
    int before = 0;
    {
        auto db = db::Database::open(o.db_url);
        before = db->schema_version();
    }
    ASSERT_LT(before, latest);

    std::vector<std::pair<double, std::string>> heard;
    {
        auto s = ui::open_clinic_session(o, today, [&](double f, const std::string& what) {
            heard.emplace_back(f, what);
        });
        EXPECT_EQ(s.database->schema_version(), latest);
    }
    const std::string says = "Updating the clinic database from schema " + std::to_string(before) +
                             " to " + std::to_string(latest) + "...";
    ASSERT_EQ(heard.size(), 2u);
    EXPECT_EQ(heard[0], std::make_pair(0.0, says));
    EXPECT_EQ(heard[1], std::make_pair(1.0, says));
    {
        soci::session raw(*soci::factory_sqlite3(), file);
        int n = -1;
        raw << "SELECT count(*) FROM clinic_payer_settings", soci::into(n);
        EXPECT_EQ(n, 0);  // the table is back
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace vertebra::testing
