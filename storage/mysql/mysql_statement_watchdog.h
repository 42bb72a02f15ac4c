#pragma once

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cp::storage {

// MysqlStatementWatchdog ends database work that would outlive its call.
// Connector/C++ 1.1 fixes its read timeout when it connects and offers no way
// to cancel a statement, so a server that stops answering (e.g. SIGSTOP, a
// frozen VM) would hold the calling thread for the whole read timeout. The
// watchdog instead shuts a watched socket down (shutdown(2), both ways) when
// its deadline passes: the blocked read returns at once with a lost
// connection (MySQL error 2013), and the connection is then discarded.
//
// The rules that keep it from touching a socket it does not own:
// - a socket is shut down only while it is armed, under the same lock as
//   Arm and Disarm;
// - the owner disarms before it closes the socket or hands the connection
//   on, so the fd can never be one that was closed and reused.
//
// One background thread sleeps until the earliest armed deadline (no
// polling). Thread-safe.
class MysqlStatementWatchdog {
 public:
  // Arm's id when nothing was armed.
  static constexpr uint64_t kNotArmed = 0;

  // MysqlStatementWatchdog starts its thread.
  MysqlStatementWatchdog();
  // ~MysqlStatementWatchdog stops and joins its thread; every watch must be
  // disarmed by then.
  ~MysqlStatementWatchdog();

  MysqlStatementWatchdog(const MysqlStatementWatchdog&) = delete;
  MysqlStatementWatchdog& operator=(const MysqlStatementWatchdog&) = delete;

  // Arm watches socket `fd` until Disarm: if `deadline` passes first, the
  // socket is shut down. Returns the watch's id for Disarm; kNotArmed (and
  // watches nothing) when `fd` is negative, i.e. unknown.
  uint64_t Arm(int fd, absl::Time deadline);

  // Disarm ends watch `id` and returns true when its deadline passed and the
  // socket was shut down (the connection is then unusable). Once it
  // returns, the watchdog no longer touches the socket. kNotArmed: false.
  bool Disarm(uint64_t id);

 private:
  struct Watch {
    int fd;
    absl::Time deadline;
    bool fired;
  };

  void Run();

  absl::Mutex mu_;
  absl::CondVar wake_;
  absl::flat_hash_map<uint64_t, Watch> watches_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = kNotArmed + 1;
  // When the thread wakes next (InfiniteFuture: when woken); Arm wakes it
  // early only for an earlier deadline.
  absl::Time next_wake_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Last: it starts after the members above exist.
  std::thread thread_;
};

}  // namespace cp::storage
