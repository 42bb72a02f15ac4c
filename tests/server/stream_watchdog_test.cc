#include "server/stream_watchdog.h"

#include <atomic>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace cp::server {
namespace {

// Expiries records what expired when.
class Expiries {
 public:
  // Callback returns an OnExpiry that records `name`'s expiry.
  StreamWatchdog::OnExpiry Callback(int name) {
    return [this, name](StreamWatchdog::Expiry expiry) {
      absl::MutexLock lock(&mu_);
      if (!first_.has_value()) first_ = name;
      last_expiry_ = expiry;
      at_ = absl::Now();
      ++count_;
    };
  }

  // WaitForCount waits up to `timeout` for `count` expiries; true if they
  // came.
  bool WaitForCount(int count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return count_ >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  int count() {
    absl::MutexLock lock(&mu_);
    return count_;
  }
  std::optional<int> first() {
    absl::MutexLock lock(&mu_);
    return first_;
  }
  StreamWatchdog::Expiry last_expiry() {
    absl::MutexLock lock(&mu_);
    return last_expiry_;
  }
  absl::Time at() {
    absl::MutexLock lock(&mu_);
    return at_;
  }

 private:
  absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<int> first_ ABSL_GUARDED_BY(mu_);
  StreamWatchdog::Expiry last_expiry_ ABSL_GUARDED_BY(mu_) = StreamWatchdog::Expiry::kDeadline;
  absl::Time at_ ABSL_GUARDED_BY(mu_);
};

// Verifies that a stream whose idle clock is stopped expires once, at its
// deadline, as kDeadline.
TEST(StreamWatchdogTest, ExpiresAtDeadline) {
  StreamWatchdog watchdog(absl::Seconds(30));
  Expiries expiries;
  absl::Time deadline = absl::Now() + absl::Milliseconds(200);
  StreamWatchdog::Handle stream = watchdog.Register(deadline, expiries.Callback(1));
  ASSERT_TRUE(expiries.WaitForCount(1, absl::Seconds(5)));
  EXPECT_EQ(expiries.last_expiry(), StreamWatchdog::Expiry::kDeadline);
  EXPECT_GE(expiries.at(), deadline);
  EXPECT_LT(expiries.at(), deadline + absl::Seconds(1));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(expiries.count(), 1);
  watchdog.Unregister(stream);
}

// Verifies that the idle clock runs only between StartIdle and StopIdle, and
// that StartIdle restarts it.
TEST(StreamWatchdogTest, IdleClockRunsOnlyWhileWaiting) {
  StreamWatchdog watchdog(absl::Milliseconds(300));
  Expiries expiries;
  StreamWatchdog::Handle stream =
      watchdog.Register(absl::Now() + absl::Seconds(30), expiries.Callback(1));
  watchdog.StartIdle(stream);
  absl::SleepFor(absl::Milliseconds(200));
  watchdog.StartIdle(stream);
  absl::SleepFor(absl::Milliseconds(200));
  watchdog.StopIdle(stream);
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(expiries.count(), 0);

  absl::Time idle_from = absl::Now();
  watchdog.StartIdle(stream);
  ASSERT_TRUE(expiries.WaitForCount(1, absl::Seconds(5)));
  EXPECT_EQ(expiries.last_expiry(), StreamWatchdog::Expiry::kIdle);
  EXPECT_GE(expiries.at(), idle_from + absl::Milliseconds(300));
  watchdog.Unregister(stream);
}

// Verifies that a stream registered later with an earlier deadline wakes
// the sleeping watchdog and expires first.
TEST(StreamWatchdogTest, EarliestExpiryFirst) {
  StreamWatchdog watchdog(absl::Seconds(30));
  Expiries expiries;
  StreamWatchdog::Handle late =
      watchdog.Register(absl::Now() + absl::Seconds(1), expiries.Callback(1));
  absl::SleepFor(absl::Milliseconds(50));
  absl::Time early_deadline = absl::Now() + absl::Milliseconds(100);
  StreamWatchdog::Handle early = watchdog.Register(early_deadline, expiries.Callback(2));
  ASSERT_TRUE(expiries.WaitForCount(1, absl::Seconds(5)));
  EXPECT_EQ(expiries.first(), 2);
  EXPECT_LT(expiries.at(), early_deadline + absl::Milliseconds(500));
  ASSERT_TRUE(expiries.WaitForCount(2, absl::Seconds(5)));
  watchdog.Unregister(early);
  watchdog.Unregister(late);
}

// Verifies that an unregistered stream never expires, and that Unregister
// waits for a callback in progress to return.
TEST(StreamWatchdogTest, UnregisterExcludesCallback) {
  StreamWatchdog watchdog(absl::Seconds(30));
  Expiries expiries;
  StreamWatchdog::Handle gone =
      watchdog.Register(absl::Now() + absl::Milliseconds(100), expiries.Callback(1));
  watchdog.Unregister(gone);

  absl::Notification started;
  absl::Notification release;
  std::atomic<bool> returned{false};
  StreamWatchdog::Handle slow =
      watchdog.Register(absl::Now() + absl::Milliseconds(100), [&](StreamWatchdog::Expiry) {
        started.Notify();
        release.WaitForNotificationWithTimeout(absl::Seconds(5));
        returned.store(true);
      });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(5)));
  std::atomic<bool> unregistered{false};
  std::thread unregister([&]() {
    watchdog.Unregister(slow);
    unregistered.store(true);
  });
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_FALSE(unregistered.load()) << "Unregister returned while the callback ran";
  release.Notify();
  unregister.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(expiries.count(), 0);
}

}  // namespace
}  // namespace cp::server
