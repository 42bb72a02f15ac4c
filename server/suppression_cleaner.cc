#include "server/suppression_cleaner.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cp::server {

SuppressionCleaner::SuppressionCleaner(domain::SuppressionManager* manager, JsonLog* log,
                                       absl::Duration period)
    : manager_(manager), log_(log), period_(period) {}

SuppressionCleaner::~SuppressionCleaner() { Stop(); }

void SuppressionCleaner::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this]() { Loop(); });
}

void SuppressionCleaner::Notify() {
  absl::MutexLock lock(&mu_);
  pending_ = true;
}

void SuppressionCleaner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void SuppressionCleaner::Loop() {
  bool first = true;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return pending_ || stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&ready),
                           first ? std::min(period_, absl::Minutes(1)) : period_);
      first = false;
      if (stopping_) return;
      pending_ = false;
    }
    // Passes are bounded so that Stop never waits long.
    absl::StatusOr<int64_t> deleted = manager_->CollectGarbage(absl::Now() + absl::Seconds(5));
    if (!deleted.ok()) {
      log_->Event(LogLevel::kWarn, "suppression_cleanup_failed",
                  {{"detail", std::string(deleted.status().message())}});
      continue;
    }
    if (*deleted > 0) {
      log_->Event(LogLevel::kInfo, "suppression_cleanup",
                  {{"deleted_entries", absl::StrCat(*deleted)}});
      // More may be left: go on soon.
      absl::MutexLock lock(&mu_);
      pending_ = true;
    }
  }
}

}  // namespace cp::server
