#include "client/retry_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "absl/strings/cord.h"
#include "client/idempotency_policy.h"
#include "google/rpc/error_details.pb.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

RetryOptions FastOptions() {
  RetryOptions options;
  options.max_attempts = 4;
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(40);
  options.backoff_multiplier = 2.0;
  return options;
}

// FailingCall fails with `failure` a given number of times, then succeeds,
// and counts its attempts.
struct FailingCall {
  absl::Status failure;
  int failures;
  int attempts = 0;

  absl::Status operator()() {
    ++attempts;
    return attempts <= failures ? failure : absl::OkStatus();
  }
};

absl::Time FarDeadline() { return absl::Now() + absl::Hours(1); }

// Verifies that UNAVAILABLE is the only transient code.
TEST(RetryPolicyTest, OnlyUnavailableIsTransient) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(IsTransient(status), code == static_cast<int>(absl::StatusCode::kUnavailable))
        << status;
  }
  EXPECT_FALSE(IsTransient(absl::OkStatus()));
}

// Verifies that backoff delays are jittered within [base/2, base], grow by
// the multiplier and never exceed max_backoff.
TEST(RetryPolicyTest, BackoffGrowsAndIsBounded) {
  for (int run = 0; run < 50; ++run) {
    ExponentialBackoff backoff(FastOptions());
    const std::vector<absl::Duration> bases = {absl::Milliseconds(10), absl::Milliseconds(20),
                                               absl::Milliseconds(40), absl::Milliseconds(40),
                                               absl::Milliseconds(40)};
    for (absl::Duration base : bases) {
      const absl::Duration delay = backoff.NextDelay();
      EXPECT_GE(delay, base / 2);
      EXPECT_LE(delay, base);
    }
  }
}

// Verifies that a transient failure of an idempotent call is retried until
// it succeeds, sleeping between attempts.
TEST(RetryPolicyTest, RetriesUnavailable) {
  FailingCall call{absl::UnavailableError("down"), 2};
  std::vector<absl::Duration> sleeps;

  absl::Status status = RetryLoop(
      FastOptions(), Idempotency::kIdempotent, FarDeadline(),
      [&sleeps](absl::Duration d) { sleeps.push_back(d); }, std::ref(call));

  EXPECT_TRUE(status.ok());
  EXPECT_EQ(call.attempts, 3);
  EXPECT_THAT(sleeps, SizeIs(2));
}

// Verifies that retries stop after max_attempts with the last failure.
TEST(RetryPolicyTest, StopsAfterMaxAttempts) {
  FailingCall call{absl::UnavailableError("down"), 100};
  std::vector<absl::Duration> sleeps;

  absl::Status status = RetryLoop(
      FastOptions(), Idempotency::kIdempotent, FarDeadline(),
      [&sleeps](absl::Duration d) { sleeps.push_back(d); }, std::ref(call));

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(call.attempts, 4);
  EXPECT_THAT(sleeps, SizeIs(3));
}

// Verifies that final answers (anything but UNAVAILABLE) are not retried.
TEST(RetryPolicyTest, DoesNotRetryOtherCodes) {
  for (absl::Status failure :
       {absl::AbortedError("etag"), absl::DeadlineExceededError("slow"), absl::InternalError("bug"),
        absl::ResourceExhaustedError("limit"), absl::InvalidArgumentError("bad")}) {
    FailingCall call{failure, 1};
    absl::Status status = RetryLoop(
        FastOptions(), Idempotency::kIdempotent, FarDeadline(), [](absl::Duration) {},
        std::ref(call));
    EXPECT_EQ(status, failure);
    EXPECT_EQ(call.attempts, 1);
  }
}

// Verifies that a non-idempotent call is not retried, even when the failure
// is transient.
TEST(RetryPolicyTest, DoesNotRetryNonIdempotentCalls) {
  FailingCall call{absl::UnavailableError("down"), 1};
  std::vector<absl::Duration> sleeps;

  absl::Status status = RetryLoop(
      FastOptions(), Idempotency::kNonIdempotent, FarDeadline(),
      [&sleeps](absl::Duration d) { sleeps.push_back(d); }, std::ref(call));

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(call.attempts, 1);
  EXPECT_THAT(sleeps, IsEmpty());
}

// Verifies that the loop does not sleep past the call's deadline.
TEST(RetryPolicyTest, StopsAtDeadline) {
  FailingCall call{absl::UnavailableError("down"), 100};
  RetryOptions options = FastOptions();
  options.max_attempts = 100;
  options.initial_backoff = absl::Seconds(10);
  options.max_backoff = absl::Seconds(10);

  absl::Status status = RetryLoop(
      options, Idempotency::kIdempotent, absl::Now() + absl::Seconds(1), [](absl::Duration) {},
      std::ref(call));

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(call.attempts, 1);
}

// Verifies that a google.rpc.RetryInfo delay longer than the backoff is
// honoured.
TEST(RetryPolicyTest, HonoursRetryInfo) {
  absl::Status failure = absl::UnavailableError("draining");
  google::rpc::RetryInfo retry_info;
  retry_info.mutable_retry_delay()->set_seconds(2);
  failure.SetPayload("type.googleapis.com/google.rpc.RetryInfo",
                     absl::Cord(retry_info.SerializeAsString()));
  FailingCall call{failure, 1};
  std::vector<absl::Duration> sleeps;

  absl::Status status = RetryLoop(
      FastOptions(), Idempotency::kIdempotent, FarDeadline(),
      [&sleeps](absl::Duration d) { sleeps.push_back(d); }, std::ref(call));

  EXPECT_TRUE(status.ok());
  EXPECT_THAT(sleeps, ElementsAre(absl::Seconds(2)));
}

// Verifies which calls are idempotent: reads always, Create with a
// request_id, Update/Delete/Undelete with an etag.
TEST(RetryPolicyTest, IdempotencyOfEachCall) {
  v1::CreateProfileRequest create;
  EXPECT_EQ(IdempotencyOf(create), Idempotency::kNonIdempotent);
  create.set_request_id("r");
  EXPECT_EQ(IdempotencyOf(create), Idempotency::kIdempotent);

  v1::UpdateProfileRequest update;
  EXPECT_EQ(IdempotencyOf(update), Idempotency::kNonIdempotent);
  update.mutable_profile()->set_etag("e");
  EXPECT_EQ(IdempotencyOf(update), Idempotency::kIdempotent);

  v1::DeleteProfileRequest del;
  EXPECT_EQ(IdempotencyOf(del), Idempotency::kNonIdempotent);
  del.set_etag("e");
  EXPECT_EQ(IdempotencyOf(del), Idempotency::kIdempotent);

  v1::UndeleteProfileRequest undelete;
  EXPECT_EQ(IdempotencyOf(undelete), Idempotency::kNonIdempotent);
  undelete.set_etag("e");
  EXPECT_EQ(IdempotencyOf(undelete), Idempotency::kIdempotent);

  EXPECT_EQ(IdempotencyOf(v1::GetProfileRequest()), Idempotency::kIdempotent);
  EXPECT_EQ(IdempotencyOf(v1::ListProfilesRequest()), Idempotency::kIdempotent);
  EXPECT_EQ(IdempotencyOf(v1::LookupProfilesRequest()), Idempotency::kIdempotent);
}

}  // namespace
}  // namespace cp::client
