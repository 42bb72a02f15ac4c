#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/migration.h"
#include "storage/mysql/mysql_connection.h"

namespace cp::storage {

// SplitSqlStatements splits a migration script into its statements at the
// semicolons outside quotes and comments; comments and blank statements are
// dropped. (The connector runs one statement at a time.)
std::vector<std::string> SplitSqlStatements(absl::string_view script);

// ApplyMysqlMigrations applies every migration in `migrations` that
// schema_migrations (created here when missing) does not list yet, in
// version order, recording each once all its statements ran. It holds the
// server-wide lock `lock_name` (GET_LOCK) meanwhile, waiting for it at most
// `lock_timeout`, so that servers starting at once migrate one after the
// other. MySQL commits each DDL statement on its own; migrations are written
// to be re-runnable (IF NOT EXISTS) so that an interrupted one completes on
// the next run. FAILED_PRECONDITION when the database has a migration newer
// than any in `migrations` (a newer binary migrated it).
absl::Status ApplyMysqlMigrations(MysqlConnection& connection,
                                  const std::vector<Migration>& migrations,
                                  const std::string& lock_name, absl::Duration lock_timeout);

// ReadAppliedMysqlMigrations returns the versions schema_migrations lists,
// none when the table does not exist (error 1146); it creates and changes
// nothing.
absl::StatusOr<std::set<int>> ReadAppliedMysqlMigrations(MysqlConnection& connection);

}  // namespace cp::storage
