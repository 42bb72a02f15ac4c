#pragma once

#include <cstdint>
#include <string>

#include "storage/sql/row.h"

namespace sql {
class ResultSet;
}  // namespace sql

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

}  // namespace cp::storage
