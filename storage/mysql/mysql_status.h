#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cp::storage {

// MysqlErrorKind sorts MySQL/MariaDB error numbers by what the store does
// about them.
enum class MysqlErrorKind {
  // The connection is gone or unusable (2002, 2003, 2006, 2013, KILL, server
  // shutdown, ...): the connection is discarded, the call is UNAVAILABLE.
  kConnection,
  // Deadlock (1213) or lock wait timeout (1205): the transaction is retried.
  kConflict,
  // A duplicate key (1062): ALREADY_EXISTS.
  kDuplicate,
  // A value the schema cannot hold (1406 data too long, 1366, 1264, ...):
  // INVALID_ARGUMENT.
  kBadValue,
  // Wrong credentials, unknown database, missing privileges or tables:
  // FAILED_PRECONDITION (a configuration problem, not a transient one).
  kConfiguration,
  // Anything else: INTERNAL.
  kOther,
};

// ClassifyMysqlError returns what error number `code` with `sql_state` means
// to the store (SQLSTATE class 08 is a connection failure whatever the code).
MysqlErrorKind ClassifyMysqlError(int code, absl::string_view sql_state);

// MysqlStatus turns a connector error into a status whose message names
// `what` (the operation) and the error number, never the server's message
// (which can echo stored values) nor a password.
absl::Status MysqlStatus(int code, absl::string_view sql_state, absl::string_view what);

}  // namespace cp::storage
