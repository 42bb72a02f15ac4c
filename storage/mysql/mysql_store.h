#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace cp::storage {

// MysqlStoreOptions configures the MySQL/MariaDB store.
struct MysqlStoreOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  // When set, connect over this Unix socket instead of TCP.
  std::string unix_socket;
  std::string user;
  std::string password;
  std::string database;
  // Connections kept at most; borrowers wait (up to their deadline) when all
  // are in use.
  int pool_size = 8;
  // Bounds connecting (also capped by the call's deadline).
  absl::Duration connect_timeout = absl::Seconds(5);
  // Bounds each network read and write on a connection, so that a server
  // that stops answering cannot hang a call. Kept above lock_wait_timeout.
  absl::Duration io_timeout = absl::Seconds(30);
  // The longest a statement waits for a row or metadata lock
  // (innodb_lock_wait_timeout and lock_wait_timeout, whole seconds);
  // shortened to what is left of the call's deadline.
  absl::Duration lock_wait_timeout = absl::Seconds(10);
  // Retries of a transaction that hit a deadlock or lock wait timeout.
  int max_retries = 4;
  // How long Migrate waits for another server's migration (GET_LOCK).
  absl::Duration migration_lock_timeout = absl::Seconds(60);
};

// ParseMysqlUri parses "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE" and
// "mysql://USER@localhost/DATABASE?socket=/path/mysqld.sock" (also
// pool_size=N). INVALID_ARGUMENT on malformed input; the message never
// contains the password.
absl::StatusOr<MysqlStoreOptions> ParseMysqlUri(absl::string_view uri);

// OpenMysqlStore connects (failing fast with a clear one-line error on a
// wrong password or unknown database: FAILED_PRECONDITION; UNAVAILABLE when
// the server cannot be reached) and returns the store. Call Migrate() before
// use.
//
// The store keeps a bounded pool of Connector/C++ connections, one borrower
// each. Transactions run at READ COMMITTED (each statement sees the latest
// committed rows, so a request_id or external id taken by a concurrent
// transaction is visible to the re-read that follows a duplicate key);
// updates lock the row (SELECT ... FOR UPDATE) before checking its revision.
// Deadlocks and lock wait timeouts re-run the transaction up to max_retries
// times with jittered backoff, then fail with ABORTED (UNAVAILABLE when the
// call's deadline ran out). A lost connection is discarded and the call
// fails with UNAVAILABLE; the next call reconnects. Binary logging, when
// enabled, must be ROW or MIXED (READ COMMITTED requires it).
absl::StatusOr<std::unique_ptr<Store>> OpenMysqlStore(const MysqlStoreOptions& options);

}  // namespace cp::storage
