#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "storage/store_stats.h"

namespace cp::storage {

// TransactionCounters counts a store's transaction retries and aborts by
// cause. Thread-safe and lock-free.
class TransactionCounters {
 public:
  void CountRetry(RetryCause cause) {
    retries_[static_cast<size_t>(cause)].fetch_add(1, std::memory_order_relaxed);
  }
  void CountAbort(AbortCause cause) {
    aborts_[static_cast<size_t>(cause)].fetch_add(1, std::memory_order_relaxed);
  }

  // Fill copies the counts into `stats`.
  void Fill(StoreStats& stats) const {
    for (size_t i = 0; i < kRetryCauseCount; ++i) {
      stats.retries[i] = retries_[i].load(std::memory_order_relaxed);
    }
    for (size_t i = 0; i < kAbortCauseCount; ++i) {
      stats.aborts[i] = aborts_[i].load(std::memory_order_relaxed);
    }
  }

 private:
  std::array<std::atomic<uint64_t>, kRetryCauseCount> retries_{};
  std::array<std::atomic<uint64_t>, kAbortCauseCount> aborts_{};
};

}  // namespace cp::storage
