#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/auth_config.h"

namespace cp::server::auth {

// RateLimiter keeps one token bucket per caller key. Thread-safe.
class RateLimiter {
 public:
  // TryAcquire takes one token from `key`'s bucket (created full) under
  // `limit` at time `now`. Returns zero when the call may proceed, else how
  // long until a token is available.
  absl::Duration TryAcquire(absl::string_view key, const RateLimit& limit, absl::Time now);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cp::server::auth
