#include "client/retry_policy.h"

#include <algorithm>

#include "client/error_details.h"

namespace cp::client {

bool IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable;
}

ExponentialBackoff::ExponentialBackoff(const RetryOptions& options)
    : base_(std::min(options.initial_backoff, options.max_backoff)),
      max_(options.max_backoff),
      multiplier_(std::max(options.backoff_multiplier, 1.0)) {}

absl::Duration ExponentialBackoff::NextDelay() {
  const absl::Duration delay = absl::Nanoseconds(absl::Uniform(absl::IntervalClosed, random_,
                                                               absl::ToInt64Nanoseconds(base_) / 2,
                                                               absl::ToInt64Nanoseconds(base_)));
  base_ = std::min(base_ * multiplier_, max_);
  return delay;
}

absl::Status RetryLoop(const RetryOptions& options, Idempotency idempotency, absl::Time deadline,
                       const Sleeper& sleep, absl::FunctionRef<absl::Status()> attempt) {
  ExponentialBackoff backoff(options);
  for (int attempts = 1;; ++attempts) {
    absl::Status status = attempt();
    if (status.ok() || idempotency != Idempotency::kIdempotent || !IsTransient(status) ||
        attempts >= options.max_attempts) {
      return status;
    }
    absl::Duration delay = backoff.NextDelay();
    if (auto retry_info = GetRetryInfo(status); retry_info && retry_info->has_retry_delay()) {
      delay = std::max(delay, absl::Seconds(retry_info->retry_delay().seconds()) +
                                  absl::Nanoseconds(retry_info->retry_delay().nanos()));
    }
    if (absl::Now() + delay >= deadline) return status;
    sleep(delay);
  }
}

}  // namespace cp::client
