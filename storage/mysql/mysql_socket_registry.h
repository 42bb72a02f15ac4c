#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/mysql/mysql_store.h"

namespace cp::storage {

// Connector/C++ 1.1 does not expose a connection's socket, which the
// MysqlStatementWatchdog needs. These functions find it: the process's
// connects run one at a time, and after each the one socket to the server
// that no live connection owns yet is the new connection's. A process-wide
// registry holds the sockets of the live connections, each by an fd of its
// own (a duplicate of the connector's): the socket then stays the same
// until the connection is closed, even when the connector closes its fd on
// a lost connection and the number is reused. A connect's search and every
// close happen under one lock.

// ConnectFindingSocket waits until no other connect of the process runs (at
// most until `deadline`: UNAVAILABLE then), runs `connect`, which opens one
// connection to the server of `options` (and may throw), and returns an fd
// of the new connection's socket, registered and owned by the registry; -1
// when it cannot be told apart (e.g. another library's socket to the same
// server), and the connection then goes unwatched.
absl::StatusOr<int> ConnectFindingSocket(const MysqlStoreOptions& options, absl::Time deadline,
                                         absl::FunctionRef<void()> connect);

// CloseRegisteredSocket runs `close`, which closes the connection whose
// socket ConnectFindingSocket returned as `fd` (-1 is fine) and must not
// throw, then unregisters and closes `fd`, all under the registry's lock.
void CloseRegisteredSocket(int fd, absl::FunctionRef<void()> close);

}  // namespace cp::storage
