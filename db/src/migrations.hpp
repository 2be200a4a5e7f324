// The SQL migrations embedded in the binary (generated from db/migrations/ at build time).
#pragma once

#include <vector>

namespace vertebra::db {

struct Migration {
    const char* backend;  ///< "sqlite" or "postgresql"
    int version;
    const char* name;
    const char* sql;
};

const std::vector<Migration>& embedded_migrations();

}  // namespace vertebra::db
