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
  // With more than 0, the store keeps up to this many bytes of profile rows
  // in a ProfileCache (Store::profile_cache) and, so that no other store
  // can write behind the cache's back, holds an exclusive lock (flock) on
  // the database file while it is open. Without a cache the store holds a
  // shared lock: stores without a cache share a file, but a store with one
  // and any other store on the same file exclude each other (the one opened
  // second fails with FAILED_PRECONDITION). Tools that open the file
  // without this store (the sqlite3 shell) must only read it meanwhile.
  size_t profile_cache_bytes = 0;
  // The store removes its files (the database, -wal and -shm) when it is
  // destroyed: for a throw-away database such as --store=memory:.
  bool remove_on_close = false;
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
