#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cp::storage {

// Migration is one versioned schema change, embedded at build time from
// storage/<dialect>/migrations/NNNN_name.sql.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// SqliteMigrations returns the SQLite migrations in version order.
const std::vector<Migration>& SqliteMigrations();
// MysqlMigrations returns the MySQL/MariaDB migrations in version order.
const std::vector<Migration>& MysqlMigrations();

// kRunMigrationsHint tells an operator how to create a missing schema; it
// ends the message of every error that a missing schema causes.
inline constexpr absl::string_view kRunMigrationsHint =
    "run profile-server with --migrate=only (or auto)";

// CheckMigrationsApplied returns OK when `applied` (the versions recorded in
// the database) holds every migration of `known`, else FAILED_PRECONDITION
// "schema not migrated: <store> ...; run ... --migrate=only (or auto)"
// naming the missing migrations; also FAILED_PRECONDITION when `applied`
// has a version newer than any of `known`, as Migrate refuses it: a binary
// never writes to a schema it does not know.
absl::Status CheckMigrationsApplied(absl::string_view store, const std::vector<Migration>& known,
                                    const std::set<int>& applied);

}  // namespace cp::storage
