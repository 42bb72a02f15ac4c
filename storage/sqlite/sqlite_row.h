#pragma once

#include <cstdint>
#include <string>

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

}  // namespace cp::storage
