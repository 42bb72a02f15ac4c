#pragma once

#include <functional>

#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cp::client {

// RetryOptions bounds the retries of one call.
struct RetryOptions {
  // Attempts in all, the first included; 1 disables retries.
  int max_attempts = 5;
  // The backoff before the first retry, before jitter.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  // The largest backoff between two attempts.
  absl::Duration max_backoff = absl::Seconds(5);
  // How much the backoff grows after each retry.
  double backoff_multiplier = 2.0;
};

// Idempotency says whether repeating a call is safe: a retry after a lost
// reply must not apply a change twice.
enum class Idempotency { kIdempotent, kNonIdempotent };

// IsTransient returns whether `status` is a failure worth retrying. Only
// UNAVAILABLE is: the service's other codes are final answers.
bool IsTransient(const absl::Status& status);

// ExponentialBackoff yields the delays between attempts: the base delay
// starts at initial_backoff and grows by backoff_multiplier up to
// max_backoff; each delay is drawn uniformly from [base/2, base] so that
// clients failing together do not retry together.
class ExponentialBackoff {
 public:
  explicit ExponentialBackoff(const RetryOptions& options);

  // NextDelay returns the delay before the next retry.
  absl::Duration NextDelay();

 private:
  absl::Duration base_;
  absl::Duration max_;
  double multiplier_;
  absl::BitGen random_;
};

// Sleeper waits for a duration; tests substitute one that does not.
using Sleeper = std::function<void(absl::Duration)>;

// RetryLoop runs `attempt` until it succeeds or fails for good: it retries
// only a transient failure of an idempotent call, at most max_attempts times
// in all, sleeping with ExponentialBackoff in between (or longer, when the
// failure carries a google.rpc.RetryInfo asking for it), and never sleeps past
// `deadline`. Returns the status of the last attempt.
absl::Status RetryLoop(const RetryOptions& options, Idempotency idempotency, absl::Time deadline,
                       const Sleeper& sleep, absl::FunctionRef<absl::Status()> attempt);

}  // namespace cp::client
