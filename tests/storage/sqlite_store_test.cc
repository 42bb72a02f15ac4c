#include "storage/sqlite/sqlite_store.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/match_key_backfill.h"
#include "storage/migration.h"
#include "storage/sql/filter_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "tests/support/temp_dir.h"

namespace cp::storage {
namespace {

using ::testing::HasSubstr;

// Profile returns a live profile at revision 1.
ProfileRecord Profile(const std::string& id) {
  ProfileRecord record;
  record.id = id;
  record.revision = 1;
  record.profile.set_display_name("Name " + id);
  record.profile.mutable_create_time()->set_seconds(1700000000);
  record.profile.mutable_update_time()->set_seconds(1700000000);
  return record;
}

void AddExternalId(ProfileRecord& record, const std::string& system, const std::string& id) {
  auto* external_id = record.profile.add_external_ids();
  external_id->set_system(system);
  external_id->set_id(id);
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreOptions Options() const {
    SqliteStoreOptions options;
    options.path = path_;
    return options;
  }

  std::unique_ptr<Store> OpenMigrated(const SqliteStoreOptions& options) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return nullptr;
    absl::Status migrated = (*store)->Migrate();
    EXPECT_TRUE(migrated.ok()) << migrated;
    return *std::move(store);
  }

  // Raw opens a connection of our own to the same database.
  std::unique_ptr<SqliteConnection> Raw() {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(path_, absl::Seconds(1));
    EXPECT_TRUE(connection.ok()) << connection.status();
    return connection.ok() ? *std::move(connection) : nullptr;
  }

  // QueryInt returns the first column of the first row of `sql`.
  static int64_t QueryInt(SqliteConnection& connection, absl::string_view sql) {
    absl::StatusOr<SqliteStatement> statement = connection.Prepare(sql);
    EXPECT_TRUE(statement.ok()) << statement.status();
    if (!statement.ok()) return -1;
    absl::StatusOr<bool> row = statement->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? statement->ColumnInt64(0) : -1;
  }

  static absl::Status Insert(Store& store, const ProfileRecord& record) {
    return store.Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                     [&](Transaction& tx) { return tx.InsertProfile(record); });
  }

  static std::optional<ProfileRecord> Get(Store& store, const std::string& id) {
    std::optional<ProfileRecord> result;
    absl::Status status = store.Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(10),
                                    [&](Transaction& tx) -> absl::Status {
                                      auto got = tx.GetProfile(id);
                                      if (!got.ok()) return got.status();
                                      result = *got;
                                      return absl::OkStatus();
                                    });
    EXPECT_TRUE(status.ok()) << status;
    return result;
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("nested/folder/profiles.db");
};

// Verifies that opening creates the database's folder and names the store.
TEST_F(SqliteStoreTest, OpenCreatesFolder) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);

  EXPECT_TRUE(std::filesystem::is_directory(dir_.File("nested/folder")));
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(store->Describe(), "sqlite:" + path_);
}

// Verifies that every connection runs in WAL mode with synchronous=FULL,
// foreign keys on and the busy timeout set.
TEST_F(SqliteStoreTest, ConnectionsApplyDurabilitySettings) {
  absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
      SqliteConnection::Open(dir_.File("settings.db"), absl::Milliseconds(1234));
  ASSERT_TRUE(connection.ok()) << connection.status();

  absl::StatusOr<SqliteStatement> mode = (*connection)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
  EXPECT_EQ(QueryInt(**connection, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(QueryInt(**connection, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(QueryInt(**connection, "PRAGMA busy_timeout"), 1234);
}

// Verifies that LIKE compares case-sensitively on the store's connections, so
// prefix filters agree with the binary ordering.
TEST_F(SqliteStoreTest, ConnectionsCompareLikeCaseSensitively) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);

  EXPECT_EQ(QueryInt(*raw, "SELECT 'abc' LIKE 'A%'"), 0);
  EXPECT_EQ(QueryInt(*raw, "SELECT 'Abc' LIKE 'A%'"), 1);
}

// Verifies that a committed write goes to the write-ahead log.
TEST_F(SqliteStoreTest, WriteCreatesWalFile) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);

  ASSERT_TRUE(Insert(*store, Profile("p1")).ok());

  EXPECT_TRUE(std::filesystem::exists(path_ + "-wal"));
}

