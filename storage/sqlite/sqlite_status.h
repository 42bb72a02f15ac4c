#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace cp::storage {

// IsSqliteBusy tells whether a SQLite result code (primary or extended)
// means another connection holds a lock we need.
bool IsSqliteBusy(int rc);

// SqliteStatus turns a failed SQLite result code into a canonical status:
// BUSY/LOCKED -> UNAVAILABLE, a UNIQUE or PRIMARY KEY constraint ->
// ALREADY_EXISTS, FULL -> RESOURCE_EXHAUSTED, CANTOPEN/IOERR -> UNAVAILABLE,
// anything else -> INTERNAL. `what` names the operation. The message carries
// SQLite's own text, which names tables and columns but never bound values.
absl::Status SqliteStatus(sqlite3* db, int rc, absl::string_view what);

}  // namespace cp::storage
