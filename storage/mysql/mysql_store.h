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
  absl::Duration connect_timeout = absl::Seconds(5);
  // Retries of a transaction that hit a deadlock or lock wait timeout.
  int max_retries = 4;
};

// ParseMysqlUri parses "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE" and
// "mysql://USER@localhost/DATABASE?socket=/path/mysqld.sock" (also
// pool_size=N). INVALID_ARGUMENT on malformed input; the message never
// contains the password.
absl::StatusOr<MysqlStoreOptions> ParseMysqlUri(absl::string_view uri);

// OpenMysqlStore connects (failing fast with a clear error on a wrong
// password or unknown database) and returns the store. Call Migrate()
// before use.
absl::StatusOr<std::unique_ptr<Store>> OpenMysqlStore(const MysqlStoreOptions& options);

}  // namespace cp::storage
