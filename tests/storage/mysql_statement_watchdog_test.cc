#include "storage/mysql/mysql_statement_watchdog.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cp::storage {
namespace {

// SocketPair is a connected pair of Unix stream sockets, closed when
// destroyed.
class SocketPair {
 public:
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  ~SocketPair() {
    close(fds_[0]);
    close(fds_[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;

  int near() const { return fds_[0]; }
  int far() const { return fds_[1]; }

 private:
  int fds_[2] = {-1, -1};
};

// Verifies that a read blocked on an armed socket returns (end of stream)
// once the deadline passes, not before, and that Disarm then says the
// socket was shut down.
TEST(MysqlStatementWatchdogTest, ShutsTheSocketDownAtTheDeadline) {
  MysqlStatementWatchdog watchdog;
  SocketPair sockets;
  absl::Time start = absl::Now();
  uint64_t watch = watchdog.Arm(sockets.near(), start + absl::Milliseconds(300));

  char byte;
  ssize_t read = recv(sockets.near(), &byte, 1, 0);
  absl::Duration took = absl::Now() - start;

  EXPECT_EQ(read, 0);
  EXPECT_GE(took, absl::Milliseconds(290));
  EXPECT_LT(took, absl::Seconds(1));
  EXPECT_TRUE(watchdog.Disarm(watch));
}

// Verifies that a socket disarmed before its deadline is left alone: after
// the deadline it still carries data both ways, and Disarm says so.
TEST(MysqlStatementWatchdogTest, DisarmedSocketIsLeftAlone) {
  MysqlStatementWatchdog watchdog;
  SocketPair sockets;
  uint64_t watch = watchdog.Arm(sockets.near(), absl::Now() + absl::Milliseconds(100));
  EXPECT_FALSE(watchdog.Disarm(watch));
  absl::SleepFor(absl::Milliseconds(300));

  char byte = 'x';
  ASSERT_EQ(send(sockets.far(), &byte, 1, 0), 1);
  ASSERT_EQ(recv(sockets.near(), &byte, 1, 0), 1);
  EXPECT_EQ(send(sockets.near(), &byte, 1, 0), 1);
}

// Verifies that a deadline armed after a later one wakes the watchdog early:
// the earlier one fires on time, the later one does not fire with it.
TEST(MysqlStatementWatchdogTest, EarlierDeadlineArmedLaterFiresOnTime) {
  MysqlStatementWatchdog watchdog;
  SocketPair late;
  SocketPair early;
  uint64_t late_watch = watchdog.Arm(late.near(), absl::Now() + absl::Seconds(30));
  absl::Time start = absl::Now();
  uint64_t early_watch = watchdog.Arm(early.near(), start + absl::Milliseconds(200));

  char byte;
  EXPECT_EQ(recv(early.near(), &byte, 1, 0), 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_TRUE(watchdog.Disarm(early_watch));
  EXPECT_FALSE(watchdog.Disarm(late_watch));
}

// Verifies that an unknown socket (-1) arms nothing and disarms as never
// fired.
TEST(MysqlStatementWatchdogTest, UnknownSocketIsNotWatched) {
  MysqlStatementWatchdog watchdog;
  uint64_t watch = watchdog.Arm(-1, absl::Now());
  EXPECT_EQ(watch, MysqlStatementWatchdog::kNotArmed);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(watchdog.Disarm(watch));
}

}  // namespace
}  // namespace cp::storage
