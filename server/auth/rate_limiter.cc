#include "server/auth/rate_limiter.h"

#include <algorithm>

namespace cp::server::auth {

absl::Duration RateLimiter::TryAcquire(absl::string_view key, const RateLimit& limit,
                                       absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = limit.burst;
  } else if (now > bucket.updated) {
    double refill = absl::ToDoubleSeconds(now - bucket.updated) * limit.requests_per_second;
    bucket.tokens = std::min(limit.burst, bucket.tokens + refill);
  }
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - bucket.tokens) / limit.requests_per_second);
}

}  // namespace cp::server::auth
