#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace cp::storage {

// SqliteStoreOptions configures the embedded store.
struct SqliteStoreOptions {
  // The database file; its folder is created when missing.
  std::string path;
  // Connections kept open (one per concurrent transaction).
  int pool_size = 4;
  // How long a writer waits for the write lock at most (capped by the
  // call's deadline).
  absl::Duration busy_timeout = absl::Seconds(5);
};

// OpenSqliteStore opens (creating when missing) a SQLite database in WAL
// mode with synchronous=FULL, so that a committed transaction is durable.
// Writes use BEGIN IMMEDIATE. Call Migrate() before use.
// Store::Run waits for a free connection until the call's deadline, and for
// the write lock until the deadline or busy_timeout, whichever comes first;
// running out of either is UNAVAILABLE (never RESOURCE_EXHAUSTED), since the
// wait may well succeed when retried. A read-only transaction rejects writes
// with FAILED_PRECONDITION.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

}  // namespace cp::storage
