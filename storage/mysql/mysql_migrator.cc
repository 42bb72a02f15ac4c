#include "storage/mysql/mysql_migrator.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cp::storage {
namespace {

constexpr absl::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INT NOT NULL PRIMARY KEY, "
    "name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
    "applied_time BIGINT NOT NULL"
    ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";
// ER_NO_SUCH_TABLE: schema_migrations does not exist yet.
constexpr int kNoSuchTable = 1146;
constexpr absl::string_view kSelectVersions = "SELECT version FROM schema_migrations";
constexpr absl::string_view kInsertVersion =
    "INSERT INTO schema_migrations (version, name, applied_time) VALUES (?, ?, ?)";

}  // namespace

std::vector<std::string> SplitSqlStatements(absl::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  auto flush = [&]() {
    std::string statement(absl::StripAsciiWhitespace(current));
    if (!statement.empty()) statements.push_back(std::move(statement));
    current.clear();
  };
  size_t i = 0;
  while (i < script.size()) {
    char c = script[i];
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      size_t end = script.find('\n', i);
      i = end == absl::string_view::npos ? script.size() : end + 1;
      current.push_back('\n');
    } else if (c == '#') {
      size_t end = script.find('\n', i);
      i = end == absl::string_view::npos ? script.size() : end + 1;
      current.push_back('\n');
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      size_t end = script.find("*/", i + 2);
      i = end == absl::string_view::npos ? script.size() : end + 2;
      current.push_back(' ');
    } else if (c == '\'' || c == '"' || c == '`') {
      size_t j = i + 1;
      while (j < script.size()) {
        if (script[j] == '\\' && c != '`' && j + 1 < script.size()) {
          j += 2;
        } else if (script[j] == c) {
          if (j + 1 < script.size() && script[j + 1] == c) {
            j += 2;  // a doubled quote stands for itself
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      size_t end = std::min(j + 1, script.size());
      current.append(script.data() + i, end - i);
      i = end;
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      current.push_back(c);
      ++i;
    }
  }
  flush();
  return statements;
}

absl::Status ApplyMysqlMigrations(MysqlConnection& connection,
                                  const std::vector<Migration>& migrations,
                                  const std::string& lock_name, absl::Duration lock_timeout) {
  int lock_result = -1;
  absl::Status status = connection.Call("take the migration lock", [&]() {
    ::sql::PreparedStatement& statement = connection.Prepare("SELECT GET_LOCK(?, ?)");
    statement.setString(1, lock_name);
    statement.setInt(2, static_cast<int>(std::ceil(absl::ToDoubleSeconds(lock_timeout))));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next() && !rows->isNull(1)) lock_result = rows->getInt(1);
  });
  if (!status.ok()) return status;
  if (lock_result != 1) {
    return absl::UnavailableError(absl::StrCat("another server held the migration lock '",
                                               lock_name, "' for longer than ",
                                               absl::FormatDuration(lock_timeout)));
  }
  absl::Cleanup release = [&]() {
    // On failure the connection closes, and the server releases the lock.
    if (!connection
             .Call("release the migration lock",
                   [&]() {
                     ::sql::PreparedStatement& statement =
                         connection.Prepare("SELECT RELEASE_LOCK(?)");
                     statement.setString(1, lock_name);
                     std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
                   })
             .ok()) {
      connection.MarkBroken();
    }
  };

  absl::flat_hash_set<int> applied;
  status = connection.Call("read schema_migrations", [&]() {
    connection.Execute(std::string(kCreateSchemaMigrations));
    std::unique_ptr<::sql::ResultSet> rows(
        connection.Prepare(std::string(kSelectVersions)).executeQuery());
    while (rows->next()) applied.insert(rows->getInt(1));
  });
  if (!status.ok()) return status;

  int newest_known = 0;
  for (const Migration& migration : migrations) {
    newest_known = std::max(newest_known, migration.version);
  }
  for (int version : applied) {
    if (version > newest_known) {
      return absl::FailedPreconditionError(absl::StrCat("the database has schema migration ",
                                                        version, ", newer than this binary knows (",
                                                        newest_known, "); upgrade the binary"));
    }
  }

  std::vector<const Migration*> pending;
  for (const Migration& migration : migrations) {
    if (!applied.contains(migration.version)) pending.push_back(&migration);
  }
  std::sort(pending.begin(), pending.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (const Migration* migration : pending) {
    std::vector<std::string> statements = SplitSqlStatements(migration->sql);
    for (size_t i = 0; i < statements.size(); ++i) {
      status = connection.Call(
          absl::StrCat("apply migration ", migration->name, " (statement ", i + 1, ")"),
          [&]() { connection.Execute(statements[i]); });
      if (!status.ok()) return status;
    }
    status = connection.Call(absl::StrCat("record migration ", migration->name), [&]() {
      ::sql::PreparedStatement& statement = connection.Prepare(std::string(kInsertVersion));
      statement.setInt(1, migration->version);
      statement.setString(2, migration->name);
      statement.setInt64(3, absl::ToUnixMicros(absl::Now()));
      statement.executeUpdate();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::set<int>> ReadAppliedMysqlMigrations(MysqlConnection& connection) {
  std::set<int> applied;
  absl::Status status = connection.Call("read schema_migrations", [&]() {
    std::unique_ptr<::sql::ResultSet> rows(
        connection.Prepare(std::string(kSelectVersions)).executeQuery());
    while (rows->next()) applied.insert(rows->getInt(1));
  });
  if (!status.ok() && connection.last_error_code() == kNoSuchTable) return std::set<int>();
  if (!status.ok()) return status;
  return applied;
}

}  // namespace cp::storage
