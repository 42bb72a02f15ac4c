#include "storage/mysql/mysql_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/migration.h"

namespace cp::storage {

MysqlErrorKind ClassifyMysqlError(int code, absl::string_view sql_state) {
  if (absl::StartsWith(sql_state, "08")) return MysqlErrorKind::kConnection;
  switch (code) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1077:  // ER_NORMAL_SHUTDOWN
    case 1078:  // ER_GOT_SIGNAL
    case 1079:  // ER_SHUTDOWN_COMPLETE
    case 1080:  // ER_FORCING_CLOSE
    case 1081:  // ER_IPSOCK_ERROR
    case 1152:  // ER_ABORTING_CONNECTION
    case 1153:  // ER_NET_PACKET_TOO_LARGE
    case 1154:  // ER_NET_READ_ERROR_FROM_PIPE
    case 1155:  // ER_NET_FCNTL_ERROR
    case 1156:  // ER_NET_PACKETS_OUT_OF_ORDER
    case 1157:  // ER_NET_UNCOMPRESS_ERROR
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 2001:  // CR_SOCKET_CREATE_ERROR
    case 2002:  // CR_CONNECTION_ERROR: cannot connect through the socket
    case 2003:  // CR_CONN_HOST_ERROR: cannot connect over TCP
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2011:  // CR_TCP_CONNECTION
    case 2012:  // CR_SERVER_HANDSHAKE_ERR
    case 2013:  // CR_SERVER_LOST
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 2048:  // CR_INVALID_CONN_HANDLE
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return MysqlErrorKind::kConnection;
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
      return MysqlErrorKind::kConflict;
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
    case 1022:  // ER_DUP_KEY
      return MysqlErrorKind::kDuplicate;
    case 1048:  // ER_BAD_NULL_ERROR
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1265:  // WARN_DATA_TRUNCATED
    case 1292:  // ER_TRUNCATED_WRONG_VALUE
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. invalid UTF-8)
    case 1367:  // ER_ILLEGAL_VALUE_FOR_TYPE
    case 1406:  // ER_DATA_TOO_LONG
    case 1918:  // ER_BAD_DATA (MariaDB)
    case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB)
      return MysqlErrorKind::kBadValue;
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1049:  // ER_BAD_DB_ERROR
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
    case 1146:  // ER_NO_SUCH_TABLE
    case 1227:  // ER_SPECIFIC_ACCESS_DENIED_ERROR
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    case 1792:  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    case 1820:  // ER_MUST_CHANGE_PASSWORD
    case 1862:  // ER_MUST_CHANGE_PASSWORD_LOGIN
      return MysqlErrorKind::kConfiguration;
    default:
      return MysqlErrorKind::kOther;
  }
}

absl::Status MysqlStatus(int code, absl::string_view sql_state, absl::string_view what) {
  std::string message = absl::StrCat(what, ": MySQL error ", code);
  if (!sql_state.empty()) absl::StrAppend(&message, " (SQLSTATE ", sql_state, ")");
  switch (ClassifyMysqlError(code, sql_state)) {
    case MysqlErrorKind::kConnection:
      return absl::UnavailableError(absl::StrCat(message, ", the connection to MySQL failed"));
    case MysqlErrorKind::kConflict:
      return absl::AbortedError(
          absl::StrCat(message, code == 1213 ? ", deadlock" : ", lock wait timeout"));
    case MysqlErrorKind::kDuplicate:
      return absl::AlreadyExistsError(absl::StrCat(message, ", duplicate key"));
    case MysqlErrorKind::kBadValue:
      return absl::InvalidArgumentError(
          absl::StrCat(message, ", a value does not fit the database schema"));
    case MysqlErrorKind::kConfiguration:
      if (code == 1146) {
        // A table is missing: the schema was not migrated (or was dropped).
        return absl::FailedPreconditionError(absl::StrCat(
            message, ", a table does not exist: the schema is not migrated; ", kRunMigrationsHint));
      }
      return absl::FailedPreconditionError(message);
    case MysqlErrorKind::kOther:
      break;
  }
  return absl::InternalError(message);
}

}  // namespace cp::storage
