#include "storage/sqlite/sqlite_connection.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/sqlite/sqlite_status.h"

namespace cp::storage {
namespace {

// The prepared statement cache holds the store's fixed statements plus the
// most used list query shapes; filters can produce unboundedly many shapes,
// so further ones are prepared per use.
constexpr size_t kMaxCachedStatements = 128;

// QueryText returns the first column of the first row of `sql` as text.
absl::StatusOr<std::string> QueryText(SqliteConnection& connection, absl::string_view sql) {
  absl::StatusOr<SqliteStatement> statement = connection.Prepare(sql);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string();
  return std::string(statement->ColumnText(0));
}

}  // namespace

SqliteConnection::SqliteConnection(sqlite3* db) : db_(db) {}

SqliteConnection::~SqliteConnection() = default;

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, absl::Duration busy_timeout) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // The handle must be closed even when opening failed.
  auto connection = std::make_unique<SqliteConnection>(raw);
  if (rc != SQLITE_OK) return SqliteStatus(raw, rc, "opening the database");
  sqlite3_extended_result_codes(raw, 1);
  connection->SetBusyTimeout(busy_timeout);

  absl::StatusOr<std::string> mode = QueryText(*connection, "PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.status();
  if (absl::AsciiStrToLower(*mode) != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat("the database cannot use WAL journaling (journal_mode is ", *mode, ")"));
  }
  // case_sensitive_like makes LIKE prefix filters compare bytes, like every
  // other string comparison of the store (and like MySQL's binary collation).
  // Reads go through a shared memory map of the file rather than a pread per
  // page missing from each connection's cache; writes are unaffected.
  // temp_store=MEMORY keeps statement journals (of SAVEPOINTs and
  // multi-row statements) in memory instead of temporary files: they only
  // serve to undo a statement within its transaction, never for recovery,
  // so durability is unchanged. cache_size (in KiB when negative; the
  // default is 2 MiB) holds the pages a write transaction dirties: a batch
  // of interactions touches a few thousand index pages, which spill to the
  // WAL mid-transaction and are written twice when the cache is smaller.
  // Only the pages a connection uses take memory.
  if (absl::Status s = connection->Exec(
          "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA case_sensitive_like=ON; "
          "PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;");
      !s.ok()) {
    return s;
  }
  return connection;
}

absl::StatusOr<SqliteStatement> SqliteConnection::Prepare(absl::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) {
    return SqliteStatement(this, it->second.get(), /*owned=*/false);
  }
  bool cache = cache_.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db(), sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    NoteFailure(rc);
    return SqliteStatus(db(), rc, "preparing a statement");
  }
  if (!cache) return SqliteStatement(this, stmt, /*owned=*/true);
  cache_.emplace(std::string(sql), stmt);
  return SqliteStatement(this, stmt, /*owned=*/false);
}

absl::Status SqliteConnection::Exec(const std::string& sql) {
  int rc = sqlite3_exec(db(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return absl::OkStatus();
  NoteFailure(rc);
  return SqliteStatus(db(), rc, "executing SQL");
}

void SqliteConnection::SetBusyTimeout(absl::Duration timeout) {
  int64_t ms = absl::ToInt64Milliseconds(timeout);
  int clamped = static_cast<int>(std::clamp<int64_t>(ms, 0, std::numeric_limits<int>::max()));
  if (clamped == busy_timeout_ms_) return;
  sqlite3_busy_timeout(db(), clamped);
  busy_timeout_ms_ = clamped;
}

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db()) == 0; }

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db()); }

void SqliteConnection::NoteFailure(int rc) {
  if (IsSqliteBusy(rc)) busy_seen_ = true;
}

}  // namespace cp::storage
