#include "storage/mysql/mysql_store.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/match_key_backfill.h"
#include "storage/migration.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_migrator.h"
#include "storage/mysql/mysql_status.h"
#include "storage/mysql/mysql_uri.h"
#include "storage/sql/filter_sql.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/temp_dir.h"

namespace cp::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Profile returns a live profile at `revision`.
ProfileRecord Profile(const std::string& id, int64_t revision = 1) {
  ProfileRecord record;
  record.id = id;
  record.revision = revision;
  record.profile.set_display_name("Name " + id);
  record.profile.mutable_create_time()->set_seconds(1700000000);
  record.profile.mutable_update_time()->set_seconds(1700000000);
  return record;
}

// Insert inserts `record` in a transaction of its own.
absl::Status Insert(Store& store, const ProfileRecord& record) {
  return store.Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                   [&](Transaction& tx) { return tx.InsertProfile(record); });
}

// Get reads profile `id` in a transaction that must end within `timeout`.
absl::StatusOr<std::optional<ProfileRecord>> Get(Store& store, const std::string& id,
                                                 absl::Duration timeout) {
  std::optional<ProfileRecord> result;
  absl::Status status =
      store.Run(TransactionMode::kReadOnly, absl::Now() + timeout, [&](Transaction& tx) {
        absl::StatusOr<std::optional<ProfileRecord>> record = tx.GetProfile(id);
        if (!record.ok()) return record.status();
        result = *std::move(record);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

// Bump re-reads profile `id` and writes it back one revision higher.
absl::Status Bump(Transaction& tx, const std::string& id) {
  absl::StatusOr<std::optional<ProfileRecord>> record = tx.GetProfile(id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return absl::NotFoundError(id);
  ProfileRecord next = **record;
  next.revision = (*record)->revision + 1;
  return tx.UpdateProfile(next, (*record)->revision);
}

// Verifies the TCP form with user, password, host, port and database.
TEST(ParseMysqlUriTest, ParsesTcpForm) {
  absl::StatusOr<MysqlStoreOptions> options =
      ParseMysqlUri("mysql://cp:s3cret@db.example.com:3307/profiles");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->user, "cp");
  EXPECT_EQ(options->password, "s3cret");
  EXPECT_EQ(options->host, "db.example.com");
  EXPECT_EQ(options->port, 3307);
  EXPECT_EQ(options->database, "profiles");
  EXPECT_TRUE(options->unix_socket.empty());
}

// Verifies that the port defaults to 3306 and the password may be absent
// (it then comes from the options, e.g. an environment variable).
TEST(ParseMysqlUriTest, DefaultsPortAndLeavesPasswordToOptions) {
  absl::StatusOr<MysqlStoreOptions> options = ParseMysqlUri("mysql://cp@127.0.0.1/cp_test");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->port, 3306);
  EXPECT_EQ(options->password, "");
  EXPECT_EQ(options->host, "127.0.0.1");
}

// Verifies the socket form and the pool_size parameter.
TEST(ParseMysqlUriTest, ParsesSocketFormAndPoolSize) {
  absl::StatusOr<MysqlStoreOptions> options =
      ParseMysqlUri("mysql://cp@localhost/cp_test?socket=/var/run/my%20sql.sock&pool_size=3");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->unix_socket, "/var/run/my sql.sock");
  EXPECT_EQ(options->pool_size, 3);
  EXPECT_EQ(options->database, "cp_test");
  EXPECT_EQ(MysqlEndpoint(*options), "mysql://cp@localhost/cp_test?socket=/var/run/my sql.sock");
}

// Verifies percent-escapes in the password and IPv6 hosts.
TEST(ParseMysqlUriTest, DecodesPasswordAndIpv6Host) {
  absl::StatusOr<MysqlStoreOptions> options = ParseMysqlUri("mysql://cp:p%40ss%3Aw@[::1]:3310/db");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->password, "p@ss:w");
  EXPECT_EQ(options->host, "::1");
  EXPECT_EQ(options->port, 3310);
  EXPECT_EQ(MysqlEndpoint(*options), "mysql://cp@[::1]:3310/db");
}

