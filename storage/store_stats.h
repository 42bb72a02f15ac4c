#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace cp::storage {

// ConnectionPoolStats is what a store's connection pool holds and did.
struct ConnectionPoolStats {
  // The most connections the pool opens.
  int capacity = 0;
  // Connections open now (idle, lent or being set up).
  int open = 0;
  // Connections lent to a transaction now.
  int in_use = 0;
  // Borrows that found no connection free and had to wait, and those of
  // them that gave up at their deadline.
  uint64_t waits = 0;
  uint64_t wait_timeouts = 0;
};

// RetryCause is why a store ran a transaction's body again.
enum class RetryCause {
  // MySQL rolled the transaction back to break a deadlock.
  kDeadlock,
  // MySQL's lock wait timeout ended a statement.
  kLockWaitTimeout,
  // The connection was found dead before the body ran.
  kStaleConnection,
  // SQLite's database was locked by another writer past the busy timeout.
  kBusy,
};
inline constexpr size_t kRetryCauseCount = 4;

// AbortCause is why a store gave a transaction up after retrying it.
enum class AbortCause {
  // It kept conflicting (deadlock, lock wait) for every retry allowed.
  kConflict,
  // Waiting for locks would have passed the call's deadline.
  kDeadline,
  // SQLite stayed busy for every attempt allowed.
  kBusy,
};
inline constexpr size_t kAbortCauseCount = 3;

// RetryCauseName and AbortCauseName are the causes' names in metrics,
// e.g. "deadlock".
absl::string_view RetryCauseName(RetryCause cause);
absl::string_view AbortCauseName(AbortCause cause);

// StoreStats is what a store did since it was opened, for metrics.
struct StoreStats {
  ConnectionPoolStats pool;
  // Indexed by RetryCause and AbortCause.
  std::array<uint64_t, kRetryCauseCount> retries{};
  std::array<uint64_t, kAbortCauseCount> aborts{};
};

}  // namespace cp::storage
