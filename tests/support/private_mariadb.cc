#include "tests/support/private_mariadb.h"

#include <signal.h>
#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace cp::testing {

PrivateMariaDb::~PrivateMariaDb() {
  if (paused_) Resume().IgnoreError();
  if (started_) Script("stop").IgnoreError();
}

absl::Status PrivateMariaDb::Start() {
  started_ = true;
  return Script("start");
}

absl::Status PrivateMariaDb::Stop() { return Script("stop"); }

absl::Status PrivateMariaDb::Pause() {
  absl::Status status = Signal(SIGSTOP);
  if (!status.ok()) return status;
  paused_ = true;
  // kill() returns before every thread has stopped; a statement sent in
  // between would still be answered. Wait until all threads are stopped.
  std::ifstream file(dir_.File("mysqld.pid"));
  pid_t pid = 0;
  file >> pid;
  absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    if (AllThreadsStopped(pid)) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::InternalError("the MariaDB server did not stop after SIGSTOP");
}

bool PrivateMariaDb::AllThreadsStopped(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator tasks(absl::StrCat("/proc/", pid, "/task"), error);
  if (error) return false;
  for (const auto& task : tasks) {
    std::ifstream stat(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "pid (comm) S ...": the state follows the command's closing paren.
    size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 >= text.size()) return false;
    char state = text[paren + 2];
    if (state != 'T' && state != 't') return false;
  }
  return true;
}

absl::Status PrivateMariaDb::Resume() {
  absl::Status status = Signal(SIGCONT);
  if (status.ok()) paused_ = false;
  return status;
}

absl::Status PrivateMariaDb::Signal(int signal) {
  std::ifstream file(dir_.File("mysqld.pid"));
  pid_t pid = 0;
  if (!(file >> pid) || pid <= 0 || kill(pid, signal) != 0) {
    return absl::InternalError(absl::StrCat("cannot signal the MariaDB server in ", dir_.path()));
  }
  return absl::OkStatus();
}

absl::Status PrivateMariaDb::Script(const std::string& command) {
  std::string line = absl::StrCat("bash '", CP_SOURCE_DIR, "/scripts/mariadb.sh' ", command, " '",
                                  dir_.path(), "'");
  int rc = std::system(line.c_str());
  if (rc != 0) {
    return absl::InternalError(
        absl::StrCat("scripts/mariadb.sh ", command, " failed (", rc, "); see ", dir_.path()));
  }
  return absl::OkStatus();
}

std::optional<storage::MysqlStoreOptions> PrivateMariaDb::Options() const {
  std::ifstream env(dir_.File("env"));
  std::string line;
  std::string uri;
  std::string password;
  while (std::getline(env, line)) {
    absl::string_view text = line;
    absl::ConsumePrefix(&text, "export ");
    if (absl::ConsumePrefix(&text, "CP_TEST_MYSQL_URI=")) uri = std::string(text);
    if (absl::ConsumePrefix(&text, "CP_MYSQL_PASSWORD=")) password = std::string(text);
  }
  absl::StatusOr<storage::MysqlStoreOptions> options = storage::ParseMysqlUri(uri);
  if (!options.ok()) return std::nullopt;
  options->password = std::move(password);
  return *std::move(options);
}

}  // namespace cp::testing