// Verifies that malformed URIs are INVALID_ARGUMENT without echoing the
// password.
TEST(ParseMysqlUriTest, RejectsMalformedUrisWithoutEchoingThePassword) {
  for (const char* uri :
       {"mysql:/cp:hunter2@h/db", "postgres://cp:hunter2@h/db", "mysql://cp:hunter2@h",
        "mysql://cp:hunter2@h/", "mysql://:hunter2@h/db", "mysql://cp:hunter2@h:0/db",
        "mysql://cp:hunter2@h:99999/db", "mysql://cp:hunter2@h:x/db",
        "mysql://cp:hunter2@h/db?socket=rel", "mysql://cp:hunter2@h/db?pool_size=0",
        "mysql://cp:hunter2@h/db?ssl=1", "mysql://cp:hunter2%zz@h/db", "mysql://cp:hunter2@/db"}) {
    absl::StatusOr<MysqlStoreOptions> options = ParseMysqlUri(uri);
    ASSERT_FALSE(options.ok()) << uri;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << uri;
    EXPECT_THAT(options.status().message(), Not(HasSubstr("hunter2"))) << uri;
  }
}

// Verifies that migration scripts split at semicolons outside quotes and
// comments.
TEST(SplitSqlStatementsTest, SplitsOutsideQuotesAndComments) {
  EXPECT_THAT(SplitSqlStatements("-- a; comment\nCREATE TABLE a (x INT);\n"
                                 "/* b; */ INSERT INTO a VALUES ('x;''y', \"z;\");;\n"
                                 "# c;\nSELECT `q;` FROM a"),
              ElementsAre("CREATE TABLE a (x INT)", "INSERT INTO a VALUES ('x;''y', \"z;\")",
                          "SELECT `q;` FROM a"));
  EXPECT_THAT(SplitSqlStatements("-- only a comment\n  \n"), ElementsAre());
}

// Verifies that every embedded MySQL migration has statements and that the
// versions ascend from 1.
TEST(MysqlMigrationsTest, AreNumberedFromOneAndNotEmpty) {
  const std::vector<Migration>& migrations = MysqlMigrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(SplitSqlStatements(migrations[i].sql).empty()) << migrations[i].name;
  }
}

// Verifies the mapping of MySQL error numbers to status codes.
TEST(MysqlStatusTest, MapsErrorNumbersToCodes) {
  EXPECT_EQ(MysqlStatus(1062, "23000", "x").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(MysqlStatus(1213, "40001", "x").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(MysqlStatus(1205, "HY000", "x").code(), absl::StatusCode::kAborted);
  for (int code : {2002, 2003, 2006, 2013, 1927}) {
    EXPECT_EQ(MysqlStatus(code, "HY000", "x").code(), absl::StatusCode::kUnavailable) << code;
    EXPECT_EQ(ClassifyMysqlError(code, "HY000"), MysqlErrorKind::kConnection) << code;
  }
  EXPECT_EQ(ClassifyMysqlError(0, "08S01"), MysqlErrorKind::kConnection);
  EXPECT_EQ(MysqlStatus(1406, "22001", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MysqlStatus(1045, "28000", "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MysqlStatus(1049, "42000", "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MysqlStatus(1064, "42000", "x").code(), absl::StatusCode::kInternal);
  EXPECT_THAT(MysqlStatus(1062, "23000", "insert a profile").message(),
              HasSubstr("insert a profile: MySQL error 1062"));
}

// Verifies that a missing table (1146) is FAILED_PRECONDITION whose message
// says how to create the schema.
TEST(MysqlStatusTest, MissingTableHintsAtMigrating) {
  absl::Status status = MysqlStatus(1146, "42S02", "read a profile");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("read a profile: MySQL error 1146"));
  EXPECT_THAT(status.message(), HasSubstr("run profile-server with --migrate=only (or auto)"));
}

// MysqlStoreTest runs against the test MariaDB, each test on its own fresh
// database; skipped when CP_TEST_MYSQL_URI is unset.
class MysqlStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<MysqlStoreOptions> server = testing::MysqlTestServerOptions();
    if (!server) GTEST_SKIP() << testing::kNoMysqlTestServer;
    server_ = *server;
    absl::StatusOr<std::unique_ptr<testing::MysqlTestDatabase>> database =
        testing::MysqlTestDatabase::Create(server_, "store");
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
  }

  MysqlStoreOptions Options() const {
    MysqlStoreOptions options = database_->options();
    options.pool_size = 4;
    return options;
  }

  std::unique_ptr<Store> OpenMigrated(const MysqlStoreOptions& options) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return nullptr;
    absl::Status migrated = (*store)->Migrate();
    EXPECT_TRUE(migrated.ok()) << migrated;
    return *std::move(store);
  }

  // ConnectionIds returns the server's ids of the connections on this
  // test's database.
  std::vector<std::string> ConnectionIds() {
    absl::StatusOr<std::vector<std::string>> ids =
        testing::MysqlQuery(server_, absl::StrCat("SELECT ID FROM information_schema.PROCESSLIST "
                                                  "WHERE DB = '",
                                                  database_->name(), "'"));
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.ok() ? *ids : std::vector<std::string>();
  }

  // The test MariaDB's own database, for statements that must not run in
  // the test's database (e.g. counting its connections).
  MysqlStoreOptions server_;
  std::unique_ptr<testing::MysqlTestDatabase> database_;
};