// Verifies that a writer gives up with UNAVAILABLE at its deadline while
// another connection holds the write lock, well before the busy timeout.
TEST_F(SqliteStoreTest, WriterHonoursDeadlineWhileLockIsHeldElsewhere) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<SqliteConnection> holder = Raw();
  ASSERT_NE(holder, nullptr);
  ASSERT_TRUE(holder->Exec("BEGIN IMMEDIATE").ok());

  absl::Time start = absl::Now();
  absl::Status status = store->Run(TransactionMode::kReadWrite, start + absl::Milliseconds(300),
                                   [](Transaction& tx) { return tx.InsertProfile(Profile("x")); });
  absl::Duration elapsed = absl::Now() - start;

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_GE(elapsed, absl::Milliseconds(250));
  EXPECT_LT(elapsed, absl::Seconds(2));
  // The metrics' view of it: retried while busy, then given up.
  StoreStats stats = store->Stats();
  EXPECT_GE(stats.retries[static_cast<size_t>(RetryCause::kBusy)], 1u);
  // Given up once: at the deadline, or (if the last attempts came that close
  // to it) after the most attempts.
  EXPECT_EQ(stats.aborts[static_cast<size_t>(AbortCause::kDeadline)] +
                stats.aborts[static_cast<size_t>(AbortCause::kBusy)],
            1u);
  EXPECT_EQ(stats.pool.in_use, 0);
  EXPECT_GE(stats.pool.capacity, 1);
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
  EXPECT_TRUE(Insert(*store, Profile("x")).ok());
}

// Verifies that without a deadline a writer waits at most the busy timeout.
TEST_F(SqliteStoreTest, WriterWaitsAtMostBusyTimeoutWithoutDeadline) {
  SqliteStoreOptions options = Options();
  options.busy_timeout = absl::Milliseconds(200);
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  std::unique_ptr<SqliteConnection> holder = Raw();
  ASSERT_NE(holder, nullptr);
  ASSERT_TRUE(holder->Exec("BEGIN IMMEDIATE").ok());

  absl::Time start = absl::Now();
  absl::Status status = store->Run(TransactionMode::kReadWrite, absl::InfiniteFuture(),
                                   [](Transaction& tx) { return tx.InsertProfile(Profile("x")); });
  absl::Duration elapsed = absl::Now() - start;

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_GE(elapsed, absl::Milliseconds(150));
  EXPECT_LT(elapsed, absl::Seconds(2));
  // Without a deadline the busy timeout is the lock's deadline.
  StoreStats stats = store->Stats();
  EXPECT_EQ(stats.aborts[static_cast<size_t>(AbortCause::kDeadline)], 1u);
  EXPECT_EQ(stats.aborts[static_cast<size_t>(AbortCause::kBusy)], 0u);
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
}

// Verifies that readers are not blocked by a writer holding the lock (WAL).
TEST_F(SqliteStoreTest, ReadersProceedWhileWriteLockIsHeld) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("p1")).ok());
  std::unique_ptr<SqliteConnection> holder = Raw();
  ASSERT_NE(holder, nullptr);
  ASSERT_TRUE(holder->Exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(holder->Exec("DELETE FROM profile_tags").ok());

  absl::Time start = absl::Now();
  std::optional<ProfileRecord> record = Get(*store, "p1");

  EXPECT_TRUE(record.has_value());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
}

