#include "tests/support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace cp::testing {
namespace {

constexpr absl::string_view kListeningPrefix = "profile-server listening on ";

// VariableName returns the NAME of "NAME=value".
absl::string_view VariableName(absl::string_view variable) {
  return variable.substr(0, variable.find('='));
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Spawn(const std::vector<std::string>& args,
                                                    const std::string& stderr_path,
                                                    std::vector<std::string> extra_env) {
  auto process = std::make_unique<ServerProcess>();
  process->stderr_path_ = stderr_path;
  int out[2];
  if (pipe(out) != 0) return nullptr;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_strings = {CP_SERVER_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** var = environ; *var != nullptr; ++var) {
    bool overridden = false;
    for (const std::string& extra : extra_env) {
      overridden = overridden || VariableName(*var) == VariableName(extra);
    }
    if (!overridden) envp.push_back(*var);
  }
  for (std::string& var : extra_env) envp.push_back(var.data());
  envp.push_back(nullptr);
  int rc =
      posix_spawn(&process->pid_, CP_SERVER_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  process->stdout_fd_ = out[0];
  if (rc != 0) {
    process->pid_ = -1;
    return nullptr;
  }
  return process;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_status_.has_value()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::optional<std::string> ServerProcess::ReadStdoutLine(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (size_t newline = stdout_buffer_.find('\n'); newline != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, newline);
      stdout_buffer_.erase(0, newline + 1);
      return line;
    }
    int remaining_ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (remaining_ms <= 0) return std::nullopt;
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, remaining_ms) <= 0) continue;
    char chunk[4096];
    ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) return std::nullopt;
    stdout_buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string ServerProcess::WaitUntilListening(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (std::optional<std::string> line = ReadStdoutLine(deadline - absl::Now())) {
    if (absl::StartsWith(*line, kListeningPrefix)) {
      std::string rest = line->substr(kListeningPrefix.size());
      return rest.substr(0, rest.find(','));
    }
  }
  return "";
}

void ServerProcess::Signal(int signal) { kill(pid_, signal); }

std::optional<int> ServerProcess::Wait(absl::Duration timeout) {
  if (exit_status_.has_value()) return exit_status_;
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    if (absl::Now() > deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string ServerProcess::Stderr() const {
  std::ifstream in(stderr_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ServerProcess::RemainingStdout() {
  std::string out;
  while (std::optional<std::string> line = ReadStdoutLine(absl::Seconds(5))) {
    absl::StrAppend(&out, *line, "\n");
  }
  return out + stdout_buffer_;
}

}  // namespace cp::testing
