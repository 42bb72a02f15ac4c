#include "bench/closed_loop.h"

#include <chrono>
#include <utility>

#include "absl/synchronization/mutex.h"

namespace cp::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// kMaxInlineDepth bounds how deeply completions that gRPC runs inline (as
// it may for calls that fail at once) start the next call recursively;
// deeper ones are handed to the waiting thread.
constexpr int kMaxInlineDepth = 16;
thread_local int inline_depth = 0;

class ClosedLoop {
 public:
  ClosedLoop(const ClosedLoopOptions& options, std::vector<std::unique_ptr<Operation>> operations)
      : timeout_(options.timeout),
        at_window_begin_(options.at_window_begin),
        at_window_end_(options.at_window_end),
        operations_(std::move(operations)),
        stats_(operations_.size()) {
    auto now = SteadyClock::now();
    window_begin_ = now + absl::ToChronoNanoseconds(options.warmup);
    window_end_ = window_begin_ + absl::ToChronoNanoseconds(options.duration);
  }

  ClosedLoopResult Run() {
    {
      absl::MutexLock lock(&mu_);
      running_ = static_cast<int>(operations_.size());
    }
    for (size_t slot = 0; slot < operations_.size(); ++slot) Issue(slot);
    bool begun = false;
    bool ended = false;
    while (true) {
      std::vector<size_t> slots;
      bool idle = false;
      {
        absl::MutexLock lock(&mu_);
        absl::Condition woken(this, &ClosedLoop::IdleOrDeferred);
        if (ended) {
          mu_.Await(woken);
        } else {
          auto boundary = begun ? window_end_ : window_begin_;
          mu_.AwaitWithTimeout(woken, absl::FromChrono(boundary - SteadyClock::now()));
        }
        slots = std::move(deferred_);
        deferred_.clear();
        idle = running_ == 0;
      }
      auto now = SteadyClock::now();
      if (!begun && now >= window_begin_) {
        begun = true;
        if (at_window_begin_) at_window_begin_();
      }
      if (begun && !ended && now >= window_end_) {
        ended = true;
        if (at_window_end_) at_window_end_();
      }
      for (size_t slot : slots) Issue(slot);
      if (idle && slots.empty()) break;
    }

    ClosedLoopResult result;
    for (const CallStats& stats : stats_) result.stats.Merge(stats);
    result.window = absl::FromChrono(window_end_ - window_begin_);
    return result;
  }

 private:
  bool IdleOrDeferred() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return running_ == 0 || !deferred_.empty();
  }

  void Issue(size_t slot) {
    auto start = SteadyClock::now();
    if (start >= window_end_) {
      Finish();
      return;
    }
    operations_[slot]->Start(
        timeout_, [this, slot, start](const grpc::Status& status) { OnDone(slot, start, status); });
  }

  void OnDone(size_t slot, SteadyClock::time_point start, const grpc::Status& status) {
    auto end = SteadyClock::now();
    if (end >= window_begin_ && end < window_end_) {
      stats_[slot].Record(status.error_code(), end - start);
    }
    if (end >= window_end_) {
      Finish();
      return;
    }
    if (inline_depth >= kMaxInlineDepth) {
      absl::MutexLock lock(&mu_);
      deferred_.push_back(slot);
      return;
    }
    ++inline_depth;
    Issue(slot);
    --inline_depth;
  }

  void Finish() {
    absl::MutexLock lock(&mu_);
    --running_;
  }

  const absl::Duration timeout_;
  const std::function<void()> at_window_begin_;
  const std::function<void()> at_window_end_;
  std::vector<std::unique_ptr<Operation>> operations_;
  // One per slot, written only by that slot's (sequential) completions and
  // read after every slot has finished, which mu_ orders.
  std::vector<CallStats> stats_;
  SteadyClock::time_point window_begin_;
  SteadyClock::time_point window_end_;

  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> deferred_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options,
                               std::vector<std::unique_ptr<Operation>> operations) {
  ClosedLoop loop(options, std::move(operations));
  return loop.Run();
}

}  // namespace cp::bench
