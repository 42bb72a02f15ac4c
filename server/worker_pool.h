#pragma once

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace cp::server {

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

 private:
  void RunWorker();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  absl::Mutex join_mu_;
};

}  // namespace cp::server
