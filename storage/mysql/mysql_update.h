#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/mysql/mysql_connection.h"

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace cp::storage {

// MysqlRunner runs connector work as MysqlTransaction::Do does: it names the
// work (`what`) in errors and records a failure on the transaction.
using MysqlRunner = std::function<absl::Status(absl::string_view, absl::FunctionRef<void()>)>;

// ExecuteMysqlUpdate runs the prepared write `sql` on `connection` through
// `run`, with its parameters set by `bind`, and returns the affected rows.
absl::StatusOr<int64_t> ExecuteMysqlUpdate(const MysqlRunner& run, MysqlConnection& connection,
                                           absl::string_view what, const std::string& sql,
                                           absl::FunctionRef<void(::sql::PreparedStatement&)> bind);

}  // namespace cp::storage
