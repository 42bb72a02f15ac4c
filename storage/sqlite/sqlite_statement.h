#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sql/filter_sql.h"

namespace cp::storage {

class SqliteConnection;

// SqliteStatement is one use of a prepared statement. Statements from a
// connection's cache are reset (and their bindings cleared) when the
// SqliteStatement goes away; uncached ones are finalized. Parameter indexes
// are 1-based, column indexes 0-based, as in SQLite. Bound text and blobs are
// not copied: they must outlive the last Step().
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection* connection, sqlite3_stmt* stmt, bool owned);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void BindText(int index, absl::string_view value);
  void BindBlob(int index, absl::string_view value);
  void BindInt64(int index, int64_t value);
  void BindNull(int index);

  // Step runs the statement to its next row: true when a row is available,
  // false when the statement is done.
  absl::StatusOr<bool> Step();
  // Execute runs a statement that returns no rows to completion.
  absl::Status Execute();
  // Reset makes the statement ready to run again; bindings stay until
  // rebound.
  void Reset();

  int64_t ColumnInt64(int column) const;
  bool ColumnIsNull(int column) const;
  // ColumnText and ColumnBlob point into the statement; valid until the
  // next Step().
  absl::string_view ColumnText(int column) const;
  absl::string_view ColumnBlob(int column) const;

 private:
  void Release();

  SqliteConnection* connection_;
  sqlite3_stmt* stmt_;
  bool owned_;
  // The first failed bind, reported by the next Step().
  int bind_error_ = SQLITE_OK;
};

// BindParams binds `params` (text or integers) to the statement's
// parameters from `first` on.
void BindParams(SqliteStatement& statement, const std::vector<sql::SqlParam>& params,
                int first = 1);

}  // namespace cp::storage