// Verifies that when every connection is lent out, a borrower fails with
// UNAVAILABLE at its deadline, and succeeds once one is returned.
TEST_F(SqliteStoreTest, ExhaustedPoolFailsAtDeadline) {
  SqliteStoreOptions options = Options();
  options.pool_size = 1;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  absl::Notification borrowed;
  absl::Notification release;
  std::thread holder([&] {
    absl::Status status =
        store->Run(TransactionMode::kReadOnly, absl::InfiniteFuture(), [&](Transaction&) {
          borrowed.Notify();
          release.WaitForNotification();
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
  });
  borrowed.WaitForNotification();

  absl::Time start = absl::Now();
  absl::Status status = store->Run(TransactionMode::kReadOnly, start + absl::Milliseconds(200),
                                   [](Transaction&) { return absl::OkStatus(); });
  absl::Duration elapsed = absl::Now() - start;
  release.Notify();
  holder.join();

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_GE(elapsed, absl::Milliseconds(150));
  EXPECT_LT(elapsed, absl::Seconds(2));
  EXPECT_TRUE(Get(*store, "none") == std::nullopt);
}

// Verifies that a read-only transaction refuses to write.
TEST_F(SqliteStoreTest, ReadOnlyTransactionRejectsWrites) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);

  absl::Status status = store->Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(10),
                                   [](Transaction& tx) { return tx.InsertProfile(Profile("r")); });

  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_FALSE(Get(*store, "r").has_value());
}

// Verifies that a failed write is undone on its own, so a body that carries
// on and commits keeps its other writes but nothing of the failed one.
TEST_F(SqliteStoreTest, FailedWriteLeavesNothingWhenBodyCommits) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord holder = Profile("holder");
  AddExternalId(holder, "billing", "ACC-1");
  ASSERT_TRUE(Insert(*store, holder).ok());

  absl::Status conflict;
  absl::Status status = store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                                   [&](Transaction& tx) {
                                     ProfileRecord other = Profile("other");
                                     other.profile.add_tags("other");
                                     AddExternalId(other, "webshop", "w-1");
                                     AddExternalId(other, "billing", "ACC-1");
                                     conflict = tx.InsertProfile(other);
                                     return tx.InsertProfile(Profile("kept"));
                                   });

  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(conflict.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(conflict.message()), HasSubstr("profile_external_ids"));
  EXPECT_TRUE(Get(*store, "kept").has_value());
  EXPECT_FALSE(Get(*store, "other").has_value());
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM profile_tags"), 0);
  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM profile_external_ids"), 1);
}

// Verifies the side tables written from a profile: tags, external ids with
// their live flag, and email/phone contact points.
TEST_F(SqliteStoreTest, WritesSideTablesFromProfile) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord record = Profile("p1");
  record.profile.add_tags("vip");
  record.profile.add_tags("vip");
  AddExternalId(record, "billing", "ACC-1");
  record.profile.add_emails()->set_address("ann@example.com");
  record.profile.add_emails()->set_address("ann@work.example");
  record.profile.add_phones()->set_number("+4791234567");
  ASSERT_TRUE(Insert(*store, record).ok());
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);

  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM profile_tags WHERE profile_id = 'p1'"), 1);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_contact_points "
                     "WHERE kind = 'email' AND profile_id = 'p1'"),
            2);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_contact_points "
                     "WHERE kind = 'phone' AND value = '+4791234567'"),
            1);
  EXPECT_EQ(QueryInt(*raw, "SELECT live FROM profile_external_ids WHERE profile_id = 'p1'"), 1);

  ProfileRecord deleted = record;
  deleted.revision = 2;
  deleted.profile.mutable_delete_time()->set_seconds(1700000100);
  ASSERT_TRUE(store
                  ->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                        [&](Transaction& tx) { return tx.UpdateProfile(deleted, 1); })
                  .ok());
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_external_ids "
                     "WHERE profile_id = 'p1' AND live IS NULL"),
            1);
  EXPECT_EQ(QueryInt(*raw, "SELECT delete_time FROM profiles WHERE id = 'p1'"), 1700000100000000);
}

// Verifies that two stores migrating one database at once apply every
// migration exactly once.
TEST_F(SqliteStoreTest, ConcurrentMigrationsApplyEachVersionOnce) {
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(Options());
    ASSERT_TRUE(store.ok()) << store.status();
    stores.push_back(*std::move(store));
  }
  absl::Status results[2];
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(results[1].ok()) << results[1];
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(SqliteMigrations().size()));
  EXPECT_EQ(QueryInt(*raw, "SELECT MAX(version) FROM schema_migrations"),
            SqliteMigrations().back().version);
}

