#include "storage/mysql/mysql_statement_watchdog.h"

#include <sys/socket.h>

#include <algorithm>

#include "absl/time/clock.h"

namespace cp::storage {

MysqlStatementWatchdog::MysqlStatementWatchdog() : thread_([this]() { Run(); }) {}

MysqlStatementWatchdog::~MysqlStatementWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  thread_.join();
}

uint64_t MysqlStatementWatchdog::Arm(int fd, absl::Time deadline) {
  if (fd < 0) return kNotArmed;
  absl::MutexLock lock(&mu_);
  uint64_t id = next_id_++;
  watches_.emplace(id, Watch{fd, deadline, /*fired=*/false});
  if (deadline < next_wake_) wake_.Signal();
  return id;
}

bool MysqlStatementWatchdog::Disarm(uint64_t id) {
  if (id == kNotArmed) return false;
  absl::MutexLock lock(&mu_);
  auto it = watches_.find(id);
  bool fired = it->second.fired;
  watches_.erase(it);
  return fired;
}

void MysqlStatementWatchdog::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    absl::Time now = absl::Now();
    next_wake_ = absl::InfiniteFuture();
    for (auto& [id, watch] : watches_) {
      if (watch.fired) continue;
      if (watch.deadline <= now) {
        // Still armed (we hold mu_), so the fd is still the watched socket.
        shutdown(watch.fd, SHUT_RDWR);
        watch.fired = true;
      } else {
        next_wake_ = std::min(next_wake_, watch.deadline);
      }
    }
    wake_.WaitWithDeadline(&mu_, next_wake_);
  }
}

}  // namespace cp::storage
