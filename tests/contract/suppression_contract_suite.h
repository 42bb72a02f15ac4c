#pragma once

// The storage contract of suppression lists: what every backend's
// SuppressionRepository must do. Instantiated beside StoreContractTest:
//
//   using cp::storage::contract::SuppressionContractTest;
//   INSTANTIATE_TEST_SUITE_P(Sqlite, SuppressionContractTest,
//                            ::testing::Values(StoreFactory(&Make)));

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "storage/suppression_repository.h"
#include "tests/contract/store_contract_suite.h"

namespace cp::storage::contract {

namespace sv1 = ::customerprofile::v1;

class SuppressionContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()();
    ASSERT_NE(store_, nullptr);
  }

  static absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }
  static absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(1700000000 + seconds); }

  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> body) {
    return store_->Run(TransactionMode::kReadWrite, Deadline(), body);
  }
  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> body) {
    return store_->Run(TransactionMode::kReadOnly, Deadline(), body);
  }

  // CreateList stores a phone list blocking SMS and calls, with a fresh
  // generation, and returns it.
  SuppressionListRecord CreateList(const std::string& id,
                                   std::vector<sv1::Channel> channels = {sv1::CHANNEL_SMS,
                                                                         sv1::CHANNEL_PHONE_CALL}) {
    SuppressionListRecord record;
    record.id = id;
    record.revision = 1;
    record.display_name = "List " + id;
    record.source = "Brønnøysund";
    record.identifier_kind = sv1::IDENTIFIER_KIND_PHONE_NUMBER;
    record.channels = channels;
    record.create_time = At(0);
    record.update_time = At(0);
    EXPECT_TRUE(Write([&](Transaction& tx) {
                  auto generation = tx.suppressions().AllocateGeneration(id, At(0));
                  if (!generation.ok()) return generation.status();
                  record.generation = *generation;
                  return tx.suppressions().InsertList(record);
                }).ok());
    return record;
  }

  std::optional<SuppressionListRecord> GetList(const std::string& id) {
    std::optional<SuppressionListRecord> result;
    EXPECT_TRUE(Read([&](Transaction& tx) {
                  auto list = tx.suppressions().GetList(id);
                  if (!list.ok()) return list.status();
                  result = *std::move(list);
                  return absl::OkStatus();
                }).ok());
    return result;
  }

  int64_t Insert(const std::string& list_id, int64_t generation,
                 const std::vector<std::string>& identifiers) {
    int64_t added = -1;
    absl::Status status = Write([&](Transaction& tx) {
      auto n = tx.suppressions().InsertEntries(list_id, generation, identifiers);
      if (!n.ok()) return n.status();
      added = *n;
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return added;
  }

  std::vector<SuppressionMatch> Find(const std::vector<std::string>& identifiers, int64_t mask = 0,
                                     const std::string& list_id = "") {
    std::vector<SuppressionMatch> result;
    absl::Status status = Read([&](Transaction& tx) {
      auto found = tx.suppressions().FindEntries(identifiers, mask, list_id);
      if (!found.ok()) return found.status();
      result = *std::move(found);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return result;
  }

  static std::vector<std::string> Pairs(const std::vector<SuppressionMatch>& matches) {
    std::vector<std::string> pairs;
    for (const SuppressionMatch& m : matches) pairs.push_back(m.list_id + ":" + m.identifier);
    return pairs;
  }

  std::unique_ptr<Store> store_;
};

// Verifies that a list round-trips every field, and that ids are unique.
TEST_P(SuppressionContractTest, ListRoundTripsAndIdsAreUnique) {
  SuppressionListRecord created = CreateList("rr");
  std::optional<SuppressionListRecord> read = GetList("rr");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->display_name, "List rr");
  EXPECT_EQ(read->source, "Brønnøysund");
  EXPECT_EQ(read->identifier_kind, sv1::IDENTIFIER_KIND_PHONE_NUMBER);
  EXPECT_EQ(read->channels, (std::vector<sv1::Channel>{sv1::CHANNEL_SMS, sv1::CHANNEL_PHONE_CALL}));
  EXPECT_EQ(read->generation, created.generation);
  EXPECT_EQ(read->entry_count, 0);
  EXPECT_EQ(read->create_time, At(0));
  EXPECT_FALSE(GetList("missing").has_value());
  std::optional<SuppressionListRecord> locked;
  EXPECT_TRUE(Write([&](Transaction& tx) {
                auto list = tx.suppressions().LockList("rr");
                if (!list.ok()) return list.status();
                locked = *std::move(list);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(locked.has_value());
  EXPECT_EQ(locked->revision, 1);
  absl::Status read_only =
      Read([&](Transaction& tx) { return tx.suppressions().LockList("rr").status(); });
  EXPECT_EQ(read_only.code(), absl::StatusCode::kFailedPrecondition) << read_only;

  SuppressionListRecord again = created;
  absl::Status status = Write([&](Transaction& tx) { return tx.suppressions().InsertList(again); });
  EXPECT_TRUE(absl::IsAlreadyExists(status)) << status;
}

// Verifies that updates need the stored revision, and that lists are paged
// by id.
TEST_P(SuppressionContractTest, UpdateNeedsRevisionAndListPagesById) {
  SuppressionListRecord b = CreateList("b");
  CreateList("a");
  CreateList("c");
  b.display_name = "Renamed";
  b.revision = 2;
  EXPECT_TRUE(
      absl::IsAborted(Write([&](Transaction& tx) { return tx.suppressions().UpdateList(b, 5); })));
  EXPECT_TRUE(Write([&](Transaction& tx) { return tx.suppressions().UpdateList(b, 1); }).ok());
  EXPECT_EQ(GetList("b")->display_name, "Renamed");
  EXPECT_EQ(GetList("b")->revision, 2);

  std::vector<std::string> ids;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto page = tx.suppressions().ListLists("a", 2);
                if (!page.ok()) return page.status();
                for (const auto& list : *page) ids.push_back(list.id);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "c"}));
}

// Verifies that entries are unique per generation, counted, and that only
// a list's current generation is visible to lookups, filtered by channel
// and list, ordered by identifier then list.
TEST_P(SuppressionContractTest, OnlyCurrentGenerationsAreFound) {
  SuppressionListRecord rr = CreateList("rr");
  SuppressionListRecord mail = CreateList("sms-only", {sv1::CHANNEL_SMS});
  EXPECT_EQ(Insert("rr", rr.generation, {"+4791234567", "+4741234567", "+4791234567"}), 2);
  EXPECT_EQ(Insert("rr", rr.generation, {"+4741234567", "+4799999999"}), 1);
  EXPECT_EQ(Insert("sms-only", mail.generation, {"+4791234567"}), 1);
  int64_t staging = 0;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                auto g = tx.suppressions().AllocateGeneration("rr", At(1));
                if (!g.ok()) return g.status();
                staging = *g;
                return absl::OkStatus();
              }).ok());
  EXPECT_GT(staging, rr.generation);
  EXPECT_GT(staging, mail.generation);
  EXPECT_EQ(Insert("rr", staging, {"+4712345678"}), 1);

  std::vector<std::string> keys = {"+4791234567", "+4712345678", "+4700000000"};
  EXPECT_EQ(Pairs(Find(keys)),
            (std::vector<std::string>{"rr:+4791234567", "sms-only:+4791234567"}));
  EXPECT_EQ(Pairs(Find(keys, ChannelMask({sv1::CHANNEL_PHONE_CALL}))),
            (std::vector<std::string>{"rr:+4791234567"}));
  EXPECT_EQ(Pairs(Find(keys, 0, "sms-only")), (std::vector<std::string>{"sms-only:+4791234567"}));
  EXPECT_TRUE(Find(keys, ChannelMask({sv1::CHANNEL_EMAIL})).empty());
  std::vector<SuppressionMatch> matches = Find({"+4741234567"});
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].channels,
            (std::vector<sv1::Channel>{sv1::CHANNEL_SMS, sv1::CHANNEL_PHONE_CALL}));

  int64_t count = 0;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto n = tx.suppressions().CountEntries("rr", rr.generation);
                if (!n.ok()) return n.status();
                count = *n;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(count, 3);

  // Publishing the staging generation swaps what lookups see.
  SuppressionListRecord published = rr;
  published.generation = staging;
  published.revision = 2;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                if (auto s = tx.suppressions().RetireGeneration("rr", rr.generation, At(2));
                    !s.ok()) {
                  return s;
                }
                if (auto s = tx.suppressions().ForgetGeneration(staging); !s.ok()) return s;
                return tx.suppressions().UpdateList(published, 1);
              }).ok());
  EXPECT_EQ(Pairs(Find(keys)),
            (std::vector<std::string>{"rr:+4712345678", "sms-only:+4791234567"}));
}