// Verifies that a wrong password fails at open with a clear one-line
// FAILED_PRECONDITION that does not contain the password.
TEST_F(MysqlStoreTest, WrongPasswordIsAClearError) {
  MysqlStoreOptions options = Options();
  options.password = "not-the-password-42";
  absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("access denied"));
  EXPECT_THAT(store.status().message(), HasSubstr("1045"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("not-the-password-42")));
  EXPECT_THAT(store.status().message(), Not(HasSubstr(server_.password)));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("\n")));
}

// Verifies that an unknown database fails at open with a clear error.
TEST_F(MysqlStoreTest, UnknownDatabaseIsAClearError) {
  MysqlStoreOptions options = Options();
  options.database = "cp_no_such_database";
  absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("database 'cp_no_such_database' does not exist"));
}

// Verifies that a server nobody listens for is UNAVAILABLE at open.
TEST_F(MysqlStoreTest, UnreachableServerIsUnavailable) {
  MysqlStoreOptions options = Options();
  options.unix_socket = testing::TempDir().File("no.sock");
  absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("no server answers"));
}

// Verifies that the socket form connects, and Describe never shows the
// password.
TEST_F(MysqlStoreTest, ConnectsOverTheSocketAndDescribesWithoutPassword) {
  const char* socket = std::getenv("CP_MYSQL_SOCKET");
  if (socket == nullptr) GTEST_SKIP() << "CP_MYSQL_SOCKET is not set";
  MysqlStoreOptions options = Options();
  options.unix_socket = socket;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(Insert(*store, Profile("over-socket")).ok());
  EXPECT_THAT(store->Describe(), HasSubstr(absl::StrCat("?socket=", socket)));
  EXPECT_THAT(store->Describe(), Not(HasSubstr(server_.password)));
}

// Verifies that the socket of each new connection is found, over TCP and
// over the Unix socket, and is a different one for connections open at the
// same time: the watchdog can bound every connection, none falls back to
// the connector's read timeout.
TEST_F(MysqlStoreTest, FindsEachConnectionsSocket) {
  std::vector<MysqlStoreOptions> transports = {Options()};
  if (const char* socket = std::getenv("CP_MYSQL_SOCKET"); socket != nullptr) {
    transports.push_back(Options());
    transports.back().unix_socket = socket;
  }
  for (const MysqlStoreOptions& options : transports) {
    std::vector<std::unique_ptr<MysqlConnection>> connections;
    std::set<int> fds;
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<std::unique_ptr<MysqlConnection>> connection =
          MysqlConnection::Open(options, absl::Now() + absl::Seconds(10));
      ASSERT_TRUE(connection.ok()) << connection.status();
      EXPECT_GE((*connection)->socket_fd(), 0) << MysqlEndpoint(options);
      fds.insert((*connection)->socket_fd());
      connections.push_back(*std::move(connection));
    }
    EXPECT_EQ(fds.size(), 3u) << MysqlEndpoint(options);
  }
}

