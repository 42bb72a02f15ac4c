#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace cp::server {

// WorkerPoolStats is what a WorkerPool holds and refused, for metrics.
struct WorkerPoolStats {
  size_t threads = 0;
  // Tasks running now, and waiting for a worker.
  size_t busy = 0;
  size_t queued = 0;
  size_t max_queue = 0;
  // Tasks refused because the queue was full (or the pool shut down).
  uint64_t rejected = 0;
};

// WorkerPool runs blocking work (database calls) on a fixed set of threads,
// off gRPC's reactor threads. Its queue is bounded so that overload is
// refused at once instead of piling up. Thread-safe.
class WorkerPool {
 public:
  // WorkerPool starts `threads` workers (at least 1) that take work from a
  // queue holding at most `max_queue` waiting tasks (at least 1).
  WorkerPool(int threads, size_t max_queue);
  // ~WorkerPool shuts the pool down (see Shutdown).
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Submit queues `task`; false (and `task` is dropped unrun) when the queue
  // is full or the pool is shut down.
  [[nodiscard]] bool Submit(absl::AnyInvocable<void() &&> task);

  // Shutdown refuses new work, runs every task already queued and joins the
  // workers. Idempotent.
  void Shutdown();

  // queued returns how many tasks wait for a worker.
  size_t queued() const;

  // Stats returns the pool's threads, queue and refusals.
  WorkerPoolStats Stats() const;

 private:
  void RunWorker();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Counted outside mu_, so that finishing a task takes no second lock.
  std::atomic<size_t> busy_{0};
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_;
  absl::Mutex join_mu_;
};

}  // namespace cp::server
