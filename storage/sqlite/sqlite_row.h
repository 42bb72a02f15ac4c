#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/sql/row.h"
#include "storage/sqlite/sqlite_statement.h"

namespace cp::storage {

// SqliteRow is the row a statement's last Step() returned, for the shared
// decoders. It refers to the statement and is valid until its next Step().
class SqliteRow final : public sql::SqlRow {
 public:
  explicit SqliteRow(const SqliteStatement& statement) : statement_(statement) {}

  int64_t GetInt64(int column) const override { return statement_.ColumnInt64(column); }
  std::string GetString(int column) const override {
    return std::string(statement_.ColumnBlob(column));
  }
  bool IsNull(int column) const override { return statement_.ColumnIsNull(column); }

 private:
  const SqliteStatement& statement_;
};

// ReadAll steps `statement` to its end and passes each row to `read`, which
// returns an absl::Status; the first failure ends it.
template <typename Read>
absl::Status ReadAll(SqliteStatement& statement, Read read) {
  while (true) {
    absl::StatusOr<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    if (absl::Status s = read(SqliteRow(statement)); !s.ok()) return s;
  }
}

// ReadOne steps `statement` once: nullopt when it has no row, else what
// `decode` makes of the row.
template <typename Decode>
auto ReadOne(SqliteStatement& statement, Decode decode)
    -> absl::StatusOr<std::optional<decltype(decode(SqliteRow(statement)))>> {
  absl::StatusOr<bool> row = statement.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return decode(SqliteRow(statement));
}

}  // namespace cp::storage