// Verifies that a new connection's socket is still found after a lost
// connection's (KILL), whose fd the connector closes while the connection
// lives on, so that the new socket may get the same fd number.
TEST_F(MysqlStoreTest, FindsTheSocketAfterAConnectionWasLost) {
  absl::StatusOr<std::unique_ptr<MysqlConnection>> lost =
      MysqlConnection::Open(Options(), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(lost.ok()) << lost.status();
  for (const std::string& id : ConnectionIds()) {
    ASSERT_TRUE(testing::MysqlExecute(server_, absl::StrCat("KILL ", id)).ok());
  }
  EXPECT_FALSE((*lost)->Call("select after KILL", [&]() { (*lost)->Execute("DO 1"); }).ok());
  EXPECT_TRUE((*lost)->broken());

  absl::StatusOr<std::unique_ptr<MysqlConnection>> next =
      MysqlConnection::Open(Options(), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_GE((*next)->socket_fd(), 0);
}

// Verifies that a borrower waits for a busy pool at most until its
// deadline, then fails with UNAVAILABLE, and that the pool works again once
// the connection is returned.
TEST_F(MysqlStoreTest, PoolExhaustionHonoursTheDeadline) {
  MysqlStoreOptions options = Options();
  options.pool_size = 1;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  absl::Notification holding;
  absl::Notification release;
  std::thread holder([&]() {
    absl::Status status =
        store->Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(30), [&](Transaction&) {
          holding.Notify();
          release.WaitForNotification();
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
  });
  holding.WaitForNotification();
  absl::Time start = absl::Now();
  absl::StatusOr<std::optional<ProfileRecord>> blocked =
      Get(*store, "anything", absl::Milliseconds(300));
  absl::Duration waited = absl::Now() - start;
  release.Notify();
  holder.join();
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable) << blocked.status();
  EXPECT_GE(waited, absl::Milliseconds(250));
  EXPECT_LT(waited, absl::Seconds(2));
  EXPECT_TRUE(Get(*store, "anything", absl::Seconds(5)).ok());
}

// Verifies that a transaction whose connection is killed (KILL) half-way
// leaves nothing behind, fails with UNAVAILABLE, and that the next call
// reconnects and succeeds.
TEST_F(MysqlStoreTest, KilledConnectionLeavesNothingPartialAndNextCallSucceeds) {
  MysqlStoreOptions options = Options();
  options.pool_size = 1;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("warm-up")).ok());

  absl::Status status = store->Run(
      TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10), [&](Transaction& tx) {
        if (absl::Status s = tx.InsertProfile(Profile("first")); !s.ok()) return s;
        std::vector<std::string> ids = ConnectionIds();
        EXPECT_EQ(ids.size(), 1u);
        for (const std::string& id : ids) {
          EXPECT_TRUE(testing::MysqlExecute(server_, absl::StrCat("KILL ", id)).ok());
        }
        return tx.InsertProfile(Profile("second"));
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;

  absl::StatusOr<std::optional<ProfileRecord>> first = Get(*store, "first", absl::Seconds(10));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->has_value());
  absl::StatusOr<std::optional<ProfileRecord>> second = Get(*store, "second", absl::Seconds(10));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->has_value());
  EXPECT_TRUE(Insert(*store, Profile("after")).ok());
}

// Verifies that a connection killed while idle in the pool is replaced
// without failing the next call (its statements are prepared again).
TEST_F(MysqlStoreTest, ConnectionKilledWhileIdleIsReplacedTransparently) {
  MysqlStoreOptions options = Options();
  options.pool_size = 1;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("before")).ok());
  for (const std::string& id : ConnectionIds()) {
    ASSERT_TRUE(testing::MysqlExecute(server_, absl::StrCat("KILL ", id)).ok());
  }
  absl::StatusOr<std::optional<ProfileRecord>> before = Get(*store, "before", absl::Seconds(10));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(before->has_value());
}

// Verifies that two transactions locking two rows in opposite order
// deadlock, and that the store retries the victim so both succeed and no
// update is lost.
TEST_F(MysqlStoreTest, DeadlockIsRetried) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("a")).ok());
  ASSERT_TRUE(Insert(*store, Profile("b")).ok());

  absl::Notification locked_a;
  absl::Notification locked_b;
  std::atomic<int> attempts{0};
  auto transfer = [&](const std::string& first, absl::Notification& mine,
                      absl::Notification& theirs) {
    return store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(20),
                      [&](Transaction& tx) -> absl::Status {
                        ++attempts;
                        if (absl::Status s = Bump(tx, first); !s.ok()) return s;
                        if (!mine.HasBeenNotified()) mine.Notify();
                        theirs.WaitForNotification();
                        return Bump(tx, first == "a" ? "b" : "a");
                      });
  };
  absl::Status status_ab;
  absl::Status status_ba;
  std::thread ab([&]() { status_ab = transfer("a", locked_a, locked_b); });
  std::thread ba([&]() { status_ba = transfer("b", locked_b, locked_a); });
  ab.join();
  ba.join();
  EXPECT_TRUE(status_ab.ok()) << status_ab;
  EXPECT_TRUE(status_ba.ok()) << status_ba;
  EXPECT_GE(attempts.load(), 3);
  for (const char* id : {"a", "b"}) {
    absl::StatusOr<std::optional<ProfileRecord>> record = Get(*store, id, absl::Seconds(10));
    ASSERT_TRUE(record.ok() && record->has_value()) << id;
    EXPECT_EQ((*record)->revision, 3) << id;
  }
}

