#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/mysql/mysql_statement_watchdog.h"
#include "storage/mysql/mysql_status.h"
#include "storage/mysql/mysql_store.h"
#include "storage/sql/filter_sql.h"

namespace sql {
class Connection;
class PreparedStatement;
class Statement;
}  // namespace sql

namespace cp::storage {

// MysqlConnection is one Connector/C++ connection with its cache of
// prepared statements. Used by one thread at a time (the pool lends it to
// one borrower). Connector calls happen only inside Call, which turns
// ::sql::SQLException into absl::Status; a connection that failed that way is
// marked broken and must be discarded.
class MysqlConnection {
 public:
  // Open connects as `options` say, waiting at most until `deadline` (and
  // options.connect_timeout; the connector counts whole seconds, so with
  // less than one left it may end up to a second late). The session uses
  // utf8mb4, strict SQL mode, READ COMMITTED and autocommit (transactions
  // are explicit); with a `watchdog`, setting it up ends at `deadline` too.
  // A clear error on failure: FAILED_PRECONDITION for a wrong password or
  // unknown database, UNAVAILABLE when the server cannot be reached or does
  // not answer in time.
  static absl::StatusOr<std::unique_ptr<MysqlConnection>> Open(
      const MysqlStoreOptions& options, absl::Time deadline,
      MysqlStatementWatchdog* watchdog = nullptr);

  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  // Call runs `body`, which uses Prepare/Execute, and returns OK or the
  // status of the connector exception it threw (see MysqlStatus), naming
  // `what`. A connection failure marks the connection broken.
  absl::Status Call(absl::string_view what, absl::FunctionRef<void()> body);

  // Prepare returns the prepared statement for `sql`, prepared on first use
  // and cached for the connection's life. Only inside Call (it throws).
  ::sql::PreparedStatement& Prepare(const std::string& sql);

  // Execute runs `sql` (no parameters, no result rows) over the text
  // protocol, for transaction control and DDL. Only inside Call.
  void Execute(const std::string& sql);

  // SetLockWaitTimeout sets the session's innodb_lock_wait_timeout and
  // lock_wait_timeout when they differ from the value last set. Only inside
  // Call.
  void SetLockWaitTimeout(int seconds);

  // socket_fd is an fd of the connection's socket, valid for the
  // connection's life, for MysqlStatementWatchdog; -1 when it could not be
  // found (the connection then goes unwatched).
  int socket_fd() const { return socket_fd_; }

  // broken is true once the connection failed; the pool then discards it.
  bool broken() const { return broken_; }
  void MarkBroken() { broken_ = true; }

  // last_error_kind classifies the error of the last failed Call.
  MysqlErrorKind last_error_kind() const { return last_error_kind_; }
  // last_error_code is the MySQL error number of the last failed Call.
  int last_error_code() const { return last_error_code_; }

 private:
  MysqlConnection(std::unique_ptr<::sql::Connection> connection, int socket_fd);

  // The statement cache is cleared when it grows beyond this (list queries
  // with many filter shapes would otherwise grow it without bound).
  static constexpr size_t kMaxCachedStatements = 256;

  std::unique_ptr<::sql::Connection> connection_;
  const int socket_fd_;
  std::unique_ptr<::sql::Statement> text_statement_;
  absl::flat_hash_map<std::string, std::unique_ptr<::sql::PreparedStatement>> statements_;
  int lock_wait_timeout_ = -1;
  bool broken_ = false;
  MysqlErrorKind last_error_kind_ = MysqlErrorKind::kOther;
  int last_error_code_ = 0;
};

// BindParams binds `params` (text or integers) to the statement's
// parameters from `first` on. Only inside MysqlConnection::Call (it throws).
void BindParams(::sql::PreparedStatement& statement, const std::vector<sql::SqlParam>& params,
                unsigned int first = 1);

}  // namespace cp::storage
