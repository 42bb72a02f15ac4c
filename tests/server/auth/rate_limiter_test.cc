#include "server/auth/rate_limiter.h"

#include <cstdint>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cp::server::auth {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

// Ms returns `wait` in whole milliseconds (the limiter computes in double).
int64_t Ms(absl::Duration wait) { return absl::ToInt64Milliseconds(wait + absl::Microseconds(1)); }

// Verifies that a new bucket starts full: `burst` calls pass at once, the
// next one is told how long until a token is back.
TEST(RateLimiterTest, BurstThenWait) {
  RateLimiter limiter;
  RateLimit limit{/*requests_per_second=*/2, /*burst=*/3};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration()) << i;
  }
  EXPECT_EQ(Ms(limiter.TryAcquire("shop", limit, kStart)), 500);
  // A refused call takes no token: the wait only shrinks with time.
  EXPECT_EQ(Ms(limiter.TryAcquire("shop", limit, kStart + absl::Milliseconds(200))), 300);
}

// Verifies that tokens flow back at the configured rate.
TEST(RateLimiterTest, RefillsAtTheRate) {
  RateLimiter limiter;
  RateLimit limit{/*requests_per_second=*/4, /*burst=*/1};
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("shop", limit, kStart + absl::Milliseconds(100)),
            absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart + absl::Milliseconds(250)),
            absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("shop", limit, kStart + absl::Milliseconds(250)),
            absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart + absl::Milliseconds(500)),
            absl::ZeroDuration());
}

// Verifies that a long idle time refills no more than `burst` tokens.
TEST(RateLimiterTest, IdleTimeIsCappedAtBurst) {
  RateLimiter limiter;
  RateLimit limit{/*requests_per_second=*/10, /*burst=*/2};
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration());
  absl::Time later = kStart + absl::Hours(1);
  EXPECT_EQ(limiter.TryAcquire("shop", limit, later), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("shop", limit, later), absl::ZeroDuration());
  EXPECT_EQ(Ms(limiter.TryAcquire("shop", limit, later)), 100);
}

// Verifies that each key has its own bucket.
TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter;
  RateLimit limit{/*requests_per_second=*/1, /*burst=*/1};
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("billing", limit, kStart), absl::ZeroDuration());
}

// Verifies that a clock going backwards neither refills nor breaks the
// bucket.
TEST(RateLimiterTest, ClockGoingBackwardsRefillsNothing) {
  RateLimiter limiter;
  RateLimit limit{/*requests_per_second=*/1, /*burst=*/1};
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("shop", limit, kStart - absl::Seconds(5)), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("shop", limit, kStart + absl::Seconds(1)), absl::ZeroDuration());
}

}  // namespace
}  // namespace cp::server::auth
