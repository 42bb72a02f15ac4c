#include "server/worker_pool.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace cp::server {
namespace {

// WaitFor polls `condition` for up to five seconds.
template <typename Condition>
bool WaitFor(Condition condition) {
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

// Verifies that every submitted task runs, on several threads.
TEST(WorkerPoolTest, RunsEveryTask) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(4, 1000);
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(pool.Submit([&done] { done.fetch_add(1); }));
  }
  EXPECT_EQ(done.load(), 200);
}

// Verifies that the queue is bounded: with the only worker busy and the
// queue full, Submit refuses at once; queued work still runs afterwards.
TEST(WorkerPoolTest, RejectsWhenQueueIsFull) {
  absl::Notification started;
  absl::Notification release;
  std::atomic<int> done{0};
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
    done.fetch_add(1);
  }));
  started.WaitForNotification();
  EXPECT_TRUE(pool.Submit([&done] { done.fetch_add(1); }));
  EXPECT_TRUE(pool.Submit([&done] { done.fetch_add(1); }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.Submit([&done] { done.fetch_add(100); }));
  release.Notify();
  EXPECT_TRUE(WaitFor([&] { return done.load() == 3; }));
  EXPECT_TRUE(pool.Submit([&done] { done.fetch_add(1); }));
  pool.Shutdown();
  EXPECT_EQ(done.load(), 4);
}

// Verifies that Shutdown refuses new work but runs everything already
// queued before it returns.
TEST(WorkerPoolTest, ShutdownRunsQueuedWork) {
  absl::Notification started;
  absl::Notification release;
  std::atomic<int> done{0};
  WorkerPool pool(1, 10);
  ASSERT_TRUE(pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
    done.fetch_add(1);
  }));
  started.WaitForNotification();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.Submit([&done] { done.fetch_add(1); }));

  std::thread shutdown([&pool] { pool.Shutdown(); });
  EXPECT_TRUE(WaitFor([&] { return !pool.Submit([] {}); }));
  release.Notify();
  shutdown.join();
  EXPECT_EQ(done.load(), 6);
  EXPECT_FALSE(pool.Submit([] {}));
}

}  // namespace
}  // namespace cp::server
