#pragma once

#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/migration.h"
#include "storage/sqlite/sqlite_connection.h"

namespace cp::storage {

// ApplySqliteMigrations brings the database behind `connection` to the
// newest of `migrations` (sorted by version): each pending migration runs in
// its own BEGIN IMMEDIATE transaction together with its schema_migrations
// row, re-checking inside the transaction whether another process applied it
// meanwhile, so concurrent starts are safe. FAILED_PRECONDITION when the
// database was migrated by a newer binary. `now` stamps applied_time.
absl::Status ApplySqliteMigrations(SqliteConnection& connection,
                                   const std::vector<Migration>& migrations, absl::Time now);

// ReadAppliedSqliteMigrations returns the versions schema_migrations lists,
// none when the table does not exist; it creates and changes nothing.
absl::StatusOr<std::set<int>> ReadAppliedSqliteMigrations(SqliteConnection& connection);

}  // namespace cp::storage