// Verifies that an update based on a read made earlier in the same
// transaction is ABORTED when another transaction changed the row since,
// and that the other change is kept.
TEST_F(MysqlStoreTest, UpdateAfterStaleReadInTheSameTransactionIsAborted) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord original = Profile("a");
  original.profile.add_tags("old");
  ASSERT_TRUE(Insert(*store, original).ok());
  absl::Status status = store->Run(
      TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10), [&](Transaction& tx) {
        absl::StatusOr<std::optional<ProfileRecord>> read = tx.GetProfile("a");
        if (!read.ok()) return read.status();
        absl::Status other =
            store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                       [&](Transaction& tx2) { return Bump(tx2, "a"); });
        EXPECT_TRUE(other.ok()) << other;
        ProfileRecord next = **read;
        next.revision = 2;
        next.profile.clear_tags();
        next.profile.add_tags("new");
        return tx.UpdateProfile(next, 1);
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  absl::StatusOr<std::optional<ProfileRecord>> stored = Get(*store, "a", absl::Seconds(10));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->revision, 2);
  EXPECT_THAT((*stored)->profile.tags(), ElementsAre("old"));
}

// Verifies that with retries used up a deadlock is ABORTED and the victim's
// writes are rolled back.
TEST_F(MysqlStoreTest, DeadlockWithoutRetriesIsAborted) {
  MysqlStoreOptions options = Options();
  options.max_retries = 0;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("a")).ok());
  ASSERT_TRUE(Insert(*store, Profile("b")).ok());

  absl::Notification locked_a;
  absl::Notification locked_b;
  auto transfer = [&](const std::string& first, absl::Notification& mine,
                      absl::Notification& theirs) {
    return store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(20),
                      [&](Transaction& tx) -> absl::Status {
                        if (absl::Status s = Bump(tx, first); !s.ok()) return s;
                        mine.Notify();
                        theirs.WaitForNotification();
                        return Bump(tx, first == "a" ? "b" : "a");
                      });
  };
  absl::Status status_ab;
  absl::Status status_ba;
  std::thread ab([&]() { status_ab = transfer("a", locked_a, locked_b); });
  std::thread ba([&]() { status_ba = transfer("b", locked_b, locked_a); });
  ab.join();
  ba.join();
  EXPECT_NE(status_ab.ok(), status_ba.ok()) << status_ab << " / " << status_ba;
  const absl::Status& failed = status_ab.ok() ? status_ba : status_ab;
  EXPECT_EQ(failed.code(), absl::StatusCode::kAborted) << failed;
  for (const char* id : {"a", "b"}) {
    absl::StatusOr<std::optional<ProfileRecord>> record = Get(*store, id, absl::Seconds(10));
    ASSERT_TRUE(record.ok() && record->has_value()) << id;
    EXPECT_EQ((*record)->revision, 2) << id;
  }
}

// Verifies that waiting for a row lock held by another transaction ends
// with UNAVAILABLE shortly after the call's deadline instead of hanging.
TEST_F(MysqlStoreTest, LockWaitEndsAtTheDeadline) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("a")).ok());
  absl::Notification holding;
  absl::Notification release;
  std::thread holder([&]() {
    absl::Status status = store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(30),
                                     [&](Transaction& tx) {
                                       absl::Status s = Bump(tx, "a");
                                       holding.Notify();
                                       release.WaitForNotification();
                                       return s;
                                     });
    EXPECT_TRUE(status.ok()) << status;
  });
  holding.WaitForNotification();
  absl::Time start = absl::Now();
  absl::Status blocked = store->Run(TransactionMode::kReadWrite, start + absl::Milliseconds(1500),
                                    [&](Transaction& tx) { return Bump(tx, "a"); });
  absl::Duration waited = absl::Now() - start;
  release.Notify();
  holder.join();
  EXPECT_EQ(blocked.code(), absl::StatusCode::kUnavailable) << blocked;
  EXPECT_LT(waited, absl::Milliseconds(3500));
}

