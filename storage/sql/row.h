#pragma once

#include <cstdint>
#include <string>

namespace cp::storage::sql {

// SqlRow is the current row of a result, whatever the driver: the shared
// decoders (profile_rows.h, consent_rows.h, suppression_rows.h) read rows
// through it, so that a record is decoded from a row once for every
// dialect. Column indexes are 0-based. Each backend adapts its own result
// type (SqliteRow, MysqlRow); a backend whose driver throws reads rows only
// where its exceptions are caught.
class SqlRow {
 public:
  virtual ~SqlRow() = default;

  // GetInt64 returns the column as an integer (0 for NULL).
  virtual int64_t GetInt64(int column) const = 0;
  // GetString returns the column's bytes, text or blob ("" for NULL).
  virtual std::string GetString(int column) const = 0;
  // IsNull tells whether the column is NULL.
  virtual bool IsNull(int column) const = 0;
};

}  // namespace cp::storage::sql
