#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/sqlite/sqlite_statement.h"

namespace cp::storage {

// SqliteConnection is one open database handle with its prepared statement
// cache. It is used by one thread at a time (the pool hands it out).
class SqliteConnection {
 public:
  // Open opens (creating when missing) the database at `path` and applies
  // the settings every connection needs: WAL journal, synchronous=FULL (a
  // committed transaction survives power loss), foreign_keys=ON,
  // case-sensitive LIKE, memory-mapped reads, statement journals in memory
  // and busy_timeout.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                                absl::Duration busy_timeout);

  // SqliteConnection takes ownership of an open handle; use Open().
  explicit SqliteConnection(sqlite3* db);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Prepare returns `sql` as a statement, prepared once per connection and
  // cached (up to a bound; statements beyond it are prepared per use).
  absl::StatusOr<SqliteStatement> Prepare(absl::string_view sql);

  // Exec runs one or more statements without parameters, such as a
  // migration script.
  absl::Status Exec(const std::string& sql);

  // SetBusyTimeout sets how long a statement waits for a lock held by
  // another connection before failing with SQLITE_BUSY.
  void SetBusyTimeout(absl::Duration timeout);

  // InTransaction tells whether a transaction is open on this connection.
  bool InTransaction() const;

  // Changes returns the rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;

  // NoteFailure records a failed result code; BusySeen tells whether one
  // since ClearBusy meant a lock was held elsewhere, i.e. the transaction
  // may succeed when retried.
  void NoteFailure(int rc);
  void ClearBusy() { busy_seen_ = false; }
  bool BusySeen() const { return busy_seen_; }

  sqlite3* db() const { return db_.get(); }

 private:
  struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  struct FinalizeStmt {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };

  // Declared before the cache, so statements are finalized first.
  std::unique_ptr<sqlite3, CloseDb> db_;
  absl::flat_hash_map<std::string, std::unique_ptr<sqlite3_stmt, FinalizeStmt>> cache_;
  int busy_timeout_ms_ = -1;
  bool busy_seen_ = false;
};

// RunStatement prepares `sql`, lets `bind` bind its parameters and runs it.
template <typename Bind>
absl::Status RunStatement(SqliteConnection& connection, absl::string_view sql, Bind bind) {
  absl::StatusOr<SqliteStatement> statement = connection.Prepare(sql);
  if (!statement.ok()) return statement.status();
  bind(*statement);
  return statement->Execute();
}

}  // namespace cp::storage
