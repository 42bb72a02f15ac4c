#pragma once

// The change log contract (storage/change_repository.h): behaviour every
// Store backend must show. Instantiated like StoreContractTest:
//
//   using cp::storage::contract::ChangeContractTest;
//   INSTANTIATE_TEST_SUITE_P(Sqlite, ChangeContractTest, ::testing::Values(StoreFactory(&Make)));

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/change_repository.h"
#include "storage/store.h"
#include "storage/transaction.h"

namespace cp::storage::contract {

// ChangeStoreFactory returns a freshly migrated store over an empty database.
using ChangeStoreFactory = std::function<std::unique_ptr<Store>()>;

class ChangeContractTest : public ::testing::TestWithParam<ChangeStoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()();
    ASSERT_NE(store_, nullptr) << "the store factory returned no store";
  }

  static absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }

  static ChangeRecord Change(const std::string& name, const std::string& profile_id,
                             absl::Time time = absl::FromUnixSeconds(1'800'000'000), int type = 1,
                             int kind = 2) {
    ChangeRecord record;
    record.change_time = time;
    record.resource_type = type;
    record.resource_name = name;
    record.profile_id = profile_id;
    record.kind = kind;
    record.app_id = "app";
    record.actor = "agent-1";
    record.details.add_field_paths("display_name");
    record.details.set_etag("etag-" + name);
    record.details.set_request_id("req");
    record.details.set_after("image");
    return record;
  }

  absl::Status Append(std::vector<ChangeRecord> records) {
    return store_->Run(TransactionMode::kReadWrite, Deadline(), [&](Transaction& tx) {
      for (const ChangeRecord& record : records) {
        if (absl::Status s = tx.changes().AppendChange(record); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
  }

  std::vector<ChangeRecord> List(ChangeQuery query) {
    std::vector<ChangeRecord> found;
    absl::Status status = store_->Run(TransactionMode::kReadOnly, Deadline(), [&](Transaction& tx) {
      auto records = tx.changes().ListChanges(query);
      if (!records.ok()) return records.status();
      found = *std::move(records);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return found;
  }

  std::vector<int64_t> Sequences(int64_t after = 0) {
    std::vector<int64_t> found;
    absl::Status status = store_->Run(TransactionMode::kReadOnly, Deadline(), [&](Transaction& tx) {
      auto sequences = tx.changes().ListSequences(after, 1000);
      if (!sequences.ok()) return sequences.status();
      found = *std::move(sequences);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return found;
  }

  static ChangeQuery All() {
    ChangeQuery query;
    query.through_sequence = INT64_MAX;
    query.limit = 1000;
    return query;
  }

  std::unique_ptr<Store> store_;
};

// Verifies that appended changes get increasing sequences in append order
// and round-trip every column and their details.
TEST_P(ChangeContractTest, AppendedChangesRoundTripInOrder) {
  ASSERT_TRUE(Append({Change("profiles/a", "a"), Change("profiles/b", "b")}).ok());
  ASSERT_TRUE(Append({Change("purposes/p", "", absl::FromUnixSeconds(1'800'000'001), 3, 1)}).ok());
  std::vector<ChangeRecord> all = List(All());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].sequence, all[1].sequence);
  EXPECT_LT(all[1].sequence, all[2].sequence);
  EXPECT_EQ(all[0].resource_name, "profiles/a");
  EXPECT_EQ(all[0].profile_id, "a");
  EXPECT_EQ(all[0].change_time, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(all[0].resource_type, 1);
  EXPECT_EQ(all[0].kind, 2);
  EXPECT_EQ(all[0].app_id, "app");
  EXPECT_EQ(all[0].actor, "agent-1");
  EXPECT_FALSE(all[0].read);
  EXPECT_EQ(all[0].details.etag(), "etag-profiles/a");
  EXPECT_EQ(all[0].details.after(), "image");
  EXPECT_FALSE(all[0].details.has_before());
  EXPECT_EQ(all[2].profile_id, "");
  EXPECT_EQ(all[2].resource_type, 3);

  int64_t max = 0;
  ASSERT_TRUE(store_
                  ->Run(TransactionMode::kReadOnly, Deadline(),
                        [&](Transaction& tx) {
                          auto newest = tx.changes().MaxSequence();
                          if (!newest.ok()) return newest.status();
                          max = *newest;
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(max, all[2].sequence);
  EXPECT_THAT(Sequences(),
              ::testing::ElementsAre(all[0].sequence, all[1].sequence, all[2].sequence));
  EXPECT_THAT(Sequences(all[0].sequence), ::testing::ElementsAre(all[1].sequence, all[2].sequence));
}

// Verifies that a rolled-back transaction leaves no change behind, and a
// read-only one cannot append.
TEST_P(ChangeContractTest, RolledBackAndReadOnlyTransactionsLeaveNothing) {
  absl::Status status = store_->Run(TransactionMode::kReadWrite, Deadline(), [&](Transaction& tx) {
    if (absl::Status s = tx.changes().AppendChange(Change("profiles/x", "x")); !s.ok()) return s;
    return absl::AbortedError("the body failed");
  });
  EXPECT_TRUE(absl::IsAborted(status));
  status = store_->Run(TransactionMode::kReadOnly, Deadline(), [&](Transaction& tx) {
    return tx.changes().AppendChange(Change("profiles/y", "y"));
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(List(All()).empty());
}

// Verifies that the feed query selects by sequence range, type and profile,
// and never returns audited reads.
TEST_P(ChangeContractTest, FeedQuerySelects) {
  ChangeRecord read = Change("profiles/a", "a");
  read.read = true;
  read.kind = 0;
  ASSERT_TRUE(
      Append({Change("profiles/a", "a"), Change("profiles/b", "b"),
              Change("purposes/p", "", absl::FromUnixSeconds(1'800'000'000), 3), read,
              Change("profiles/a/interactions/i", "a", absl::FromUnixSeconds(1'800'000'000), 5, 7)})
          .ok());
  std::vector<ChangeRecord> all = List(All());
  ASSERT_EQ(all.size(), 4u);

  ChangeQuery range = All();
  range.after_sequence = all[0].sequence;
  range.through_sequence = all[2].sequence;
  std::vector<ChangeRecord> middle = List(range);
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(middle[0].resource_name, "profiles/b");
  EXPECT_EQ(middle[1].resource_name, "purposes/p");

  ChangeQuery of_a = All();
  of_a.profile_id = "a";
  std::vector<ChangeRecord> about_a = List(of_a);
  ASSERT_EQ(about_a.size(), 2u);
  EXPECT_EQ(about_a[1].resource_name, "profiles/a/interactions/i");

  ChangeQuery types = All();
  types.resource_types = {3, 5};
  EXPECT_EQ(List(types).size(), 2u);

  ChangeQuery limited = All();
  limited.limit = 1;
  ASSERT_EQ(List(limited).size(), 1u);
}

// Verifies that the audit query reads one customer's rows, reads included,
// newest first, below a cursor and by each filter.
TEST_P(ChangeContractTest, AuditQuerySelectsNewestFirst) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  ChangeRecord read = Change("profiles/a", "a", t0 + absl::Seconds(3), 1, 0);
  read.read = true;
  ChangeRecord other_app = Change("profiles/a", "a", t0 + absl::Seconds(2));
  other_app.app_id = "billing";
  ASSERT_TRUE(
      Append({Change("profiles/a", "a", t0, 1, 1), Change("profiles/b", "b", t0), other_app, read})
          .ok());
  auto audit = [&](AuditQuery query) {
    query.profile_id = "a";
    std::vector<ChangeRecord> found;
    absl::Status status = store_->Run(TransactionMode::kReadOnly, Deadline(), [&](Transaction& tx) {
      auto records = tx.changes().ListAuditEvents(query);
      if (!records.ok()) return records.status();
      found = *std::move(records);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return found;
  };
  std::vector<ChangeRecord> all = audit({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[0].read);
  EXPECT_EQ(all[1].app_id, "billing");
  EXPECT_EQ(all[2].kind, 1);

  AuditQuery below;
  below.before_sequence = all[0].sequence;
  EXPECT_EQ(audit(below).size(), 2u);
  AuditQuery by_app;
  by_app.app_id = "billing";
  EXPECT_EQ(audit(by_app).size(), 1u);
  AuditQuery by_kind;
  by_kind.kind = 1;
  EXPECT_EQ(audit(by_kind).size(), 1u);
  AuditQuery reads;
  reads.read = true;
  EXPECT_EQ(audit(reads).size(), 1u);
  AuditQuery window;
  window.from = t0 + absl::Seconds(1);
  window.to = t0 + absl::Seconds(3);
  ASSERT_EQ(audit(window).size(), 1u);
  AuditQuery by_actor;
  by_actor.actor = "nobody";
  EXPECT_TRUE(audit(by_actor).empty());
}

// Verifies that FirstSequenceSince finds the first change at or after a
// time and that AwaitSequences returns what is committed in its range.
TEST_P(ChangeContractTest, FindsByTimeAndAwaitsRanges) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_TRUE(
      Append({Change("profiles/a", "a", t0), Change("profiles/b", "b", t0 + absl::Seconds(10))})
          .ok());
  std::vector<ChangeRecord> all = List(All());
  ASSERT_EQ(all.size(), 2u);
  ASSERT_TRUE(
      store_
          ->Run(TransactionMode::kReadOnly, Deadline(),
                [&](Transaction& tx) {
                  auto first = tx.changes().FirstSequenceSince(t0 + absl::Seconds(5));
                  EXPECT_TRUE(first.ok());
                  EXPECT_EQ(first->value_or(-1), all[1].sequence);
                  auto none = tx.changes().FirstSequenceSince(t0 + absl::Seconds(11));
                  EXPECT_TRUE(none.ok());
                  EXPECT_FALSE(none->has_value());
                  auto awaited = tx.changes().AwaitSequences(all[0].sequence - 1, all[1].sequence);
                  if (!awaited.ok()) return awaited.status();
                  EXPECT_THAT(*awaited, ::testing::ElementsAre(all[0].sequence, all[1].sequence));
                  return absl::OkStatus();
                })
          .ok());
}

// Verifies that pruning deletes the rows past their retention and only
// those: rows about no customer by the feed cutoff, rows about one (the
// audit trail) by the audit cutoff, kept for ever at InfinitePast; and that
// a pruned log never reuses a sequence.
TEST_P(ChangeContractTest, PruneKeepsWhatRetentionKeeps) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_TRUE(Append({Change("purposes/old", "", t0, 3), Change("profiles/old", "old", t0),
                      Change("purposes/new", "", t0 + absl::Hours(48), 3),
                      Change("profiles/new", "new", t0 + absl::Hours(48))})
                  .ok());
  auto prune = [&](absl::Time feed_cutoff, absl::Time audit_cutoff, int limit) {
    int deleted = -1;
    absl::Status status =
        store_->Run(TransactionMode::kReadWrite, Deadline(), [&](Transaction& tx) {
          auto pruned = tx.changes().PruneChanges(feed_cutoff, audit_cutoff, limit);
          if (!pruned.ok()) return pruned.status();
          deleted = *pruned;
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return deleted;
  };
  const int64_t newest = List(All()).back().sequence;
  EXPECT_EQ(prune(t0 + absl::Hours(24), absl::InfinitePast(), 100), 1);
  std::vector<std::string> left;
  for (const ChangeRecord& record : List(All())) left.push_back(record.resource_name);
  EXPECT_THAT(left, ::testing::ElementsAre("profiles/old", "purposes/new", "profiles/new"));
  EXPECT_EQ(prune(t0 + absl::Hours(24), t0 + absl::Hours(24), 100), 1);
  EXPECT_EQ(List(All()).size(), 2u);
  EXPECT_EQ(prune(t0 + absl::Hours(72), t0 + absl::Hours(72), 1), 1);
  EXPECT_EQ(prune(t0 + absl::Hours(72), t0 + absl::Hours(72), 100), 1);
  EXPECT_TRUE(List(All()).empty());
  ASSERT_TRUE(Append({Change("profiles/again", "again")}).ok());
  EXPECT_GT(List(All()).front().sequence, newest);
}

// Verifies that concurrent writers never share a sequence and that every
// committed change is found.
TEST_P(ChangeContractTest, ConcurrentWritersGetDistinctSequences) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t]() {
      for (int i = 0; i < kEach; ++i) {
        if (!Append({Change(absl::StrCat("profiles/t", t, "-", i), "x")}).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<ChangeRecord> all = List(All());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].sequence, all[i].sequence);
}

}  // namespace cp::storage::contract
