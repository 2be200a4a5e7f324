// Connection profiles: the URL for a local file or a PostgreSQL server, and back again.
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/db/database.hpp"
#include "vertebra/ui/connection_profile.hpp"

using namespace vertebra;
using namespace vertebra::ui;

namespace {

TEST(ConnectionProfileTest, LocalFileBecomesASqliteUrl) {
    ConnectionProfile p;
    p.sqlite_path = "/home/desk/clinic.db";
    EXPECT_EQ(connection_url(p), "sqlite:/home/desk/clinic.db");
    p.sqlite_path.clear();
    try {
        connection_url(p);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "file");
    }
}

TEST(ConnectionProfileTest, ServerProfileRoundTripsThroughTheDatabaseUrlParser) {
    ConnectionProfile p;
    p.local = false;
    p.host = "db.clinic.lan";
    p.port = 6543;
    p.database = "vertebra_main";
    p.user = "frontdesk";
    p.tls = TlsMode::Require;
    const std::string url = connection_url(p);
    EXPECT_EQ(url, "postgresql://frontdesk@db.clinic.lan:6543/vertebra_main?sslmode=require");
    const auto parsed = db::DatabaseUrl::parse(url);
    EXPECT_EQ(parsed.backend, db::Backend::PostgreSQL);
    const auto back = profile_from_url(url);
    EXPECT_FALSE(back.local);
    EXPECT_EQ(back.host, "db.clinic.lan");
    EXPECT_EQ(back.port, 6543);
    EXPECT_EQ(back.database, "vertebra_main");
    EXPECT_EQ(back.user, "frontdesk");
    EXPECT_EQ(back.tls, TlsMode::Require);
}

struct BadField {
    const char* field;
    ConnectionProfile profile;
};

class ConnectionProfileInvalidTest : public ::testing::TestWithParam<BadField> {};

TEST_P(ConnectionProfileInvalidTest, NamesTheField) {
    try {
        connection_url(GetParam().profile);
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), GetParam().field);
    }
}

ConnectionProfile server(std::string host, int port, std::string db, std::string user) {
    ConnectionProfile p;
    p.local = false;
    p.host = std::move(host);
    p.port = port;
    p.database = std::move(db);
    p.user = std::move(user);
    return p;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ConnectionProfileInvalidTest,
    ::testing::Values(BadField{"host", server("", 5432, "v", "u")},
                      BadField{"host", server("bad host", 5432, "v", "u")},
                      BadField{"port", server("h", 0, "v", "u")},
                      BadField{"port", server("h", 70000, "v", "u")},
                      BadField{"database", server("h", 5432, "", "u")},
                      BadField{"user", server("h", 5432, "v", "")},
                      BadField{"user", server("h", 5432, "v", "a@b")}));

}  // namespace
