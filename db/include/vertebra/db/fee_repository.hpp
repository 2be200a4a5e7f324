// The clinic's fee overrides on a clinic database (table clinic_fees, migration 0007).
#pragma once

#include <memory>

#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/db/database.hpp"

namespace vertebra::db {

/// The clinic's fee overrides on `db`'s connection (fee_repository.cpp). Each add() writes the
/// row and its audit entry in one transaction. On PostgreSQL only vertebra_owner may insert;
/// every clinic role may read.
std::unique_ptr<core::billing::FeeRepository> fee_repository(Database& db);

}  // namespace vertebra::db
