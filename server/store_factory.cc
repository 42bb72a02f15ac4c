#include "server/store_factory.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "storage/mysql/mysql_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::server {

absl::StatusOr<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == EACCES) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot read mysql password file ", path, ": permission denied"));
    }
    return absl::NotFoundError(absl::StrCat("cannot open mysql password file ", path));
  }
  std::string password;
  std::getline(in, password);
  absl::string_view trimmed = password;
  absl::ConsumeSuffix(&trimmed, "\r");
  return std::string(trimmed);
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const StoreSettings& settings) {
  absl::string_view uri = settings.uri;
  if (uri == "memory:") {
    // An ordinary SQLite database (WAL, the same semantics as sqlite:) in a
    // file of its own on tmpfs, removed when the store closes; only a
    // process killed outright leaves it behind.
    std::error_code error;
    std::filesystem::path folder = "/dev/shm";
    if (!std::filesystem::is_directory(folder, error) || access(folder.c_str(), W_OK) != 0) {
      folder = std::filesystem::temp_directory_path(error);
    }
    storage::SqliteStoreOptions options;
    options.path = (folder / absl::StrCat("cp-memory-", getpid(), "-",
                                          absl::ToUnixNanos(absl::Now()) % 1000000000, ".db"))
                       .string();
    options.pool_size = settings.sqlite_pool_size;
    options.profile_cache_bytes = settings.sqlite_profile_cache_bytes;
    options.remove_on_close = true;
    return storage::OpenSqliteStore(options);
  }
  if (absl::ConsumePrefix(&uri, "sqlite:")) {
    if (uri.empty()) {
      return absl::InvalidArgumentError("store sqlite: needs a file path, e.g. sqlite:./var/p.db");
    }
    storage::SqliteStoreOptions options;
    options.path = std::string(uri);
    options.pool_size = settings.sqlite_pool_size;
    options.profile_cache_bytes = settings.sqlite_profile_cache_bytes;
    return storage::OpenSqliteStore(options);
  }
  if (absl::StartsWith(uri, "mysql://")) {
    absl::StatusOr<storage::MysqlStoreOptions> options = storage::ParseMysqlUri(uri);
    if (!options.ok()) return options.status();
    if (!settings.mysql_password_file.empty()) {
      absl::StatusOr<std::string> password = ReadPasswordFile(settings.mysql_password_file);
      if (!password.ok()) return password.status();
      options->password = *std::move(password);
    } else if (!settings.mysql_password.empty()) {
      options->password = settings.mysql_password;
    }
    return storage::OpenMysqlStore(*options);
  }
  return absl::InvalidArgumentError(
      "unknown store scheme; use sqlite:PATH, memory: or mysql://USER@HOST[:PORT]/DATABASE");
}

}  // namespace cp::server