// Verifies that a database migrated by a newer binary is refused.
TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->Exec("INSERT INTO schema_migrations VALUES (9999, 'future', 0)").ok());

  absl::Status status = store->Migrate();

  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

// Verifies that CheckSchema refuses a fresh database without creating a
// table, passes once migrated, and refuses a database missing a migration
// or migrated by a newer binary; and that a call on the fresh database is
// FAILED_PRECONDITION saying how to create the schema.
TEST_F(SqliteStoreTest, CheckSchemaNeedsEveryMigration) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(Options());
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status status = (*store)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("schema not migrated: sqlite:" + path_));
  EXPECT_THAT(status.message(), HasSubstr("run profile-server with --migrate=only (or auto)"));
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), 0);

  status = (*store)->Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(10),
                         [](Transaction& tx) { return tx.GetProfile("p1").status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("no such table"));
  EXPECT_THAT(status.message(), HasSubstr("--migrate=only"));

  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_TRUE((*store)->CheckSchema().ok());
  const Migration& newest = SqliteMigrations().back();
  ASSERT_TRUE(
      raw->Exec(absl::StrCat("DELETE FROM schema_migrations WHERE version = ", newest.version))
          .ok());
  status = (*store)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr(newest.name));
  ASSERT_TRUE(raw->Exec(absl::StrCat("INSERT INTO schema_migrations VALUES (", newest.version,
                                     ", '", newest.name, "', 0), (9999, 'future', 0)"))
                  .ok());
  status = (*store)->CheckSchema();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("newer than this binary knows"));
}

// Verifies that migration 0004 fills lookup_value of the contact points
// already stored: an address with only its ASCII letters lowercased, a phone
// as it is (run again on rows whose column was dropped).
TEST_F(SqliteStoreTest, LookupMigrationBackfillsContactPoints) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  ProfileRecord record = Profile("p1");
  record.profile.add_emails()->set_address("ÅSE.Ada@example.com");
  record.profile.add_phones()->set_number("+4791234567");
  ASSERT_TRUE(Insert(*store, record).ok());
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  const std::vector<Migration>& all = SqliteMigrations();
  ASSERT_GE(all.size(), 4u);
  const Migration& newest = all[3];  // the one under test, not the newest
  ASSERT_EQ(newest.name, "0004_lookup");
  ASSERT_TRUE(raw->Exec("DROP INDEX profile_contact_points_lookup").ok());
  ASSERT_TRUE(raw->Exec("ALTER TABLE profile_contact_points DROP COLUMN lookup_value").ok());
  // Migrate applies what comes after the newest applied version: undo the
  // later migrations too, so that 0004 runs again on the stored rows.
  ASSERT_EQ(all.size(), 11u) << "undo the migrations after 0004 here too";
  ASSERT_TRUE(raw->Exec("DROP TABLE change_log").ok());
  ASSERT_TRUE(raw->Exec("DROP TABLE insights_tiers").ok());
  ASSERT_TRUE(raw->Exec("DROP INDEX profiles_insights_value_tier").ok());
  ASSERT_TRUE(raw->Exec("DROP INDEX profiles_insights_last_time").ok());
  ASSERT_TRUE(raw->Exec("ALTER TABLE profiles DROP COLUMN insights_value_tier").ok());
  ASSERT_TRUE(raw->Exec("ALTER TABLE profiles DROP COLUMN insights_last_time").ok());
  ASSERT_TRUE(raw->Exec("DROP TABLE profile_insights").ok());
  ASSERT_TRUE(raw->Exec("DROP TABLE interactions").ok());
  ASSERT_TRUE(raw->Exec("DROP TABLE match_key_backfill").ok());
  ASSERT_TRUE(raw->Exec("DROP TABLE profile_merges").ok());
  ASSERT_TRUE(raw->Exec("DROP INDEX profiles_merged_into").ok());
  ASSERT_TRUE(raw->Exec("ALTER TABLE profiles DROP COLUMN merged_into").ok());
  ASSERT_TRUE(
      raw->Exec(absl::StrCat("DELETE FROM schema_migrations WHERE version >= ", newest.version))
          .ok());

  ASSERT_TRUE(store->Migrate().ok());

  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_contact_points WHERE kind = 'email' AND "
                     "lookup_value = 'Åse.ada@example.com'"),
            1);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_contact_points WHERE kind = 'phone' AND "
                     "lookup_value = '+4791234567'"),
            1);
}

