#pragma once

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/suppression/suppression_manager.h"
#include "server/json_log.h"

namespace cp::server {

// SuppressionCleaner deletes the entries of replaced and deleted
// suppression lists, and of abandoned imports, in the background: when
// woken by Notify (after an import or a deletion) and every `period`. It
// works in small transactions, so other writers never wait long. Thread-safe.
class SuppressionCleaner {
 public:
  SuppressionCleaner(domain::SuppressionManager* manager, JsonLog* log,
                     absl::Duration period = absl::Minutes(10));
  // ~SuppressionCleaner stops the thread.
  ~SuppressionCleaner();

  SuppressionCleaner(const SuppressionCleaner&) = delete;
  SuppressionCleaner& operator=(const SuppressionCleaner&) = delete;

  // Start starts the thread: a first pass after a minute (leftovers of an
  // earlier run are invisible, so they can wait for the server to settle),
  // then one per Notify or period. Idempotent.
  void Start();
  // Notify asks for a pass soon.
  void Notify();
  // Stop ends the thread after the current batch. Idempotent.
  void Stop();

 private:
  void Loop();

  domain::SuppressionManager* const manager_;
  JsonLog* const log_;
  const absl::Duration period_;
  absl::Mutex mu_;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cp::server
