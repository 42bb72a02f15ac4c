// ChangeFeed on a real SQLite store with an injected clock: where calls
// start, how reads move the position, and what pruning keeps.

#include "domain/change/change_feed.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "domain/change/change_tail.h"
#include "domain/common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/status_reason.h"
#include "tests/support/temp_dir.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::Transaction;
using storage::TransactionMode;

absl::Time Deadline() { return absl::Now() + absl::Seconds(20); }

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::SqliteStoreOptions options;
    options.path = dir_.File("p.db");
    auto store = storage::OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->Migrate().ok());
    tail_ = std::make_unique<ChangeTail>(store_.get(), &clock_);
    ChangeFeedOptions options_feed;
    options_feed.retention = absl::Hours(24);
    options_feed.audit_retention = absl::Hours(24 * 30);
    feed_ = std::make_unique<ChangeFeed>(store_.get(), &clock_, tail_.get(), options_feed);
  }

  // Append writes one change at the clock's time.
  void Append(const std::string& name, const std::string& profile_id, int type) {
    ASSERT_TRUE(store_
                    ->Run(TransactionMode::kReadWrite, Deadline(),
                          [&](Transaction& tx) {
                            storage::ChangeRecord record;
                            record.change_time = clock_.Now();
                            record.resource_type = type;
                            record.resource_name = name;
                            record.profile_id = profile_id;
                            record.kind = v1::CHANGE_KIND_CREATED;
                            return tx.changes().AppendChange(record);
                          })
                    .ok());
  }

  std::vector<std::string> NamesAfter(const FeedPosition& from, FeedFilter filter = {}) {
    absl::StatusOr<FeedPage> page = feed_->Read(from, filter, 100, true, Deadline());
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> names;
    if (page.ok()) {
      for (const v1::Change& change : page->changes) names.push_back(change.resource_name());
    }
    return names;
  }

  testing::TempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ChangeTail> tail_;
  std::unique_ptr<ChangeFeed> feed_;
};

// Verifies the three starts: now (nothing before), a time (the first change
// at or after it), a token (just after its change), and their refusals.
TEST_F(ChangeFeedTest, StartsFromNowATimeOrAToken) {
  Append("profiles/a", "a", v1::CHANGE_RESOURCE_TYPE_PROFILE);
  const absl::Time between = clock_.Now() + absl::Seconds(30);
  clock_.Advance(absl::Minutes(1));
  Append("profiles/b", "b", v1::CHANGE_RESOURCE_TYPE_PROFILE);

  absl::StatusOr<FeedPosition> now = feed_->Start("", nullptr, Deadline());
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_TRUE(NamesAfter(*now).empty());

  google::protobuf::Timestamp time = ToProtoTime(between);
  absl::StatusOr<FeedPosition> since = feed_->Start("", &time, Deadline());
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_THAT(NamesAfter(*since), ::testing::ElementsAre("profiles/b"));

  google::protobuf::Timestamp first = ToProtoTime(clock_.Now() - absl::Hours(1));
  absl::StatusOr<FeedPosition> all = feed_->Start("", &first, Deadline());
  ASSERT_TRUE(all.ok());
  absl::StatusOr<FeedPage> page = feed_->Read(*all, {}, 100, true, Deadline());
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->changes.size(), 2u);
  absl::StatusOr<FeedPosition> after_a =
      feed_->Start(page->changes[0].resume_token(), nullptr, Deadline());
  ASSERT_TRUE(after_a.ok());
  EXPECT_THAT(NamesAfter(*after_a), ::testing::ElementsAre("profiles/b"));

  google::protobuf::Timestamp future = ToProtoTime(clock_.Now() + absl::Minutes(1));
  EXPECT_EQ(feed_->Start("", &future, Deadline()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(feed_->Start("x", &first, Deadline()).status().code(),
            absl::StatusCode::kInvalidArgument);
  clock_.Advance(absl::Hours(25));
  absl::StatusOr<FeedPosition> expired =
      feed_->Start(page->changes[0].resume_token(), nullptr, Deadline());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::ReasonOf(expired.status()), "RESUME_TOKEN_EXPIRED");
}

// Verifies that a filtered read that finds nothing moves its position to
// the head, so that its token neither ages nor rereads what it skipped.
TEST_F(ChangeFeedTest, FilteredReadsMoveToTheHead) {
  Append("profiles/a", "a", v1::CHANGE_RESOURCE_TYPE_PROFILE);
  FeedFilter purposes;
  purposes.resource_types = {v1::CHANGE_RESOURCE_TYPE_PURPOSE};
  absl::StatusOr<FeedPage> page = feed_->Read({0, clock_.Now()}, purposes, 100, true, Deadline());
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->changes.empty());
  EXPECT_EQ(page->position.sequence, 1);
  EXPECT_FALSE(page->more);
}

// Verifies that pruning deletes, in batches, the changes about no customer
// past the feed's retention and those about one past the audit retention.
TEST_F(ChangeFeedTest, PruneKeepsEachRowForItsRetention) {
  Append("purposes/old", "", v1::CHANGE_RESOURCE_TYPE_PURPOSE);
  Append("profiles/old", "old", v1::CHANGE_RESOURCE_TYPE_PROFILE);
  clock_.Advance(absl::Hours(48));
  Append("purposes/new", "", v1::CHANGE_RESOURCE_TYPE_PURPOSE);
  absl::StatusOr<int> pruned = feed_->Prune(100, Deadline());
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 1);
  clock_.Advance(absl::Hours(24 * 30));
  pruned = feed_->Prune(1, Deadline());
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  pruned = feed_->Prune(100, Deadline());
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(*feed_->Prune(100, Deadline()), 0);
}

}  // namespace
}  // namespace cp::domain