// Verifies copying (append), single removal, batched deletion and the
// record of retired and staging generations.
TEST_P(SuppressionContractTest, CopyRemoveDeleteAndGenerationRecords) {
  SuppressionListRecord rr = CreateList("rr");
  EXPECT_EQ(Insert("rr", rr.generation, {"+4791234567"}), 1);
  int64_t staging = 0;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                auto g = tx.suppressions().AllocateGeneration("rr", At(5));
                if (!g.ok()) return g.status();
                staging = *g;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(Insert("rr", staging, {"+4791234567", "+4741234567", "+4741234568"}), 3);
  int64_t copied = 0;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                auto n = tx.suppressions().CopyEntries("rr", staging, rr.generation);
                if (!n.ok()) return n.status();
                copied = *n;
                return tx.suppressions().RetireGeneration("rr", staging, At(6));
              }).ok());
  EXPECT_EQ(copied, 2);
  EXPECT_EQ(Find({"+4741234567", "+4741234568", "+4791234567"}).size(), 3u);

  std::vector<GenerationRecord> generations;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto listed = tx.suppressions().ListGenerations();
                if (!listed.ok()) return listed.status();
                generations = *std::move(listed);
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(generations.size(), 1u);
  EXPECT_EQ(generations[0].generation, staging);
  EXPECT_EQ(generations[0].list_id, "rr");
  EXPECT_EQ(generations[0].state, GenerationState::kRetired);
  EXPECT_EQ(generations[0].update_time, At(6));

  std::vector<int64_t> deleted;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Write([&](Transaction& tx) {
                  auto n = tx.suppressions().DeleteEntries("rr", staging, 2);
                  if (!n.ok()) return n.status();
                  deleted.push_back(*n);
                  return absl::OkStatus();
                }).ok());
  }
  EXPECT_EQ(deleted, (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(Find({"+4741234567"}).size(), 1u) << "the current generation keeps its copy";

  bool removed = false;
  bool removed_again = true;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                auto first = tx.suppressions().RemoveEntry("rr", rr.generation, "+4741234567");
                if (!first.ok()) return first.status();
                removed = *first;
                auto second = tx.suppressions().RemoveEntry("rr", rr.generation, "+4741234567");
                if (!second.ok()) return second.status();
                removed_again = *second;
                return tx.suppressions().ForgetGeneration(staging);
              }).ok());
  EXPECT_TRUE(removed);
  EXPECT_FALSE(removed_again);
  EXPECT_TRUE(Find({"+4741234567"}).empty());
}

