#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace cp::server {

// StoreSettings says which database the server uses.
struct StoreSettings {
  // "sqlite:PATH" or "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?...]".
  std::string uri;
  // A file holding the MySQL password; wins over `mysql_password` and over a
  // password inside the URI.
  std::string mysql_password_file;
  // The MySQL password from the environment; wins over one in the URI.
  std::string mysql_password;
  // Connections of a SQLite store.
  int sqlite_pool_size = 4;
  // Bytes of profile rows a SQLite store caches; more than 0 also locks the
  // database file against other processes (SqliteStoreOptions).
  size_t sqlite_profile_cache_bytes = 0;
};

// ReadPasswordFile returns the first line of the file at `path` (without the
// line break). NOT_FOUND or PERMISSION_DENIED naming the path when it cannot
// be read; the message never contains the password.
absl::StatusOr<std::string> ReadPasswordFile(const std::string& path);

// OpenStore opens the store `settings.uri` names: OpenSqliteStore for
// "sqlite:PATH", OpenMysqlStore for "mysql://...". INVALID_ARGUMENT for an
// unknown scheme. The store is not migrated yet.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const StoreSettings& settings);

}  // namespace cp::server
