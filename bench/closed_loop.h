#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "bench/call_stats.h"
#include "bench/operation.h"

namespace cp::bench {

// ClosedLoopOptions configures one measured run.
struct ClosedLoopOptions {
  // Calls completed during the warm-up are not counted.
  absl::Duration warmup = absl::Seconds(2);
  // How long calls are measured after the warm-up.
  absl::Duration duration = absl::Seconds(10);
  // The deadline of every RPC.
  absl::Duration timeout = absl::Seconds(5);
  // Called (on the thread of RunClosedLoop) when the measuring window opens
  // and when it closes, e.g. to sample CPU time; may be empty.
  std::function<void()> at_window_begin;
  std::function<void()> at_window_end;
};

// ClosedLoopResult is what a run measured.
struct ClosedLoopResult {
  // Every operation that completed inside the measuring window.
  CallStats stats;
  // The measuring window's length.
  absl::Duration window;
};

// RunClosedLoop keeps one operation in flight per element of `operations`
// (the concurrency): each slot starts its next operation as soon as the
// previous one completes, from the completion callback. It counts the
// operations that complete inside the measuring window (after the warm-up),
// stops starting new ones at its end and returns when every slot is idle.
ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options,
                               std::vector<std::unique_ptr<Operation>> operations);

}  // namespace cp::bench
