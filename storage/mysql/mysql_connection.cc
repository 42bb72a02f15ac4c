#include "storage/mysql/mysql_connection.h"

#include <connection.h>
#include <driver.h>
#include <exception.h>
#include <prepared_statement.h>
#include <statement.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/mysql/mysql_driver.h"
#include "storage/mysql/mysql_socket_registry.h"
#include "storage/mysql/mysql_uri.h"

namespace cp::storage {
namespace {

// The session's SQL mode: strict (too long or invalid values are errors, not
// silent truncation) and '||' concatenates as in SQLite.
constexpr absl::string_view kSessionSetup =
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION,PIPES_AS_CONCAT'";

// WholeSeconds rounds `d` up to whole seconds, at least `min` and at most
// `max`, as the connector's timeouts take.
int WholeSeconds(absl::Duration d, int min, int max) {
  double seconds = std::ceil(absl::ToDoubleSeconds(d));
  return static_cast<int>(std::clamp<double>(seconds, min, max));
}

// ConnectSeconds is the connect timeout for `remaining` time: whole seconds
// rounded down, so that the connect ends before the deadline, but at least
// one (the connector's granularity). It bounds the TCP connect and the wait
// for the server's greeting.
int ConnectSeconds(absl::Duration remaining) {
  double seconds = std::floor(absl::ToDoubleSeconds(remaining));
  return static_cast<int>(std::clamp<double>(seconds, 1, 3600));
}

// ConnectError explains a failed connect in one line, without the password.
absl::Status ConnectError(const MysqlStoreOptions& options, int code, absl::string_view state) {
  std::string where = absl::StrCat("cannot connect to ", MysqlEndpoint(options));
  std::string error = absl::StrCat(" (MySQL error ", code, ")");
  switch (code) {
    case 1045:
    case 1698:
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": access denied for user '", options.user, "' (check the password)", error));
    case 1044:
      return absl::FailedPreconditionError(absl::StrCat(where, ": user '", options.user,
                                                        "' may not use database '",
                                                        options.database, "'", error));
    case 1049:
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": database '", options.database, "' does not exist", error));
    case 2002:
    case 2003:
    case 2005:
      return absl::UnavailableError(absl::StrCat(where, ": no server answers there", error));
    default:
      break;
  }
  absl::Status status = MysqlStatus(code, state, where);
  if (status.code() == absl::StatusCode::kInternal) {
    return absl::UnavailableError(status.message());
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlConnection::Open(
    const MysqlStoreOptions& options, absl::Time deadline, MysqlStatementWatchdog* watchdog) {
  int io_seconds = WholeSeconds(
      std::max(options.io_timeout, options.lock_wait_timeout + absl::Seconds(5)), 1, 86400);
  ::sql::ConnectOptionsMap properties;
  if (!options.unix_socket.empty()) {
    properties["hostName"] = ::sql::SQLString(absl::StrCat("unix://", options.unix_socket));
  } else {
    properties["hostName"] = ::sql::SQLString(options.host);
    properties["port"] = options.port;
  }
  properties["userName"] = ::sql::SQLString(options.user);
  properties["password"] = ::sql::SQLString(options.password);
  properties["schema"] = ::sql::SQLString(options.database);
  properties["OPT_READ_TIMEOUT"] = io_seconds;
  properties["OPT_WRITE_TIMEOUT"] = io_seconds;
  properties["OPT_RECONNECT"] = false;
  // UPDATE reports the rows it matched, not only those it changed.
  properties["CLIENT_FOUND_ROWS"] = true;
  properties["OPT_CHARSET_NAME"] = ::sql::SQLString("utf8mb4");
  std::unique_ptr<MysqlConnection> result;
  uint64_t watch = MysqlStatementWatchdog::kNotArmed;
  absl::Status status = [&]() -> absl::Status {
    try {
      ::sql::Driver* driver = MysqlDriver();
      if (driver == nullptr) {
        return absl::UnavailableError(absl::StrCat("cannot connect to ", MysqlEndpoint(options),
                                                   ": the MySQL client library did not start"));
      }
      std::unique_ptr<::sql::Connection> connection;
      absl::StatusOr<int> fd = ConnectFindingSocket(options, deadline, [&]() {
        // What is left once it is this connect's turn.
        absl::Duration remaining = std::min(options.connect_timeout, deadline - absl::Now());
        properties["OPT_CONNECT_TIMEOUT"] = ConnectSeconds(remaining);
        connection.reset(driver->connect(properties));
      });
      if (!fd.ok()) return fd.status();
      result.reset(new MysqlConnection(std::move(connection), *fd));
      if (watchdog != nullptr) watch = watchdog->Arm(*fd, deadline);
      result->connection_->setAutoCommit(true);
      result->connection_->setTransactionIsolation(::sql::TRANSACTION_READ_COMMITTED);
      result->text_statement_.reset(result->connection_->createStatement());
      result->Execute(std::string(kSessionSetup));
      return absl::OkStatus();
    } catch (const ::sql::SQLException& e) {
      return ConnectError(options, e.getErrorCode(), e.getSQLState());
    } catch (const std::exception&) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", MysqlEndpoint(options),
                                                 ": the MySQL connector failed"));
    }
  }();
  // Disarmed before `result` may be closed.
  if (watchdog != nullptr && watchdog->Disarm(watch)) {
    return absl::UnavailableError(absl::StrCat("cannot connect to ", MysqlEndpoint(options),
                                               ": the server did not answer before the deadline"));
  }
  if (!status.ok()) return status;
  return result;
}

