#include "server/store_factory.h"

#include <cerrno>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
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
      "unknown store scheme; use sqlite:PATH or mysql://USER@HOST[:PORT]/DATABASE");
}

}  // namespace cp::server
