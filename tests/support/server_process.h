#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cp::testing {

// ServerProcess is the built profile-server binary (CP_SERVER_BINARY)
// running as a child process, with stdout on a pipe and stderr in a file.
// Killed with SIGKILL when destroyed while still running.
class ServerProcess {
 public:
  // Spawn starts the binary with `args` and this process's environment plus
  // `extra_env` ("NAME=value", overriding), stderr going to `stderr_path`.
  // nullptr when it cannot be started.
  static std::unique_ptr<ServerProcess> Spawn(const std::vector<std::string>& args,
                                              const std::string& stderr_path,
                                              std::vector<std::string> extra_env = {});

  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // ReadStdoutLine returns the next line of stdout, or nullopt on EOF or
  // after `timeout`.
  std::optional<std::string> ReadStdoutLine(absl::Duration timeout = absl::Seconds(30));

  // WaitUntilListening reads stdout until the "profile-server listening on"
  // line and returns the address; empty when the process never got there
  // within `timeout`.
  std::string WaitUntilListening(absl::Duration timeout = absl::Seconds(30));

  // Signal sends `signal` to the process.
  void Signal(int signal);

  // Wait waits up to `timeout` for the process to end and returns its exit
  // code, 128+N for signal N, or nullopt if it is still running.
  std::optional<int> Wait(absl::Duration timeout = absl::Seconds(30));

  // Stderr returns what the process wrote to stderr so far.
  std::string Stderr() const;

  // RemainingStdout returns the rest of stdout once the process ended.
  std::string RemainingStdout();

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stdout_buffer_;
  std::string stderr_path_;
  std::optional<int> exit_status_;
};

}  // namespace cp::testing