// Verifies the match key backfill: profiles whose duplicate index rows are
// missing (stored before migration 0006) get them when the store migrates,
// in batches, and the marker is gone after.
TEST_F(SqliteStoreTest, MigrateBackfillsMatchKeys) {
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
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->Exec("DELETE FROM profile_contact_points WHERE kind = 'match'").ok());
  ASSERT_TRUE(raw->Exec("INSERT INTO match_key_backfill VALUES ('')").ok());

  ASSERT_TRUE(store->Migrate().ok());

  EXPECT_EQ(QueryInt(*raw,
                     "SELECT COUNT(*) FROM profile_contact_points WHERE kind = 'match' AND "
                     "value = 'n' || char(31) || 'åse' || char(31) || 'nordmann' || char(31) || "
                     "'1980-5-17'"),
            kMatchKeyBackfillBatch + 3);
  EXPECT_EQ(QueryInt(*raw, "SELECT COUNT(*) FROM match_key_backfill"), 0);
}

// Verifies that committed data is there after the store is closed and
// opened again.
TEST_F(SqliteStoreTest, CommittedDataSurvivesReopen) {
  {
    std::unique_ptr<Store> store = OpenMigrated(Options());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(Insert(*store, Profile("p1")).ok());
  }
  std::unique_ptr<Store> reopened = OpenMigrated(Options());
  ASSERT_NE(reopened, nullptr);

  std::optional<ProfileRecord> record = Get(*reopened, "p1");

  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->profile.display_name(), "Name p1");
}

// Verifies that a store with a profile cache fills it from read-only
// transactions, never from writing ones, and drops a profile from it when a
// write of that profile commits, so the next read sees the new revision.
TEST_F(SqliteStoreTest, CachedStoreFillsFromReadsAndDropsOnWrite) {
  SqliteStoreOptions options = Options();
  options.profile_cache_bytes = 1 << 20;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  ProfileCache* cache = store->profile_cache();
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("p1")).ok());
  EXPECT_EQ(cache->Lookup("p1"), nullptr);

  ASSERT_TRUE(Get(*store, "p1").has_value());
  std::shared_ptr<const CachedProfile> cached = cache->Lookup("p1");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->revision, 1);

  ProfileRecord updated = Profile("p1");
  updated.revision = 2;
  updated.profile.set_display_name("Renamed");
  ASSERT_TRUE(store
                  ->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                        [&](Transaction& tx) -> absl::Status {
                          // A read inside a writing transaction fills nothing.
                          if (auto got = tx.GetProfile("p1"); !got.ok()) return got.status();
                          return tx.UpdateProfile(updated, 1);
                        })
                  .ok());
  EXPECT_EQ(cache->Lookup("p1"), nullptr);

  std::optional<ProfileRecord> reread = Get(*store, "p1");
  ASSERT_TRUE(reread.has_value());
  EXPECT_EQ(reread->revision, 2);
  cached = cache->Lookup("p1");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->revision, 2);
}

// Verifies that a write whose transaction fails leaves the cached row in
// place: nothing was committed.
TEST_F(SqliteStoreTest, CachedStoreKeepsRowWhenWriteRollsBack) {
  SqliteStoreOptions options = Options();
  options.profile_cache_bytes = 1 << 20;
  std::unique_ptr<Store> store = OpenMigrated(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Insert(*store, Profile("p1")).ok());
  ASSERT_TRUE(Get(*store, "p1").has_value());

  ProfileRecord updated = Profile("p1");
  updated.revision = 2;
  absl::Status status = store->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                                   [&](Transaction& tx) -> absl::Status {
                                     if (absl::Status s = tx.UpdateProfile(updated, 1); !s.ok()) {
                                       return s;
                                     }
                                     return absl::InternalError("fails after the write");
                                   });
  ASSERT_EQ(status.code(), absl::StatusCode::kInternal);

  std::shared_ptr<const CachedProfile> cached = store->profile_cache()->Lookup("p1");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->revision, 1);
  EXPECT_EQ(Get(*store, "p1")->revision, 1);
}

