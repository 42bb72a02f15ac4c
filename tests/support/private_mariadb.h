#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "storage/mysql/mysql_store.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {

// PrivateMariaDb is a MariaDB server of a test's own, under a temporary
// directory, run by scripts/mariadb.sh (own socket, own port on 127.0.0.1,
// kept across restarts). For tests that stop and start the server without
// disturbing the shared test MariaDB. Stopped when destroyed.
class PrivateMariaDb {
 public:
  PrivateMariaDb() = default;
  // ~PrivateMariaDb stops the server if it runs.
  ~PrivateMariaDb();
  PrivateMariaDb(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;

  // Start starts the server (initialising it on first use) and waits until
  // it answers; the user `cp` and the database `cp_test` then exist.
  // INTERNAL when the script fails.
  absl::Status Start();

  // Stop shuts the server down and waits until it has exited.
  absl::Status Stop();

  // Pause stops the running server with SIGSTOP (read from its pid file):
  // its sockets stay open but nothing answers, as with a hung database.
  // Returns once every thread of the server is stopped. INTERNAL when there
  // is no server to signal or it does not stop within 5 s.
  absl::Status Pause();

  // Resume continues a paused server with SIGCONT. The destructor resumes a
  // paused server before stopping it.
  absl::Status Resume();

  // Options returns the connection options for its database cp_test (TCP,
  // user cp with its password), read from the env file Start writes;
  // nullopt before the first Start.
  std::optional<storage::MysqlStoreOptions> Options() const;

  // dir returns the server's directory (data, socket, logs).
  const std::string& dir() const { return dir_.path(); }

 private:
  absl::Status Script(const std::string& command);
  absl::Status Signal(int signal);
  // AllThreadsStopped tells whether every thread of process `pid` is
  // stopped (state T in /proc).
  static bool AllThreadsStopped(pid_t pid);

  TempDir dir_;
  bool started_ = false;
  bool paused_ = false;
};

}  // namespace cp::testing
