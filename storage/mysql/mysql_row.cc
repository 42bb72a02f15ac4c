#include "storage/mysql/mysql_row.h"

#include <resultset.h>

namespace cp::storage {

int64_t MysqlRow::GetInt64(int column) const {
  return rows_.getInt64(static_cast<uint32_t>(column) + 1);
}

std::string MysqlRow::GetString(int column) const {
  return rows_.getString(static_cast<uint32_t>(column) + 1);
}

bool MysqlRow::IsNull(int column) const { return rows_.isNull(static_cast<uint32_t>(column) + 1); }

}  // namespace cp::storage
