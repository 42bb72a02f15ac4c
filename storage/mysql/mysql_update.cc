#include "storage/mysql/mysql_update.h"

#include <prepared_statement.h>

namespace cp::storage {

absl::StatusOr<int64_t> ExecuteMysqlUpdate(
    const MysqlRunner& run, MysqlConnection& connection, absl::string_view what,
    const std::string& sql, absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  int64_t affected = 0;
  absl::Status status = run(what, [&]() {
    ::sql::PreparedStatement& statement = connection.Prepare(sql);
    bind(statement);
    affected = statement.executeUpdate();
  });
  if (!status.ok()) return status;
  return affected;
}

}  // namespace cp::storage
