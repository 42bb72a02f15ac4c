#pragma once

#include <resultset.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/sql/row.h"

namespace cp::storage {

// MysqlRow is the current row of a Connector/C++ result set, for the shared
// decoders (SqlRow counts columns from 0, the connector from 1). Its getters
// throw ::sql::SQLException: use it only inside MysqlConnection::Call.
class MysqlRow final : public sql::SqlRow {
 public:
  explicit MysqlRow(const ::sql::ResultSet& rows) : rows_(rows) {}

  int64_t GetInt64(int column) const override;
  std::string GetString(int column) const override;
  bool IsNull(int column) const override;

 private:
  const ::sql::ResultSet& rows_;
};

// DecodeAll appends what `decode` (returning absl::StatusOr<T>) makes of each
// remaining row of `rows` to `out`, and returns the first failure, which ends
// it. Only inside MysqlConnection::Call.
template <typename T, typename Decode>
absl::Status DecodeAll(::sql::ResultSet& rows, Decode decode, std::vector<T>* out) {
  while (rows.next()) {
    absl::StatusOr<T> record = decode(MysqlRow(rows));
    if (!record.ok()) return record.status();
    out->push_back(*std::move(record));
  }
  return absl::OkStatus();
}

}  // namespace cp::storage