// Verifies that a value longer than its column is INVALID_ARGUMENT and that
// the failed insert leaves nothing behind while the transaction goes on.
TEST_F(MysqlStoreTest, TooLongValueIsInvalidArgumentAndLeavesNothing) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord record = Profile("long");
  record.profile.add_tags("ok");
  record.profile.add_tags(std::string(300, 't'));
  absl::Status status = store->Run(
      TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10), [&](Transaction& tx) {
        absl::Status failed = tx.InsertProfile(record);
        EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument) << failed;
        absl::StatusOr<std::optional<ProfileRecord>> partial = tx.GetProfile("long");
        EXPECT_TRUE(partial.ok() && !partial->has_value());
        return tx.InsertProfile(Profile("short"));
      });
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<std::optional<ProfileRecord>> stored = Get(*store, "long", absl::Seconds(10));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(stored->has_value());
  absl::StatusOr<std::optional<ProfileRecord>> other = Get(*store, "short", absl::Seconds(10));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other->has_value());
}

// Verifies that binary responses (NUL and high bytes) round-trip.
TEST_F(MysqlStoreTest, BinaryValuesRoundTrip) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  IdempotencyRecord record;
  record.scope = "CreateProfile";
  record.request_id = "r-1";
  record.request_hash = std::string("\x00\xff\x01hash", 7);
  record.response = std::string("\x00\x00\xfe\x80resp\x00", 9);
  record.create_time = absl::FromUnixMicros(1700000000123456);
  absl::Status put = store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                                [&](Transaction& tx) { return tx.PutRequest(record); });
  ASSERT_TRUE(put.ok()) << put;
  std::optional<IdempotencyRecord> read;
  absl::Status got =
      store->Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(10), [&](Transaction& tx) {
        auto r = tx.GetRequest("CreateProfile", "r-1");
        if (!r.ok()) return r.status();
        read = *r;
        return absl::OkStatus();
      });
  ASSERT_TRUE(got.ok()) << got;
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->request_hash, record.request_hash);
  EXPECT_EQ(read->response, record.response);
  EXPECT_EQ(read->create_time, record.create_time);
}

// Verifies that writes in a read-only transaction are refused.
TEST_F(MysqlStoreTest, ReadOnlyTransactionRefusesWrites) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  absl::Status status = store->Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(10),
                                   [&](Transaction& tx) { return tx.InsertProfile(Profile("x")); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

// Verifies that servers migrating one database at once apply each
// migration exactly once.
TEST_F(MysqlStoreTest, ConcurrentMigrationsApplyEachVersionOnce) {
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(Options());
    ASSERT_TRUE(store.ok()) << store.status();
    stores.push_back(*std::move(store));
  }
  std::vector<absl::Status> results(stores.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < stores.size(); ++i) {
    threads.emplace_back([&, i]() { results[i] = stores[i]->Migrate(); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  absl::StatusOr<std::vector<std::string>> versions =
      database_->Query("SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(versions->size(), MysqlMigrations().size());
  EXPECT_EQ(versions->front(), "1");
}

// Verifies that a database migrated by a newer binary is refused.
TEST_F(MysqlStoreTest, NewerSchemaIsFailedPrecondition) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(database_->Execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)").ok());
  absl::Status status = store->Migrate();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

// Verifies that CheckSchema refuses a fresh database without creating
// anything, passes once migrated, and refuses a database missing a
// migration or migrated by a newer binary.
TEST_F(MysqlStoreTest, CheckSchemaNeedsEveryMigration) {
  absl::StatusOr<std::unique_ptr<Store>> fresh = OpenMysqlStore(Options());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  absl::Status status = (*fresh)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("schema not migrated: "));
  EXPECT_THAT(status.message(), HasSubstr("has no schema yet"));
  absl::StatusOr<std::vector<std::string>> tables = database_->Query(
      absl::StrCat("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '",
                   database_->name(), "'"));
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_EQ(*tables, std::vector<std::string>{"0"});

  ASSERT_TRUE((*fresh)->Migrate().ok());
  EXPECT_TRUE((*fresh)->CheckSchema().ok());
  const Migration& newest = MysqlMigrations().back();
  ASSERT_TRUE(
      database_
          ->Execute(absl::StrCat("DELETE FROM schema_migrations WHERE version = ", newest.version))
          .ok());
  status = (*fresh)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr(newest.name));
  ASSERT_TRUE((*fresh)->Migrate().ok());
  ASSERT_TRUE(database_->Execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)").ok());
  status = (*fresh)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("newer than this binary knows"));
}

// Verifies that migration 0004 fills lookup_value of the contact points
// already stored: an address with only its ASCII letters lowercased, a phone
// as it is (the migration run again on emptied values, as after a crash).
TEST_F(MysqlStoreTest, LookupMigrationBackfillsContactPoints) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord record = Profile("p1");
  record.profile.add_emails()->set_address("ÅSE.Ada@example.com");
  record.profile.add_phones()->set_number("+4791234567");
  ASSERT_TRUE(Insert(*store, record).ok());
  const std::vector<Migration>& all = MysqlMigrations();
  ASSERT_GE(all.size(), 4u);
  const Migration& newest = all[3];  // the one under test, not the newest
  ASSERT_EQ(newest.name, "0004_lookup");
  ASSERT_TRUE(database_->Execute("UPDATE profile_contact_points SET lookup_value = ''").ok());
  ASSERT_TRUE(
      database_
          ->Execute(absl::StrCat("DELETE FROM schema_migrations WHERE version = ", newest.version))
          .ok());

  ASSERT_TRUE(store->Migrate().ok());

  absl::StatusOr<std::vector<std::string>> values =
      database_->Query("SELECT lookup_value FROM profile_contact_points ORDER BY kind");
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(*values, (std::vector<std::string>{"Åse.ada@example.com", "+4791234567"}));
}