// Verifies that deleting a list hides its entries at once and retires all
// its generations for cleanup; a stale revision deletes nothing.
TEST_P(SuppressionContractTest, DeleteListRetiresItsGenerations) {
  SuppressionListRecord rr = CreateList("rr");
  Insert("rr", rr.generation, {"+4791234567"});
  SuppressionListRecord stale = rr;
  stale.revision = 7;
  EXPECT_TRUE(absl::IsAborted(
      Write([&](Transaction& tx) { return tx.suppressions().DeleteList(stale, At(3)); })));
  EXPECT_TRUE(GetList("rr").has_value());
  ASSERT_TRUE(Write([&](Transaction& tx) { return tx.suppressions().DeleteList(rr, At(3)); }).ok());
  EXPECT_FALSE(GetList("rr").has_value());
  EXPECT_TRUE(Find({"+4791234567"}).empty());
  std::vector<GenerationRecord> generations;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto listed = tx.suppressions().ListGenerations();
                if (!listed.ok()) return listed.status();
                generations = *std::move(listed);
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(generations.size(), 1u);
  EXPECT_EQ(generations[0].generation, rr.generation);
  EXPECT_EQ(generations[0].state, GenerationState::kRetired);
}

// Verifies that a lookup with many identifiers (more than any statement
// shape the store pads to) finds every one.
TEST_P(SuppressionContractTest, LookupOfManyIdentifiers) {
  SuppressionListRecord rr = CreateList("rr");
  std::vector<std::string> numbers;
  for (int i = 0; i < 3000; ++i) numbers.push_back(absl::StrCat("+47", 90000000 + i * 3));
  EXPECT_EQ(Insert("rr", rr.generation, numbers), 3000);
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) keys.push_back(absl::StrCat("+47", 90000000 + i));
  EXPECT_EQ(Find(keys).size(), 1000u);
}

}  // namespace cp::storage::contract
