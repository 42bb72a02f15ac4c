#include "server/worker_pool.h"

#include <algorithm>
#include <utility>

namespace cp::server {

WorkerPool::WorkerPool(int threads, size_t max_queue) : max_queue_(std::max<size_t>(max_queue, 1)) {
  threads = std::max(threads, 1);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { RunWorker(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::Submit(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queue_) {
    ++rejected_;
    return false;
  }
  queue_.push_back(std::move(task));
  return true;
}

void WorkerPool::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // join_mu_ makes a second, concurrent Shutdown wait for the first.
  absl::MutexLock join_lock(&join_mu_);
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

size_t WorkerPool::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

WorkerPoolStats WorkerPool::Stats() const {
  absl::MutexLock lock(&mu_);
  return {.threads = threads_.size(),
          .busy = busy_.load(std::memory_order_relaxed),
          .queued = queue_.size(),
          .max_queue = max_queue_,
          .rejected = rejected_};
}

bool WorkerPool::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void WorkerPool::RunWorker() {
  while (true) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WorkerPool::HasWorkOrStopping));
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
      busy_.fetch_add(1, std::memory_order_relaxed);
    }
    std::move(task)();
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace cp::server
