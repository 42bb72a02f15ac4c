#include "storage/sqlite/sqlite_migrator.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace cp::storage {
namespace {

constexpr char kCreateVersionTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, "
    "name TEXT NOT NULL, applied_time INTEGER NOT NULL)";
constexpr absl::string_view kSelectVersion =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr absl::string_view kVersionTableExists =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr absl::string_view kSelectVersions = "SELECT version FROM schema_migrations";
constexpr absl::string_view kInsertVersion =
    "INSERT INTO schema_migrations (version, name, applied_time) VALUES (?1, ?2, ?3)";

absl::StatusOr<int64_t> CurrentVersion(SqliteConnection& connection) {
  absl::StatusOr<SqliteStatement> statement = connection.Prepare(kSelectVersion);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  return *row ? statement->ColumnInt64(0) : 0;
}

// ApplyOne applies `migration` unless the version is already there; the
// caller holds the write lock.
absl::Status ApplyOne(SqliteConnection& connection, const Migration& migration, absl::Time now) {
  absl::StatusOr<int64_t> version = CurrentVersion(connection);
  if (!version.ok()) return version.status();
  if (*version >= migration.version) return absl::OkStatus();
  if (absl::Status s = connection.Exec(migration.sql); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("migration ", migration.version, " (",
                                               migration.name, "): ", s.message()));
  }
  absl::StatusOr<SqliteStatement> insert = connection.Prepare(kInsertVersion);
  if (!insert.ok()) return insert.status();
  insert->BindInt64(1, migration.version);
  insert->BindText(2, migration.name);
  insert->BindInt64(3, absl::ToUnixMicros(now));
  return insert->Execute();
}

}  // namespace

absl::Status ApplySqliteMigrations(SqliteConnection& connection,
                                   const std::vector<Migration>& migrations, absl::Time now) {
  if (absl::Status s = connection.Exec(kCreateVersionTable); !s.ok()) return s;
  absl::StatusOr<int64_t> version = CurrentVersion(connection);
  if (!version.ok()) return version.status();
  int64_t newest = migrations.empty() ? 0 : migrations.back().version;
  if (*version > newest) {
    return absl::FailedPreconditionError(absl::StrCat("the database schema is at version ",
                                                      *version, ", newer than this binary knows (",
                                                      newest, ")"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= *version) continue;
    if (absl::Status s = connection.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status status = ApplyOne(connection, migration, now);
    if (status.ok()) status = connection.Exec("COMMIT");
    if (!status.ok()) {
      if (connection.InTransaction()) connection.Exec("ROLLBACK").IgnoreError();
      return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::set<int>> ReadAppliedSqliteMigrations(SqliteConnection& connection) {
  std::set<int> applied;
  absl::StatusOr<SqliteStatement> exists = connection.Prepare(kVersionTableExists);
  if (!exists.ok()) return exists.status();
  absl::StatusOr<bool> found = exists->Step();
  if (!found.ok()) return found.status();
  if (!*found) return applied;
  absl::StatusOr<SqliteStatement> versions = connection.Prepare(kSelectVersions);
  if (!versions.ok()) return versions.status();
  while (true) {
    absl::StatusOr<bool> row = versions->Step();
    if (!row.ok()) return row.status();
    if (!*row) return applied;
    applied.insert(static_cast<int>(versions->ColumnInt64(0)));
  }
}

}  // namespace cp::storage