// Verifies the match key backfill: profiles whose duplicate index rows are
// missing (stored before migration 0006) get them when the store migrates,
// from where match_key_backfill says, and the marker is gone after.
TEST_F(MysqlStoreTest, MigrateBackfillsMatchKeys) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < kMatchKeyBackfillBatch + 3; ++i) {
    ProfileRecord record = Profile(absl::StrCat("p", i));
    record.profile.set_given_name("Åse");
    record.profile.set_family_name("NORDMANN");
    record.profile.mutable_birth_date()->set_year(1980);
    record.profile.mutable_birth_date()->set_month(5);
    record.profile.mutable_birth_date()->set_day(17);
    ASSERT_TRUE(Insert(*store, record).ok());
  }
  ASSERT_TRUE(database_->Execute("DELETE FROM profile_contact_points WHERE kind = 'match'").ok());
  ASSERT_TRUE(database_->Execute("INSERT INTO match_key_backfill VALUES ('')").ok());

  ASSERT_TRUE(store->Migrate().ok());

  absl::StatusOr<std::vector<std::string>> count = database_->Query(
      "SELECT COUNT(*) FROM profile_contact_points WHERE kind = 'match' AND "
      "value = CONCAT('n', CHAR(31), 'åse', CHAR(31), 'nordmann', CHAR(31), '1980-5-17')");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, std::vector<std::string>{absl::StrCat(kMatchKeyBackfillBatch + 3)});
  absl::StatusOr<std::vector<std::string>> left =
      database_->Query("SELECT COUNT(*) FROM match_key_backfill");
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, std::vector<std::string>{"0"});
}