MysqlConnection::MysqlConnection(std::unique_ptr<::sql::Connection> connection, int socket_fd)
    : connection_(std::move(connection)), socket_fd_(socket_fd) {}

MysqlConnection::~MysqlConnection() {
  EnsureMysqlThread();
  CloseRegisteredSocket(socket_fd_, [this]() {
    try {
      statements_.clear();
      text_statement_.reset();
      connection_.reset();
    } catch (const std::exception&) {
      // Closing a connection that already failed may throw; nothing is left
      // to release then.
    }
  });
}

absl::Status MysqlConnection::Call(absl::string_view what, absl::FunctionRef<void()> body) {
  if (broken_) {
    last_error_kind_ = MysqlErrorKind::kConnection;
    return absl::UnavailableError(absl::StrCat(what, ": the connection failed before"));
  }
  try {
    body();
    return absl::OkStatus();
  } catch (const ::sql::SQLException& e) {
    last_error_code_ = e.getErrorCode();
    last_error_kind_ = ClassifyMysqlError(last_error_code_, e.getSQLState());
    if (last_error_kind_ == MysqlErrorKind::kConnection) broken_ = true;
    return MysqlStatus(last_error_code_, e.getSQLState(), what);
  } catch (const std::exception&) {
    last_error_code_ = 0;
    last_error_kind_ = MysqlErrorKind::kConnection;
    broken_ = true;
    return absl::UnavailableError(absl::StrCat(what, ": the MySQL connector failed"));
  }
}

::sql::PreparedStatement& MysqlConnection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return *it->second;
  if (statements_.size() >= kMaxCachedStatements) statements_.clear();
  std::unique_ptr<::sql::PreparedStatement> statement(connection_->prepareStatement(sql));
  return *statements_.emplace(sql, std::move(statement)).first->second;
}

void MysqlConnection::Execute(const std::string& sql) { text_statement_->execute(sql); }

void MysqlConnection::SetLockWaitTimeout(int seconds) {
  if (seconds == lock_wait_timeout_) return;
  // Row locks (InnoDB) and metadata locks (e.g. behind a running ALTER).
  Execute(absl::StrCat("SET SESSION innodb_lock_wait_timeout = ", seconds,
                       ", SESSION lock_wait_timeout = ", seconds));
  lock_wait_timeout_ = seconds;
}

void BindParams(::sql::PreparedStatement& statement, const std::vector<sql::SqlParam>& params,
                unsigned int first) {
  for (size_t i = 0; i < params.size(); ++i) {
    unsigned int index = first + static_cast<unsigned int>(i);
    if (const auto* text = std::get_if<std::string>(&params[i])) {
      statement.setString(index, *text);
    } else {
      statement.setInt64(index, std::get<int64_t>(params[i]));
    }
  }
}

}  // namespace cp::storage