// Verifies that a store with a cache keeps every other cached store out of
// its file (FAILED_PRECONDITION), and lets one in once it is closed; a
// store without a cache has none and takes no lock.
TEST_F(SqliteStoreTest, CachedStoreLocksItsFileAgainstEveryOtherStore) {
  SqliteStoreOptions cached = Options();
  cached.profile_cache_bytes = 1 << 20;
  std::unique_ptr<Store> first = OpenMigrated(cached);
  ASSERT_NE(first, nullptr);

  absl::StatusOr<std::unique_ptr<Store>> second = OpenSqliteStore(cached);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another process"));
  // A store without a cache would write behind the cache's back.
  absl::StatusOr<std::unique_ptr<Store>> uncached_meanwhile = OpenSqliteStore(Options());
  ASSERT_FALSE(uncached_meanwhile.ok());
  EXPECT_EQ(uncached_meanwhile.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(uncached_meanwhile.status().message(), HasSubstr("caches profiles"));

  first.reset();
  // Stores without a cache share the file, and keep a cached one out.
  absl::StatusOr<std::unique_ptr<Store>> one = OpenSqliteStore(Options());
  ASSERT_TRUE(one.ok()) << one.status();
  absl::StatusOr<std::unique_ptr<Store>> two = OpenSqliteStore(Options());
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ((*one)->profile_cache(), nullptr);
  absl::StatusOr<std::unique_ptr<Store>> cached_meanwhile = OpenSqliteStore(cached);
  ASSERT_FALSE(cached_meanwhile.ok());
  EXPECT_EQ(cached_meanwhile.status().code(), absl::StatusCode::kFailedPrecondition);

  one->reset();
  two->reset();
  absl::StatusOr<std::unique_ptr<Store>> after = OpenSqliteStore(cached);
  EXPECT_TRUE(after.ok()) << after.status();
}

// Verifies that a list page in each order walks that order's index instead
// of sorting the whole table.
TEST_F(SqliteStoreTest, ListOrdersUseIndexes) {
  std::unique_ptr<Store> store = OpenMigrated(Options());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<SqliteConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  const std::pair<ProfileOrderField, const char*> orders[] = {
      {ProfileOrderField::kCreateTime, "profiles_create_time"},
      {ProfileOrderField::kUpdateTime, "profiles_update_time"},
      {ProfileOrderField::kDisplayName, "profiles_display_name"}};
  for (const auto& [field, index] : orders) {
    ProfileListQuery query;
    query.order_field = field;
    query.descending = true;
    query.after = ProfileCursor{field == ProfileOrderField::kDisplayName
                                    ? std::variant<int64_t, std::string>(std::string("m"))
                                    : std::variant<int64_t, std::string>(int64_t{5}),
                                "id"};
    sql::SqlFragment fragment = sql::RenderProfileListQuery(query);
    absl::StatusOr<SqliteStatement> plan = raw->Prepare(
        "EXPLAIN QUERY PLAN SELECT p.id, p.revision, p.data FROM profiles p " + fragment.sql);
    ASSERT_TRUE(plan.ok()) << plan.status();
    for (size_t i = 0; i < fragment.params.size(); ++i) {
      if (const auto* text = std::get_if<std::string>(&fragment.params[i])) {
        plan->BindText(static_cast<int>(i) + 1, *text);
      } else {
        plan->BindInt64(static_cast<int>(i) + 1, std::get<int64_t>(fragment.params[i]));
      }
    }
    std::string details;
    while (true) {
      absl::StatusOr<bool> row = plan->Step();
      ASSERT_TRUE(row.ok()) << row.status();
      if (!*row) break;
      details += std::string(plan->ColumnText(3)) + "\n";
    }
    EXPECT_THAT(details, HasSubstr(index));
    EXPECT_THAT(details, ::testing::Not(HasSubstr("TEMP B-TREE"))) << details;
  }
}

}  // namespace
}  // namespace cp::storage