// Verifies with EXPLAIN that keyset pagination in create_time order reads
// the (create_time, id) index instead of sorting the table.
TEST_F(MysqlStoreTest, KeysetPaginationUsesTheIndex) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  absl::Status inserted = store->Run(
      TransactionMode::kReadWrite, absl::Now() + absl::Seconds(30), [&](Transaction& tx) {
        for (int i = 0; i < 300; ++i) {
          ProfileRecord record = Profile(absl::StrCat("p", i));
          record.profile.mutable_create_time()->set_seconds(1700000000 + i);
          if (absl::Status s = tx.InsertProfile(record); !s.ok()) return s;
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(inserted.ok()) << inserted;
  ASSERT_TRUE(database_->Execute("ANALYZE TABLE profiles").ok());

  ProfileListQuery query;
  query.limit = 20;
  query.after = ProfileCursor{int64_t{1700000100000000}, "p100"};
  storage::sql::SqlFragment fragment = storage::sql::RenderProfileListQuery(query);
  absl::StatusOr<std::unique_ptr<MysqlConnection>> connection =
      MysqlConnection::Open(Options(), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(connection.ok()) << connection.status();
  std::string key;
  std::string extra;
  absl::Status explained = (*connection)->Call("explain", [&]() {
    ::sql::PreparedStatement& statement =
        (*connection)
            ->Prepare(absl::StrCat("EXPLAIN SELECT p.id, p.revision, p.data FROM profiles p ",
                                   fragment.sql));
    for (size_t i = 0; i < fragment.params.size(); ++i) {
      unsigned int index = static_cast<unsigned int>(i) + 1;
      if (const auto* text = std::get_if<std::string>(&fragment.params[i])) {
        statement.setString(index, *text);
      } else {
        statement.setInt64(index, std::get<int64_t>(fragment.params[i]));
      }
    }
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    ASSERT_TRUE(rows->next());
    key = rows->getString("key");
    extra = rows->getString("Extra");
  });
  ASSERT_TRUE(explained.ok()) << explained;
  EXPECT_EQ(key, "profiles_create_time") << fragment.sql;
  EXPECT_THAT(extra, Not(HasSubstr("filesort"))) << fragment.sql;
}

// Verifies that calls fail with UNAVAILABLE within their deadline while
// MariaDB is stopped, and succeed again once it is back, on the same store.
TEST(MysqlServerRestartTest, UnavailableWhileStoppedAndRecoversAfterRestart) {
  if (!testing::MysqlTestServerOptions()) GTEST_SKIP() << testing::kNoMysqlTestServer;
  testing::PrivateMariaDb server;
  ASSERT_TRUE(server.Start().ok());
  std::optional<MysqlStoreOptions> options = server.Options();
  ASSERT_TRUE(options.has_value());
  absl::StatusOr<std::unique_ptr<Store>> opened = OpenMysqlStore(*options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  ASSERT_TRUE(Insert(store, Profile("survivor")).ok());

  ASSERT_TRUE(server.Stop().ok());
  for (int i = 0; i < 3; ++i) {
    absl::Time start = absl::Now();
    absl::StatusOr<std::optional<ProfileRecord>> down = Get(store, "survivor", absl::Seconds(3));
    EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
    EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  }

  ASSERT_TRUE(server.Start().ok());
  absl::StatusOr<std::optional<ProfileRecord>> up = Get(store, "survivor", absl::Seconds(10));
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_TRUE(up->has_value());
  EXPECT_TRUE(Insert(store, Profile("after-restart")).ok());
}

// Verifies that while MariaDB hangs (SIGSTOP: connections stay open, nothing
// answers) transactions with a 2 s deadline end within half a second of it,
// not after the connector's 30 s read timeout: a read on a pooled connection
// is cut by the watchdog (DEADLINE_EXCEEDED), then a write and a read that
// must connect anew fail in time too; and that after SIGCONT the same store
// reconnects and succeeds.
TEST(MysqlServerHangTest, TransactionsEndAtTheirDeadlineAndRecoverAfterResume) {
  if (!testing::MysqlTestServerOptions()) GTEST_SKIP() << testing::kNoMysqlTestServer;
  testing::PrivateMariaDb server;
  ASSERT_TRUE(server.Start().ok());
  std::optional<MysqlStoreOptions> options = server.Options();
  ASSERT_TRUE(options.has_value());
  absl::StatusOr<std::unique_ptr<Store>> opened = OpenMysqlStore(*options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  ASSERT_TRUE(Insert(store, Profile("survivor")).ok());

  ASSERT_TRUE(server.Pause().ok());
  auto read = [](Transaction& tx) { return tx.GetProfile("survivor").status(); };
  auto write = [](Transaction& tx) { return Bump(tx, "survivor"); };
  struct Step {
    TransactionMode mode;
    absl::FunctionRef<absl::Status(Transaction&)> body;
  };
  Step steps[] = {{TransactionMode::kReadOnly, read},
                  {TransactionMode::kReadWrite, write},
                  {TransactionMode::kReadOnly, read}};
  for (int i = 0; i < 3; ++i) {
    absl::Time start = absl::Now();
    absl::Status status = store.Run(steps[i].mode, start + absl::Seconds(2), steps[i].body);
    absl::Duration took = absl::Now() - start;
    if (i == 0) {
      EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
      EXPECT_GE(took, absl::Milliseconds(1900));
    } else {
      EXPECT_THAT(status.code(), ::testing::AnyOf(absl::StatusCode::kDeadlineExceeded,
                                                  absl::StatusCode::kUnavailable))
          << "step " << i << ": " << status;
    }
    EXPECT_LT(took, absl::Milliseconds(2500)) << "step " << i << ": " << status;
  }

  ASSERT_TRUE(server.Resume().ok());
  absl::StatusOr<std::optional<ProfileRecord>> up = Get(store, "survivor", absl::Seconds(10));
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_TRUE(up->has_value());
  EXPECT_TRUE(Insert(store, Profile("after-resume")).ok());
}

}  // namespace
}  // namespace cp::storage
