// ChangeTail on real stores: on SQLite (where sequences never have gaps) it
// follows the newest change; on MariaDB it holds its head behind a change
// whose transaction is still open, and passes a rolled-back one only after
// the gap timeout.

#include "domain/change/change_tail.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/temp_dir.h"

namespace cp::domain {
namespace {

using storage::Transaction;
using storage::TransactionMode;

absl::Time Deadline() { return absl::Now() + absl::Seconds(20); }

absl::Status AppendOne(storage::Store& store, const std::string& name) {
  return store.Run(TransactionMode::kReadWrite, Deadline(), [&](Transaction& tx) {
    storage::ChangeRecord record;
    record.change_time = absl::Now();
    record.resource_type = 1;
    record.resource_name = name;
    record.kind = 2;
    return tx.changes().AppendChange(record);
  });
}

// Verifies that on SQLite the head starts at the newest change and follows
// each commit.
TEST(ChangeTailTest, FollowsCommitsOnSqlite) {
  testing::TempDir dir;
  storage::SqliteStoreOptions options;
  options.path = dir.File("p.db");
  auto store = storage::OpenSqliteStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Migrate().ok());
  SystemClock clock;
  ASSERT_TRUE(AppendOne(**store, "profiles/a").ok());
  ChangeTail tail(store->get(), &clock);
  EXPECT_EQ(tail.head(), -1);
  absl::StatusOr<int64_t> head = tail.Advance(Deadline());
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(*head, 1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(AppendOne(**store, absl::StrCat("profiles/", i)).ok());
  head = tail.Advance(Deadline());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 4);
  EXPECT_EQ(tail.head(), 4);
}

class MysqlChangeTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::MysqlTestServerOptions().has_value()) GTEST_SKIP() << testing::kNoMysqlTestServer;
    auto database = testing::MysqlTestDatabase::CreateOnTestServer("change_tail");
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    auto store = storage::OpenMysqlStore(database_->options());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->Migrate().ok());
    auto connection = storage::MysqlConnection::Open(database_->options(), Deadline());
    ASSERT_TRUE(connection.ok()) << connection.status();
    raw_ = *std::move(connection);
  }

  // Raw runs statements on a connection of the test's own, outside the
  // store: a writer that holds its transaction open.
  void Raw(const std::vector<std::string>& statements) {
    absl::Status status = raw_->Call("raw", [&]() {
      for (const std::string& statement : statements) raw_->Execute(statement);
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  static std::string Insert(const std::string& name) {
    return absl::StrCat(
        "INSERT INTO change_log (change_time, resource_type, resource_name, profile_id, kind, "
        "is_read, app_id, actor, details) VALUES (",
        absl::ToUnixMicros(absl::Now()), ", 1, '", name, "', '', 2, 0, '', '', '')");
  }

  std::unique_ptr<testing::MysqlTestDatabase> database_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::MysqlConnection> raw_;
};

// Verifies that the head stays behind a change whose transaction took its
// sequence and has not committed, while a later one has: the tail waits for
// it, and moves past both once it commits.
TEST_F(MysqlChangeTailTest, WaitsForAnOpenWriterBelowACommittedChange) {
  SystemClock clock;
  ChangeTail tail(store_.get(), &clock);
  ASSERT_EQ(tail.Advance(Deadline()).value_or(-1), 0);
  Raw({"START TRANSACTION", Insert("profiles/slow")});    // takes sequence 1
  ASSERT_TRUE(AppendOne(*store_, "profiles/fast").ok());  // sequence 2, committed
  absl::StatusOr<int64_t> advanced;
  std::thread advance([&]() { advanced = tail.Advance(Deadline()); });
  absl::SleepFor(absl::Milliseconds(500));
  // Still waiting: passing 2 now would skip 1 for good.
  EXPECT_LT(tail.head(), 1);
  Raw({"COMMIT"});
  advance.join();
  ASSERT_TRUE(advanced.ok()) << advanced.status();
  EXPECT_EQ(*advanced, 2);
}

// Verifies that a sequence whose transaction rolled back holds the head for
// the gap timeout, then is passed.
TEST_F(MysqlChangeTailTest, PassesARolledBackSequenceAfterTheGapTimeout) {
  FakeClock clock(absl::Now());
  ChangeTail tail(store_.get(), &clock, {.gap_timeout = absl::Seconds(1)});
  ASSERT_TRUE(AppendOne(*store_, "profiles/a").ok());  // 1
  ASSERT_EQ(tail.Advance(Deadline()).value_or(-1), 1);
  Raw({"START TRANSACTION", Insert("profiles/lost"), "ROLLBACK"});  // 2, gone
  ASSERT_TRUE(AppendOne(*store_, "profiles/b").ok());               // 3
  EXPECT_EQ(tail.Advance(Deadline()).value_or(-1), 1);
  clock.Advance(absl::Milliseconds(500));
  EXPECT_EQ(tail.Advance(Deadline()).value_or(-1), 1);
  clock.Advance(absl::Milliseconds(600));
  EXPECT_EQ(tail.Advance(Deadline()).value_or(-1), 3);
}

}  // namespace
}  // namespace cp::domain
