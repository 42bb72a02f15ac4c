#include "storage/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/migration.h"

namespace cp::storage {

bool IsSqliteBusy(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

absl::Status SqliteStatus(sqlite3* db, int rc, absl::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat(what, ": ", detail);
  if (IsSqliteBusy(rc)) return absl::UnavailableError(message);
  switch (rc & 0xff) {
    case SQLITE_ERROR:
      if (absl::StartsWith(detail, "no such table")) {
        // A table is missing: the schema was not migrated (or was dropped).
        return absl::FailedPreconditionError(
            absl::StrCat(message, ": the schema is not migrated; ", kRunMigrationsHint));
      }
      return absl::InternalError(message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::FailedPreconditionError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace cp::storage
