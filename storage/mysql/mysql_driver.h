#pragma once

namespace sql {
class Driver;
}  // namespace sql

namespace cp::storage {

// MysqlDriver returns Connector/C++'s driver, made once under a lock (the
// connector's own get_driver_instance is not thread-safe), and registers the
// calling thread with it (see EnsureMysqlThread). nullptr when the client
// library cannot start.
::sql::Driver* MysqlDriver();

// EnsureMysqlThread calls driver->threadInit() the first time the calling
// thread uses the driver, and driver->threadEnd() when that thread exits, as
// the connector requires of every thread that talks to MySQL. Cheap after
// the first call on a thread.
void EnsureMysqlThread();

}  // namespace cp::storage
