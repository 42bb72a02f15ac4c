#pragma once

// The storage contract: behaviour every Store backend must show. A backend's
// test file instantiates the suite with a factory returning a freshly
// migrated store over an empty database (gtest needs the suite's unqualified
// name, hence the using-declaration):
//
//   using cp::storage::contract::StoreContractTest;
//   using cp::storage::contract::StoreFactory;
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(StoreFactory(&Make)));

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "customerprofile/v1/profile.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/interaction_repository.h"
#include "storage/merge_repository.h"
#include "storage/profile_query.h"
#include "storage/store.h"
#include "storage/transaction.h"

namespace cp::storage {

// PrintTo names a store factory in gtest output instead of dumping its
// bytes. (Found by argument-dependent lookup: the factory's type mentions
// Store.)
inline void PrintTo(const std::function<std::unique_ptr<Store>()>& /*factory*/, std::ostream* os) {
  *os << "store factory";
}

}  // namespace cp::storage

namespace cp::storage::contract {

// StoreFactory returns a freshly migrated store over an empty database.
using StoreFactory = std::function<std::unique_ptr<Store>()>;

// SetMicros sets a protobuf timestamp to microseconds since the epoch.
inline void SetMicros(google::protobuf::Timestamp* time, int64_t micros) {
  time->set_seconds(micros / 1000000);
  time->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

// MicrosOf returns a protobuf timestamp as microseconds since the epoch.
inline int64_t MicrosOf(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

// NewRecord returns a live profile at revision 1 created and updated at
// `micros`.
inline ProfileRecord NewRecord(const std::string& id, int64_t micros = 1000) {
  ProfileRecord record;
  record.id = id;
  record.revision = 1;
  record.profile.set_name("profiles/" + id);
  record.profile.set_display_name("Name " + id);
  SetMicros(record.profile.mutable_create_time(), micros);
  SetMicros(record.profile.mutable_update_time(), micros);
  return record;
}

// AddExternalId adds (system, id) to a profile.
inline void AddExternalId(ProfileRecord& record, const std::string& system, const std::string& id) {
  customerprofile::v1::ExternalId* external_id = record.profile.add_external_ids();
  external_id->set_system(system);
  external_id->set_id(id);
}

// FullRecord returns a profile with every field set.
inline ProfileRecord FullRecord(const std::string& id) {
  namespace v1 = customerprofile::v1;
  ProfileRecord record = NewRecord(id, 1700000000123456);
  record.revision = 7;
  v1::Profile& p = record.profile;
  p.set_etag("\"7\"");
  SetMicros(p.mutable_update_time(), 1700000100654321);
  p.set_given_name("Åse");
  p.set_family_name("Ødegård");
  p.set_display_name("Åse Ødegård");
  v1::Email* email = p.add_emails();
  email->set_address("ase@example.com");
  email->set_label(v1::EMAIL_LABEL_HOME);
  email->set_verified(true);
  email->set_primary(true);
  p.add_emails()->set_address("ase@work.example");
  v1::Phone* phone = p.add_phones();
  phone->set_number("+4791234567");
  phone->set_label(v1::PHONE_LABEL_MOBILE);
  phone->set_primary(true);
  v1::Address* address = p.add_addresses();
  address->set_label(v1::ADDRESS_LABEL_HOME);
  address->add_address_lines("Storgata 1");
  address->add_address_lines("Leilighet 2");
  address->set_postal_code("0155");
  address->set_locality("Oslo");
  address->set_region("Oslo");
  address->set_region_code("NO");
  p.mutable_birth_date()->set_year(1980);
  p.mutable_birth_date()->set_month(2);
  p.mutable_birth_date()->set_day(29);
  p.set_language_code("nb-NO");
  p.set_region_code("NO");
  AddExternalId(record, "billing", "ACC-1042");
  AddExternalId(record, "webshop", "u_991");
  p.add_tags("vip");
  p.add_tags("newsletter-2026");
  (*p.mutable_attributes())["tier"].set_string_value("gold");
  (*p.mutable_attributes())["visits"].set_int64_value(-42);
  (*p.mutable_attributes())["score"].set_double_value(0.25);
  (*p.mutable_attributes())["opted_in"].set_bool_value(true);
  SetMicros((*p.mutable_attributes())["last_seen"].mutable_timestamp_value(), 1690000000000001);
  return record;
}

// Compare, And, Or and Not build filter expressions.
inline FilterNode Compare(FilterField field, FilterOp op, FilterValue value, bool prefix = false) {
  FilterNode node;
  node.kind = FilterNode::Kind::kCompare;
  node.field = field;
  node.op = op;
  node.value = std::move(value);
  node.prefix = prefix;
  return node;
}

inline FilterNode And(std::vector<FilterNode> children) {
  FilterNode node;
  node.kind = FilterNode::Kind::kAnd;
  node.children = std::move(children);
  return node;
}

inline FilterNode Or(std::vector<FilterNode> children) {
  FilterNode node;
  node.kind = FilterNode::Kind::kOr;
  node.children = std::move(children);
  return node;
}

inline FilterNode Not(FilterNode child) {
  FilterNode node;
  node.kind = FilterNode::Kind::kNot;
  node.children.push_back(std::move(child));
  return node;
}

// OrderKey is the value a record sorts by in `field`, as a cursor holds it.
inline std::variant<int64_t, std::string> OrderKey(const ProfileRecord& record,
                                                   ProfileOrderField field) {
  switch (field) {
    case ProfileOrderField::kCreateTime:
      return MicrosOf(record.profile.create_time());
    case ProfileOrderField::kUpdateTime:
      return MicrosOf(record.profile.update_time());
    case ProfileOrderField::kDisplayName:
      return record.profile.display_name();
  }
  return int64_t{0};
}

// ExpectedOrder sorts records by (key, id) as the store must, returning ids.
inline std::vector<std::string> ExpectedOrder(std::vector<ProfileRecord> records,
                                              ProfileOrderField field, bool descending) {
  std::sort(records.begin(), records.end(), [&](const ProfileRecord& a, const ProfileRecord& b) {
    auto ka = OrderKey(a, field);
    auto kb = OrderKey(b, field);
    if (ka != kb) return descending ? kb < ka : ka < kb;
    return descending ? b.id < a.id : a.id < b.id;
  });
  std::vector<std::string> ids;
  for (const ProfileRecord& record : records) ids.push_back(record.id);
  return ids;
}

inline constexpr ProfileOrderField kOrderFields[] = {ProfileOrderField::kCreateTime,
                                                     ProfileOrderField::kUpdateTime,
                                                     ProfileOrderField::kDisplayName};

// StoreContractTest runs every contract test on the store its parameter
// makes, one fresh store per test.
class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()();
    ASSERT_NE(store_, nullptr) << "the store factory returned no store";
  }

  static absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }

  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> body) {
    return store_->Run(TransactionMode::kReadWrite, Deadline(), body);
  }

  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> body) {
    return store_->Run(TransactionMode::kReadOnly, Deadline(), body);
  }

  absl::Status Insert(const ProfileRecord& record) {
    return Write([&](Transaction& tx) { return tx.InsertProfile(record); });
  }

  absl::Status Update(const ProfileRecord& record, int64_t expected_revision) {
    return Write([&](Transaction& tx) { return tx.UpdateProfile(record, expected_revision); });
  }

  // Get reads profile `id` in a read-only transaction and, for a store with
  // a profile cache, checks that what the cache held for it just before
  // (what a server would have answered) is what the transaction read.
  std::optional<ProfileRecord> Get(const std::string& id) {
    ProfileCache* cache = store_->profile_cache();
    std::shared_ptr<const CachedProfile> cached = cache ? cache->Lookup(id) : nullptr;
    std::optional<ProfileRecord> result;
    absl::Status status = Read([&](Transaction& tx) {
      absl::StatusOr<std::optional<ProfileRecord>> record = tx.GetProfile(id);
      if (!record.ok()) return record.status();
      result = *std::move(record);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    ExpectCacheAgrees(id, cached, result);
    return result;
  }

  // ExpectCacheAgrees checks that a cached row of `id` (null: none) has the
  // revision and data of what a transaction read.
  static void ExpectCacheAgrees(const std::string& id,
                                const std::shared_ptr<const CachedProfile>& cached,
                                const std::optional<ProfileRecord>& read) {
    if (cached == nullptr) return;
    ASSERT_TRUE(read.has_value()) << "the cache holds " << id << ", the store does not";
    EXPECT_EQ(cached->revision, read->revision) << id;
    customerprofile::v1::Profile parsed;
    ASSERT_TRUE(parsed.ParseFromString(cached->data)) << id;
    EXPECT_EQ(parsed.display_name(), read->profile.display_name()) << id;
  }

  std::optional<std::string> FindLive(const std::string& system, const std::string& id) {
    std::optional<std::string> result;
    absl::Status status = Read([&](Transaction& tx) {
      absl::StatusOr<std::optional<std::string>> owner = tx.FindLiveProfileByExternalId(system, id);
      if (!owner.ok()) return owner.status();
      result = *std::move(owner);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return result;
  }

  // LookupIds returns the ids LookupProfiles finds for an identifier, in
  // the order returned.
  std::vector<std::string> LookupIds(ProfileIdentifier::Kind kind, const std::string& value,
                                     int limit = 101, const std::string& system = "") {
    std::vector<std::string> ids;
    absl::Status status = Read([&](Transaction& tx) {
      ids.clear();
      absl::StatusOr<std::vector<ProfileRecord>> records =
          tx.LookupProfiles(ProfileIdentifier{kind, system, value}, limit);
      if (!records.ok()) return records.status();
      for (const ProfileRecord& record : *records) ids.push_back(record.id);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return ids;
  }

  std::vector<ProfileRecord> List(const ProfileListQuery& query) {
    std::vector<ProfileRecord> result;
    absl::Status status = Read([&](Transaction& tx) {
      absl::StatusOr<std::vector<ProfileRecord>> records = tx.ListProfiles(query);
      if (!records.ok()) return records.status();
      result = *std::move(records);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return result;
  }

  std::vector<std::string> ListIds(const ProfileListQuery& query) {
    std::vector<std::string> ids;
    for (const ProfileRecord& record : List(query)) ids.push_back(record.id);
    return ids;
  }

  std::vector<std::string> FilterIds(FilterNode filter, bool show_deleted = false) {
    ProfileListQuery query;
    query.filter = std::move(filter);
    query.show_deleted = show_deleted;
    query.limit = 100;
    return ListIds(query);
  }

  // InsertListData stores profiles p1..p7 (p7 soft-deleted) for the list
  // tests and returns them.
  std::vector<ProfileRecord> InsertListData() {
    struct Row {
      const char* id;
      int64_t create;
      int64_t update;
      const char* display_name;
      const char* region;
      std::vector<std::string> tags;
      std::vector<std::pair<std::string, std::string>> external_ids;
    };
    const std::vector<Row> rows = {
        {"p1", 1000, 5000, "Alice", "NO", {"vip", "newsletter"}, {{"billing", "ACC-1"}}},
        {"p2", 2000, 4000, "alina", "SE", {"vip"}, {{"webshop", "u_1"}}},
        {"p3", 3000, 3000, "Bob", "NO", {}, {{"billing", "ACC-2"}, {"webshop", "u_2"}}},
        {"p4", 3000, 2000, "Bob", "DK", {"newsletter"}, {}},
        {"p5", 4000, 1000, "100% Carl", "NO", {}, {}},
        {"p6", 5000, 5000, "1000 Dora", "", {}, {}},
        {"p7", 6000, 7000, "Alfred", "NO", {"vip"}, {{"billing", "ACC-3"}}},
    };
    std::vector<ProfileRecord> records;
    for (const Row& row : rows) {
      ProfileRecord record = NewRecord(row.id, row.create);
      SetMicros(record.profile.mutable_update_time(), row.update);
      record.profile.set_display_name(row.display_name);
      record.profile.set_region_code(row.region);
      for (const std::string& tag : row.tags) record.profile.add_tags(tag);
      for (const auto& [system, id] : row.external_ids) AddExternalId(record, system, id);
      if (record.id == "p7") SetMicros(record.profile.mutable_delete_time(), 7000);
      EXPECT_TRUE(Insert(record).ok()) << record.id;
      records.push_back(record);
    }
    return records;
  }

  std::unique_ptr<Store> store_;
};

// Verifies that a profile with every field set comes back exactly as stored.
TEST_P(StoreContractTest, InsertThenGetRoundTripsFullProfile) {
  ProfileRecord record = FullRecord("full-1");
  ASSERT_TRUE(Insert(record).ok());

  std::optional<ProfileRecord> stored = Get("full-1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, "full-1");
  EXPECT_EQ(stored->revision, 7);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored->profile, record.profile))
      << stored->profile.DebugString();
}

// Verifies that reading an unknown id yields no record and no error.
TEST_P(StoreContractTest, GetMissingProfileReturnsNothing) {
  EXPECT_FALSE(Get("missing").has_value());
}

// Verifies that a second insert with the same id is ALREADY_EXISTS and leaves
// the first profile untouched.
TEST_P(StoreContractTest, InsertDuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(Insert(NewRecord("dup")).ok());
  ProfileRecord second = NewRecord("dup");
  second.profile.set_display_name("Other");

  absl::Status status = Insert(second);

  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  std::optional<ProfileRecord> stored = Get("dup");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->profile.display_name(), "Name dup");
}

// Verifies that an update with the current revision replaces the profile and
// its indexed columns.
TEST_P(StoreContractTest, UpdateWithCurrentRevisionReplacesProfile) {
  ProfileRecord record = NewRecord("u1");
  record.profile.set_region_code("NO");
  record.profile.add_tags("old");
  ASSERT_TRUE(Insert(record).ok());

  record.revision = 2;
  record.profile.set_region_code("SE");
  record.profile.clear_tags();
  record.profile.add_tags("new");
  ASSERT_TRUE(Update(record, 1).ok());

  std::optional<ProfileRecord> stored = Get("u1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 2);
  EXPECT_EQ(stored->profile.region_code(), "SE");
  EXPECT_THAT(FilterIds(Compare(FilterField::kRegionCode, FilterOp::kEq, "SE")),
              ::testing::ElementsAre("u1"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "new")),
              ::testing::ElementsAre("u1"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "old")), ::testing::IsEmpty());
}

// Verifies that a read after each committed write of a profile that was
// read before sees that write (a store's cache, if any, included: Get
// checks it too).
TEST_P(StoreContractTest, ReadAfterEachWriteSeesIt) {
  ProfileRecord record = NewRecord("r1");
  ASSERT_TRUE(Insert(record).ok());
  for (int64_t revision = 2; revision <= 4; ++revision) {
    ASSERT_EQ(Get("r1")->revision, revision - 1);
    record.revision = revision;
    record.profile.set_display_name(absl::StrCat("Name ", revision));
    ASSERT_TRUE(Update(record, revision - 1).ok());
    std::optional<ProfileRecord> stored = Get("r1");
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->revision, revision);
    EXPECT_EQ(stored->profile.display_name(), absl::StrCat("Name ", revision));
  }
}

// Verifies that an update with a stale revision is ABORTED and changes
// nothing.
TEST_P(StoreContractTest, UpdateWithStaleRevisionIsAbortedAndChangesNothing) {
  ProfileRecord record = NewRecord("u2");
  ASSERT_TRUE(Insert(record).ok());
  record.revision = 2;
  ASSERT_TRUE(Update(record, 1).ok());

  ProfileRecord stale = record;
  stale.revision = 2;
  stale.profile.set_display_name("Lost");
  stale.profile.add_tags("lost");
  absl::Status status = Update(stale, 1);

  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  std::optional<ProfileRecord> stored = Get("u2");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 2);
  EXPECT_EQ(stored->profile.display_name(), "Name u2");
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "lost")), ::testing::IsEmpty());
}

// Verifies that updating a profile that does not exist is ABORTED and
// creates nothing.
TEST_P(StoreContractTest, UpdateOfMissingProfileIsAborted) {
  absl::Status status = Update(NewRecord("ghost"), 1);

  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_FALSE(Get("ghost").has_value());
}

// Verifies that inserting a profile with an external id another live profile
// holds is ALREADY_EXISTS and stores nothing of the new profile.
TEST_P(StoreContractTest, InsertWithTakenExternalIdIsAlreadyExists) {
  ProfileRecord holder = NewRecord("holder");
  AddExternalId(holder, "billing", "ACC-1");
  ASSERT_TRUE(Insert(holder).ok());
  ProfileRecord other = NewRecord("other");
  other.profile.add_tags("other-tag");
  AddExternalId(other, "webshop", "w-1");
  AddExternalId(other, "billing", "ACC-1");

  absl::Status status = Insert(other);

  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_FALSE(Get("other").has_value());
  EXPECT_FALSE(FindLive("webshop", "w-1").has_value());
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "other-tag")),
              ::testing::IsEmpty());
  EXPECT_EQ(FindLive("billing", "ACC-1"), "holder");
}

// Verifies that an update adding an external id another live profile holds
// is ALREADY_EXISTS and leaves the profile and its side rows as they were.
TEST_P(StoreContractTest, UpdateWithTakenExternalIdIsAlreadyExistsAndChangesNothing) {
  ProfileRecord holder = NewRecord("holder");
  AddExternalId(holder, "billing", "ACC-1");
  ASSERT_TRUE(Insert(holder).ok());
  ProfileRecord other = NewRecord("other");
  other.profile.add_tags("before");
  AddExternalId(other, "webshop", "w-1");
  ASSERT_TRUE(Insert(other).ok());

  ProfileRecord changed = other;
  changed.revision = 2;
  changed.profile.clear_tags();
  changed.profile.add_tags("after");
  changed.profile.clear_external_ids();
  AddExternalId(changed, "billing", "ACC-1");
  absl::Status status = Update(changed, 1);

  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  std::optional<ProfileRecord> stored = Get("other");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 1);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored->profile, other.profile));
  EXPECT_EQ(FindLive("webshop", "w-1"), "other");
  EXPECT_EQ(FindLive("billing", "ACC-1"), "holder");
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "before")),
              ::testing::ElementsAre("other"));
}

// Verifies that the same id in another system, or another id in the same
// system, does not conflict.
TEST_P(StoreContractTest, ExternalIdsConflictOnlyOnSameSystemAndId) {
  ProfileRecord a = NewRecord("a");
  AddExternalId(a, "billing", "X");
  ProfileRecord b = NewRecord("b");
  AddExternalId(b, "webshop", "X");
  ProfileRecord c = NewRecord("c");
  AddExternalId(c, "billing", "Y");

  EXPECT_TRUE(Insert(a).ok());
  EXPECT_TRUE(Insert(b).ok());
  EXPECT_TRUE(Insert(c).ok());
  EXPECT_EQ(FindLive("billing", "X"), "a");
  EXPECT_EQ(FindLive("webshop", "X"), "b");
  EXPECT_EQ(FindLive("billing", "Y"), "c");
}

// Verifies that soft-deleting the holder frees its external id for another
// profile, and that undeleting the holder then conflicts.
TEST_P(StoreContractTest, SoftDeleteFreesExternalId) {
  ProfileRecord holder = NewRecord("holder");
  AddExternalId(holder, "billing", "ACC-1");
  ASSERT_TRUE(Insert(holder).ok());
  ProfileRecord deleted = holder;
  deleted.revision = 2;
  SetMicros(deleted.profile.mutable_delete_time(), 2000);
  ASSERT_TRUE(Update(deleted, 1).ok());
  EXPECT_FALSE(FindLive("billing", "ACC-1").has_value());

  ProfileRecord successor = NewRecord("successor");
  AddExternalId(successor, "billing", "ACC-1");
  ASSERT_TRUE(Insert(successor).ok());
  EXPECT_EQ(FindLive("billing", "ACC-1"), "successor");

  ProfileRecord undeleted = deleted;
  undeleted.revision = 3;
  undeleted.profile.clear_delete_time();
  absl::Status status = Update(undeleted, 2);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  std::optional<ProfileRecord> stored = Get("holder");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 2);
  EXPECT_TRUE(stored->profile.has_delete_time());
}

// Verifies that FindLiveProfileByExternalId finds live holders only.
TEST_P(StoreContractTest, FindLiveProfileByExternalIdIgnoresDeletedAndUnknown) {
  ProfileRecord live = NewRecord("live");
  AddExternalId(live, "billing", "L");
  ProfileRecord gone = NewRecord("gone");
  AddExternalId(gone, "billing", "G");
  SetMicros(gone.profile.mutable_delete_time(), 5000);
  ASSERT_TRUE(Insert(live).ok());
  ASSERT_TRUE(Insert(gone).ok());

  EXPECT_EQ(FindLive("billing", "L"), "live");
  EXPECT_FALSE(FindLive("billing", "G").has_value());
  EXPECT_FALSE(FindLive("billing", "unknown").has_value());
  EXPECT_FALSE(FindLive("BILLING", "L").has_value());
}

// Verifies that LookupProfiles matches an e-mail address ASCII
// case-insensitively on the whole address, a phone in E.164 and an external
// id as the (system, id) pair, and that a profile holding an address twice
// (in two cases) is returned once.
TEST_P(StoreContractTest, LookupMatchesEmailPhoneAndExternalId) {
  using Kind = ProfileIdentifier::Kind;
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  ProfileRecord record = NewRecord("holder");
  record.profile.add_emails()->set_address("Ada.Lovelace@example.com");
  record.profile.add_emails()->set_address("ada.lovelace@example.com");
  record.profile.add_phones()->set_number("+4791234567");
  AddExternalId(record, "billing", "ACC-1");
  ASSERT_TRUE(Insert(record).ok());
  ASSERT_TRUE(Insert(NewRecord("bystander")).ok());

  EXPECT_THAT(LookupIds(Kind::kEmail, "ADA.LOVELACE@EXAMPLE.COM"), ElementsAre("holder"));
  EXPECT_THAT(LookupIds(Kind::kEmail, "ada.lovelace@example.com"), ElementsAre("holder"));
  EXPECT_THAT(LookupIds(Kind::kEmail, "ada.lovelace@example.co"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kEmail, "lovelace@example.com"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4791234567"), ElementsAre("holder"));
  EXPECT_THAT(LookupIds(Kind::kPhone, "+479123456"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kExternalId, "ACC-1", 101, "billing"), ElementsAre("holder"));
  EXPECT_THAT(LookupIds(Kind::kExternalId, "acc-1", 101, "billing"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kExternalId, "ACC-1", 101, "webshop"), IsEmpty());
  // An email is not a phone: kinds do not mix.
  EXPECT_THAT(LookupIds(Kind::kPhone, "ada.lovelace@example.com"), IsEmpty());
}

// Verifies that the lookup index follows every write in its transaction: an
// update that changes an address or number finds the new value only, and a
// soft-deleted profile is not found (again found once undeleted).
TEST_P(StoreContractTest, LookupFollowsUpdatesAndExcludesDeleted) {
  using Kind = ProfileIdentifier::Kind;
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  ProfileRecord record = NewRecord("moving");
  record.profile.add_emails()->set_address("Old@example.com");
  record.profile.add_phones()->set_number("+4791234567");
  AddExternalId(record, "billing", "ACC-9");
  ASSERT_TRUE(Insert(record).ok());

  ProfileRecord changed = record;
  changed.revision = 2;
  changed.profile.mutable_emails(0)->set_address("New@example.com");
  changed.profile.mutable_phones(0)->set_number("+4791234568");
  ASSERT_TRUE(Update(changed, 1).ok());
  EXPECT_THAT(LookupIds(Kind::kEmail, "old@example.com"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kEmail, "new@example.com"), ElementsAre("moving"));
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4791234567"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4791234568"), ElementsAre("moving"));

  ProfileRecord deleted = changed;
  deleted.revision = 3;
  SetMicros(deleted.profile.mutable_delete_time(), 5000);
  ASSERT_TRUE(Update(deleted, 2).ok());
  EXPECT_THAT(LookupIds(Kind::kEmail, "new@example.com"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4791234568"), IsEmpty());
  EXPECT_THAT(LookupIds(Kind::kExternalId, "ACC-9", 101, "billing"), IsEmpty());

  ProfileRecord undeleted = deleted;
  undeleted.revision = 4;
  undeleted.profile.clear_delete_time();
  ASSERT_TRUE(Update(undeleted, 3).ok());
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4791234568"), ElementsAre("moving"));
  EXPECT_THAT(LookupIds(Kind::kExternalId, "ACC-9", 101, "billing"), ElementsAre("moving"));
}

// Verifies that profiles sharing a number come most recently updated first
// (ties by descending id), at most `limit` of them.
TEST_P(StoreContractTest, LookupOrdersByUpdateTimeDescendingAndHonoursLimit) {
  using Kind = ProfileIdentifier::Kind;
  using ::testing::ElementsAre;
  struct Row {
    const char* id;
    int64_t update;
  };
  for (const Row& row : {Row{"s1", 3000}, Row{"s2", 9000}, Row{"s3", 5000}, Row{"s4", 5000}}) {
    ProfileRecord record = NewRecord(row.id, 1000);
    SetMicros(record.profile.mutable_update_time(), row.update);
    record.profile.add_phones()->set_number("+4740000000");
    ASSERT_TRUE(Insert(record).ok());
  }
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4740000000"), ElementsAre("s2", "s4", "s3", "s1"));
  EXPECT_THAT(LookupIds(Kind::kPhone, "+4740000000", 2), ElementsAre("s2", "s4"));
}

// Verifies that an idempotency record reads back byte for byte, that a
// second put of the same key is ALREADY_EXISTS and keeps the first, and
// that keys are scoped.
TEST_P(StoreContractTest, IdempotencyRecordsPutGetAndRejectDuplicates) {
  IdempotencyRecord record;
  record.scope = "CreateProfile";
  record.request_id = "req-1";
  record.request_hash = std::string("h\0a\xffsh", 6);
  record.response = std::string("resp\0onse", 9);
  record.create_time = absl::FromUnixMicros(1700000000123456);
  ASSERT_TRUE(Write([&](Transaction& tx) { return tx.PutRequest(record); }).ok());

  IdempotencyRecord second = record;
  second.request_hash = "other";
  second.response = "other";
  absl::Status duplicate = Write([&](Transaction& tx) { return tx.PutRequest(second); });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists) << duplicate;

  IdempotencyRecord other_scope = second;
  other_scope.scope = "UpdateProfile";
  EXPECT_TRUE(Write([&](Transaction& tx) { return tx.PutRequest(other_scope); }).ok());

  std::optional<IdempotencyRecord> stored;
  std::optional<IdempotencyRecord> missing;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                absl::StatusOr<std::optional<IdempotencyRecord>> got =
                    tx.GetRequest("CreateProfile", "req-1");
                if (!got.ok()) return got.status();
                stored = *got;
                got = tx.GetRequest("CreateProfile", "req-2");
                if (!got.ok()) return got.status();
                missing = *got;
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->scope, "CreateProfile");
  EXPECT_EQ(stored->request_id, "req-1");
  EXPECT_EQ(stored->request_hash, record.request_hash);
  EXPECT_EQ(stored->response, record.response);
  EXPECT_EQ(stored->create_time, record.create_time);
  EXPECT_FALSE(missing.has_value());
}

// Verifies that when the body fails, Run returns its status and nothing the
// body wrote remains.
TEST_P(StoreContractTest, FailingBodyRollsBackEverything) {
  ProfileRecord existing = NewRecord("existing");
  ASSERT_TRUE(Insert(existing).ok());

  absl::Status status = Write([&](Transaction& tx) -> absl::Status {
    ProfileRecord fresh = NewRecord("fresh");
    AddExternalId(fresh, "billing", "F");
    if (absl::Status s = tx.InsertProfile(fresh); !s.ok()) return s;
    ProfileRecord changed = existing;
    changed.revision = 2;
    changed.profile.set_display_name("Changed");
    if (absl::Status s = tx.UpdateProfile(changed, 1); !s.ok()) return s;
    IdempotencyRecord request{"CreateProfile", "r", "h", "resp", absl::Now()};
    if (absl::Status s = tx.PutRequest(request); !s.ok()) return s;
    return absl::InternalError("body failed on purpose");
  });

  EXPECT_EQ(status, absl::InternalError("body failed on purpose"));
  EXPECT_FALSE(Get("fresh").has_value());
  EXPECT_FALSE(FindLive("billing", "F").has_value());
  std::optional<ProfileRecord> stored = Get("existing");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 1);
  EXPECT_EQ(stored->profile.display_name(), "Name existing");
  std::optional<IdempotencyRecord> request;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.GetRequest("CreateProfile", "r");
                if (!got.ok()) return got.status();
                request = *got;
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(request.has_value());
}

// Verifies that writes in one transaction are visible to later reads in the
// same transaction.
TEST_P(StoreContractTest, TransactionReadsItsOwnWrites) {
  std::optional<ProfileRecord> seen;
  ASSERT_TRUE(Write([&](Transaction& tx) -> absl::Status {
                if (absl::Status s = tx.InsertProfile(NewRecord("own")); !s.ok()) return s;
                absl::StatusOr<std::optional<ProfileRecord>> got = tx.GetProfile("own");
                if (!got.ok()) return got.status();
                seen = *got;
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->id, "own");
}

// Verifies every order field ascending and descending, ties broken by id,
// and that listed records carry their revision and full profile.
TEST_P(StoreContractTest, ListOrdersByEveryFieldBothWays) {
  std::vector<ProfileRecord> records = InsertListData();
  for (ProfileOrderField field : kOrderFields) {
    for (bool descending : {false, true}) {
      ProfileListQuery query;
      query.order_field = field;
      query.descending = descending;
      query.show_deleted = true;
      query.limit = 100;
      EXPECT_EQ(ListIds(query), ExpectedOrder(records, field, descending))
          << "field " << static_cast<int>(field) << " descending " << descending;
    }
  }
  ProfileListQuery query;
  query.limit = 100;
  std::vector<ProfileRecord> listed = List(query);
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.front().id, "p1");
  EXPECT_EQ(listed.front().revision, 1);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(listed.front().profile,
                                                                 records[0].profile));
}

// Verifies that the limit caps a page.
TEST_P(StoreContractTest, ListHonoursLimit) {
  InsertListData();
  ProfileListQuery query;
  query.limit = 2;
  EXPECT_THAT(ListIds(query), ::testing::ElementsAre("p1", "p2"));
}

// Verifies that paging with cursors returns every row exactly once in every
// order, also when rows are inserted between pages (rows inserted before the
// cursor are not returned, rows after it are).
TEST_P(StoreContractTest, CursorPaginationReturnsEachRowOnceWhileRowsAreInserted) {
  int combination = 0;
  for (ProfileOrderField field : kOrderFields) {
    for (bool descending : {false, true}) {
      ++combination;
      const std::string tag = absl::StrCat("page-", combination);
      auto make = [&](const std::string& id, int key) {
        ProfileRecord record = NewRecord(absl::StrCat(tag, "-", id), 100 * key);
        SetMicros(record.profile.mutable_update_time(), 100 * key);
        record.profile.set_display_name(absl::StrCat("n", 1000 + key));
        record.profile.add_tags(tag);
        return record;
      };
      // Keys 1..6, with a tie at 3 that straddles the first page boundary.
      std::vector<std::string> initial;
      const std::vector<std::pair<std::string, int>> rows = {{"g", 1}, {"b", 2}, {"d", 3}, {"c", 3},
                                                             {"a", 4}, {"f", 5}, {"e", 6}};
      for (const auto& [id, key] : rows) {
        ProfileRecord record = make(id, key);
        ASSERT_TRUE(Insert(record).ok());
        initial.push_back(record.id);
      }

      ProfileListQuery query;
      query.filter = Compare(FilterField::kTags, FilterOp::kHas, tag);
      query.order_field = field;
      query.descending = descending;
      query.limit = 3;
      std::vector<std::string> seen;
      bool inserted = false;
      const ProfileRecord early = make("early", descending ? 9 : 0);
      const ProfileRecord late = make("late", descending ? 0 : 9);
      for (int page = 0; page < 10; ++page) {
        std::vector<ProfileRecord> records = List(query);
        for (const ProfileRecord& record : records) seen.push_back(record.id);
        if (records.size() < 3) break;
        query.after = ProfileCursor{OrderKey(records.back(), field), records.back().id};
        if (!inserted) {
          ASSERT_TRUE(Insert(early).ok());
          ASSERT_TRUE(Insert(late).ok());
          inserted = true;
        }
      }

      std::vector<std::string> expected = initial;
      expected.push_back(late.id);
      std::vector<ProfileRecord> all;
      for (const std::string& id : expected) all.push_back(*Get(id));
      EXPECT_EQ(seen, ExpectedOrder(all, field, descending))
          << "field " << static_cast<int>(field) << " descending " << descending;
    }
  }
}

// Verifies filters on single-valued fields: region_code, display_name
// (exact, binary ordering, prefix with LIKE wildcards taken literally),
// create_time and update_time ranges.
TEST_P(StoreContractTest, ListFiltersOnScalarFields) {
  using ::testing::UnorderedElementsAre;
  InsertListData();
  EXPECT_THAT(FilterIds(Compare(FilterField::kRegionCode, FilterOp::kEq, "NO")),
              UnorderedElementsAre("p1", "p3", "p5"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kRegionCode, FilterOp::kNe, "NO")),
              UnorderedElementsAre("p2", "p4", "p6"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kRegionCode, FilterOp::kHas, "SE")),
              UnorderedElementsAre("p2"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kEq, "Bob")),
              UnorderedElementsAre("p3", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kGt, "B")),
              UnorderedElementsAre("p2", "p3", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kEq, "Al", true)),
              UnorderedElementsAre("p1"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kNe, "Al", true)),
              UnorderedElementsAre("p2", "p3", "p4", "p5", "p6"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kEq, "100%", true)),
              UnorderedElementsAre("p5"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kDisplayName, FilterOp::kEq, "1_0", true)),
              ::testing::IsEmpty());
  EXPECT_THAT(FilterIds(And({Compare(FilterField::kCreateTime, FilterOp::kGe, int64_t{2000}),
                             Compare(FilterField::kCreateTime, FilterOp::kLt, int64_t{4000})})),
              UnorderedElementsAre("p2", "p3", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kCreateTime, FilterOp::kGt, int64_t{4000})),
              UnorderedElementsAre("p6"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kCreateTime, FilterOp::kEq, int64_t{3000})),
              UnorderedElementsAre("p3", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kUpdateTime, FilterOp::kLe, int64_t{2000})),
              UnorderedElementsAre("p4", "p5"));
}

// Verifies filters on repeated fields: tags has / has not, external id
// system and id, exact and prefix.
TEST_P(StoreContractTest, ListFiltersOnRepeatedFields) {
  using ::testing::UnorderedElementsAre;
  InsertListData();
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "vip")),
              UnorderedElementsAre("p1", "p2"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kEq, "newsletter")),
              UnorderedElementsAre("p1", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kNe, "vip")),
              UnorderedElementsAre("p3", "p4", "p5", "p6"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "news", true)),
              UnorderedElementsAre("p1", "p4"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdSystem, FilterOp::kHas, "billing")),
              UnorderedElementsAre("p1", "p3"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdSystem, FilterOp::kEq, "webshop")),
              UnorderedElementsAre("p2", "p3"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdId, FilterOp::kEq, "u_1")),
              UnorderedElementsAre("p2"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdId, FilterOp::kHas, "ACC-", true)),
              UnorderedElementsAre("p1", "p3"));
}

// Verifies AND, OR and NOT, nested.
TEST_P(StoreContractTest, ListFiltersCombineWithAndOrNot) {
  using ::testing::UnorderedElementsAre;
  InsertListData();
  EXPECT_THAT(FilterIds(Or({Compare(FilterField::kRegionCode, FilterOp::kEq, "SE"),
                            Compare(FilterField::kTags, FilterOp::kHas, "newsletter")})),
              UnorderedElementsAre("p1", "p2", "p4"));
  EXPECT_THAT(FilterIds(Not(Compare(FilterField::kRegionCode, FilterOp::kEq, "NO"))),
              UnorderedElementsAre("p2", "p4", "p6"));
  EXPECT_THAT(FilterIds(And({Compare(FilterField::kRegionCode, FilterOp::kEq, "NO"),
                             Compare(FilterField::kTags, FilterOp::kHas, "vip")})),
              UnorderedElementsAre("p1"));
  EXPECT_THAT(FilterIds(Or({And({Compare(FilterField::kRegionCode, FilterOp::kEq, "NO"),
                                 Not(Compare(FilterField::kTags, FilterOp::kHas, "vip"))}),
                            Compare(FilterField::kDisplayName, FilterOp::kEq, "alina")})),
              UnorderedElementsAre("p2", "p3", "p5"));
  EXPECT_THAT(FilterIds(Not(Or({Compare(FilterField::kRegionCode, FilterOp::kEq, "NO"),
                                Compare(FilterField::kRegionCode, FilterOp::kEq, "SE")}))),
              UnorderedElementsAre("p4", "p6"));
}

// Verifies that soft-deleted profiles are listed only with show_deleted, and
// keep their tags and external ids for filtering.
TEST_P(StoreContractTest, ListShowsDeletedOnlyWhenAsked) {
  using ::testing::UnorderedElementsAre;
  InsertListData();
  EXPECT_THAT(FilterIds(Compare(FilterField::kTags, FilterOp::kHas, "vip"), true),
              UnorderedElementsAre("p1", "p2", "p7"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kRegionCode, FilterOp::kEq, "NO"), true),
              UnorderedElementsAre("p1", "p3", "p5", "p7"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdId, FilterOp::kEq, "ACC-3"), true),
              UnorderedElementsAre("p7"));
  EXPECT_THAT(FilterIds(Compare(FilterField::kExternalIdId, FilterOp::kEq, "ACC-3")),
              ::testing::IsEmpty());
  ProfileListQuery query;
  query.limit = 100;
  EXPECT_EQ(ListIds(query).size(), 6u);
  query.show_deleted = true;
  EXPECT_EQ(ListIds(query).size(), 7u);
}

// Verifies that racing read-modify-write cycles on one profile from several
// threads lose no update: every success raised the revision by one, every
// other attempt was ABORTED.
TEST_P(StoreContractTest, ConcurrentConditionalUpdatesLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kAttempts = 50;
  ProfileRecord record = NewRecord("contended");
  (*record.profile.mutable_attributes())["counter"].set_int64_value(0);
  ASSERT_TRUE(Insert(record).ok());

  std::atomic<int> successes = 0;
  std::atomic<int> conflicts = 0;
  absl::Mutex mu;
  std::vector<absl::Status> unexpected;
  // One read-modify-write: even threads read in their own transaction, odd
  // threads read and write in one.
  auto attempt = [&](bool split) -> absl::Status {
    std::optional<ProfileRecord> current;
    auto read = [&](Transaction& tx) -> absl::Status {
      absl::StatusOr<std::optional<ProfileRecord>> got = tx.GetProfile("contended");
      if (!got.ok()) return got.status();
      if (!got->has_value()) return absl::NotFoundError("contended profile vanished");
      current = **got;
      return absl::OkStatus();
    };
    auto write = [&](Transaction& tx) -> absl::Status {
      ProfileRecord next = *current;
      next.revision = current->revision + 1;
      auto& counter = (*next.profile.mutable_attributes())["counter"];
      counter.set_int64_value(counter.int64_value() + 1);
      return tx.UpdateProfile(next, current->revision);
    };
    if (split) {
      if (absl::Status s = Read(read); !s.ok()) return s;
      return Write(write);
    }
    return Write([&](Transaction& tx) -> absl::Status {
      if (absl::Status s = read(tx); !s.ok()) return s;
      return write(tx);
    });
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        absl::Status status = attempt(t % 2 == 0);
        if (status.ok()) {
          ++successes;
        } else if (absl::IsAborted(status)) {
          ++conflicts;
        } else {
          absl::MutexLock lock(&mu);
          unexpected.push_back(status);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_THAT(unexpected, ::testing::IsEmpty());
  EXPECT_EQ(successes.load() + conflicts.load(), kThreads * kAttempts);
  EXPECT_GT(successes.load(), 0);
  std::optional<ProfileRecord> stored = Get("contended");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 1 + successes.load());
  EXPECT_EQ(stored->profile.attributes().at("counter").int64_value(), successes.load());
}

// Verifies that inserts from several threads at once all land.
TEST_P(StoreContractTest, ConcurrentInsertsAllLand) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ProfileRecord record = NewRecord(absl::StrCat("t", t, "-", i), 1000 + i);
        AddExternalId(record, "billing", record.id);
        if (!Insert(record).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  ProfileListQuery query;
  query.limit = 1000;
  EXPECT_EQ(ListIds(query).size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(FindLive("billing", "t3-24"), "t3-24");
}

// Verifies that migrating an already migrated store again changes nothing.
TEST_P(StoreContractTest, MigrateTwiceIsANoOp) {
  ASSERT_TRUE(Insert(FullRecord("kept")).ok());

  EXPECT_TRUE(store_->Migrate().ok());
  EXPECT_TRUE(store_->Migrate().ok());

  std::optional<ProfileRecord> stored = Get("kept");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 7);
  EXPECT_TRUE(Insert(NewRecord("after-migrate")).ok());
}

// Verifies that the store names itself without being empty.
TEST_P(StoreContractTest, DescribeNamesTheStore) { EXPECT_FALSE(store_->Describe().empty()); }

// PurposeRecordOf returns a purpose at `revision` with notice version 1.
inline PurposeRecord PurposeRecordOf(const std::string& id, int64_t revision = 1) {
  PurposeRecord record;
  record.id = id;
  record.revision = revision;
  record.purpose.set_display_name("Purpose " + id);
  record.purpose.set_legal_basis(customerprofile::v1::LEGAL_BASIS_CONSENT);
  record.purpose.add_channels(customerprofile::v1::CHANNEL_EMAIL);
  record.purpose.set_notice_text("Notice of " + id);
  record.purpose.set_notice_version(1);
  return record;
}

// ConsentEventOf returns an event of `profile_id` on the newsletter
// purpose's whole EMAIL channel, occurring at `micros`.
inline ConsentEventRecord ConsentEventOf(const std::string& profile_id, const std::string& event_id,
                                         int64_t micros,
                                         customerprofile::v1::ConsentDecision decision,
                                         const std::string& contact_point = "") {
  ConsentEventRecord record;
  record.profile_id = profile_id;
  record.event_id = event_id;
  record.purpose_id = "newsletter";
  record.channel = customerprofile::v1::CHANNEL_EMAIL;
  record.contact_point = contact_point;
  record.occur_time = absl::FromUnixMicros(micros);
  record.event.set_name("profiles/" + profile_id + "/consentEvents/" + event_id);
  record.event.set_purpose("purposes/newsletter");
  record.event.set_channel(record.channel);
  record.event.set_contact_point(contact_point);
  record.event.set_decision(decision);
  SetMicros(record.event.mutable_occur_time(), micros);
  record.event.mutable_evidence()->set_method(customerprofile::v1::EVIDENCE_METHOD_WEB_FORM);
  return record;
}

// Append stores `record` in its own transaction, returning the sequence
// the store assigned.
inline absl::StatusOr<int64_t> Append(Store& store, ConsentEventRecord record) {
  absl::Status status =
      store.Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(30),
                [&](Transaction& tx) { return tx.consents().AppendConsentEvent(&record); });
  if (!status.ok()) return status;
  return record.sequence;
}

// StatesOf returns every current consent state of a profile.
inline std::vector<ConsentStateRecord> StatesOf(Store& store, const std::string& profile_id) {
  std::vector<ConsentStateRecord> states;
  absl::Status status =
      store.Run(TransactionMode::kReadOnly, absl::Now() + absl::Seconds(30), [&](Transaction& tx) {
        auto rows = tx.consents().ListConsentStates(profile_id);
        if (!rows.ok()) return rows.status();
        states = *std::move(rows);
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return states;
}

// Verifies purposes: insert and get round-trip, a taken id is
// ALREADY_EXISTS, an update needs the current revision (else ABORTED, nothing
// changes) and listing pages by id.
TEST_P(StoreContractTest, PurposesInsertGetUpdateAndList) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx.consents().InsertPurpose(PurposeRecordOf("newsletter"));
              }).ok());
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx.consents().InsertPurpose(PurposeRecordOf("offers"));
              }).ok());
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx.consents().InsertPurpose(PurposeRecordOf("offers"));
            }).code(),
            absl::StatusCode::kAlreadyExists);

  PurposeRecord changed = PurposeRecordOf("newsletter", 2);
  changed.purpose.set_notice_text("Changed");
  changed.purpose.set_notice_version(2);
  ASSERT_TRUE(Write([&](Transaction& tx) { return tx.consents().UpdatePurpose(changed, 1); }).ok());
  PurposeRecord stale = PurposeRecordOf("newsletter", 3);
  stale.purpose.set_display_name("Lost");
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.consents().UpdatePurpose(stale, 1); }).code(),
            absl::StatusCode::kAborted);

  std::optional<PurposeRecord> stored;
  std::optional<PurposeRecord> missing;
  std::vector<PurposeRecord> first_page;
  std::vector<PurposeRecord> second_page;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.consents().GetPurpose("newsletter");
                if (!got.ok()) return got.status();
                stored = *std::move(got);
                auto none = tx.consents().GetPurpose("nope");
                if (!none.ok()) return none.status();
                missing = *std::move(none);
                auto page = tx.consents().ListPurposes("", 1);
                if (!page.ok()) return page.status();
                first_page = *std::move(page);
                page = tx.consents().ListPurposes("newsletter", 10);
                if (!page.ok()) return page.status();
                second_page = *std::move(page);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->revision, 2);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored->purpose, changed.purpose));
  EXPECT_FALSE(missing.has_value());
  ASSERT_EQ(first_page.size(), 1u);
  EXPECT_EQ(first_page[0].id, "newsletter");
  ASSERT_EQ(second_page.size(), 1u);
  EXPECT_EQ(second_page[0].id, "offers");
}

// Verifies notice versions: every version stays readable, a version number
// is stored once, and listing is newest first below a bound.
TEST_P(StoreContractTest, NoticeVersionsAreKeptAndListedNewestFirst) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx.consents().InsertPurpose(PurposeRecordOf("newsletter"));
              }).ok());
  for (int64_t version = 1; version <= 3; ++version) {
    NoticeVersionRecord record{"newsletter", version, absl::StrCat("Text ", version),
                               absl::FromUnixMicros(1000 * version)};
    ASSERT_TRUE(
        Write([&](Transaction& tx) { return tx.consents().InsertNoticeVersion(record); }).ok());
  }
  NoticeVersionRecord again{"newsletter", 2, "Other", absl::FromUnixMicros(9)};
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.consents().InsertNoticeVersion(again); }).code(),
            absl::StatusCode::kAlreadyExists);

  std::optional<NoticeVersionRecord> second;
  std::vector<NoticeVersionRecord> all;
  std::vector<NoticeVersionRecord> below_three;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.consents().GetNoticeVersion("newsletter", 2);
                if (!got.ok()) return got.status();
                second = *std::move(got);
                auto list = tx.consents().ListNoticeVersions("newsletter", 0, 10);
                if (!list.ok()) return list.status();
                all = *std::move(list);
                list = tx.consents().ListNoticeVersions("newsletter", 3, 1);
                if (!list.ok()) return list.status();
                below_three = *std::move(list);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->notice_text, "Text 2");
  EXPECT_EQ(second->create_time, absl::FromUnixMicros(2000));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].version, 3);
  EXPECT_EQ(all[2].version, 1);
  ASSERT_EQ(below_three.size(), 1u);
  EXPECT_EQ(below_three[0].version, 2);
}

// Verifies the ledger's ordering rule in the store: the state follows the
// greatest (occur_time, sequence), so a back-dated event appended later
// does not take over, a newer one does, and a tie goes to the later record.
TEST_P(StoreContractTest, ConsentStateFollowsLatestOccurrenceThenRecordOrder) {
  ASSERT_TRUE(Insert(FullRecord("ase")).ok());
  namespace v1 = customerprofile::v1;
  absl::StatusOr<int64_t> grant =
      Append(*store_, ConsentEventOf("ase", "e1", 5000, v1::CONSENT_DECISION_GRANTED));
  ASSERT_TRUE(grant.ok()) << grant.status();
  absl::StatusOr<int64_t> back_dated =
      Append(*store_, ConsentEventOf("ase", "e2", 1000, v1::CONSENT_DECISION_WITHDRAWN));
  ASSERT_TRUE(back_dated.ok()) << back_dated.status();
  EXPECT_GT(*back_dated, *grant);
  std::vector<ConsentStateRecord> states = StatesOf(*store_, "ase");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].event_id, "e1");
  EXPECT_EQ(states[0].decision, v1::CONSENT_DECISION_GRANTED);
  EXPECT_EQ(states[0].occur_time, absl::FromUnixMicros(5000));
  EXPECT_EQ(states[0].sequence, *grant);

  ASSERT_TRUE(
      Append(*store_, ConsentEventOf("ase", "e3", 6000, v1::CONSENT_DECISION_WITHDRAWN)).ok());
  states = StatesOf(*store_, "ase");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].event_id, "e3");
  EXPECT_EQ(states[0].decision, v1::CONSENT_DECISION_WITHDRAWN);

  ASSERT_TRUE(
      Append(*store_, ConsentEventOf("ase", "e4", 6000, v1::CONSENT_DECISION_GRANTED)).ok());
  states = StatesOf(*store_, "ase");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].event_id, "e4");

  ConsentEventRecord pending =
      ConsentEventOf("ase", "e5", 7000, v1::CONSENT_DECISION_GRANTED, "ase@example.com");
  pending.event.set_pending_confirmation(true);
  ASSERT_TRUE(Append(*store_, pending).ok());
  states = StatesOf(*store_, "ase");
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].contact_point, "");
  EXPECT_EQ(states[1].contact_point, "ase@example.com");
  EXPECT_TRUE(states[1].pending_confirmation);

  EXPECT_EQ(Append(*store_, ConsentEventOf("ase", "e1", 8000, v1::CONSENT_DECISION_DENIED))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  states = StatesOf(*store_, "ase");
  EXPECT_EQ(states[0].event_id, "e4");
}

// Verifies event reads: one event round-trips, history is newest first by
// (occur_time, sequence), filters by purpose and channel, and pages with a
// cursor.
TEST_P(StoreContractTest, ConsentEventsListNewestFirstWithFiltersAndCursor) {
  ASSERT_TRUE(Insert(FullRecord("ase")).ok());
  namespace v1 = customerprofile::v1;
  ConsentEventRecord sms = ConsentEventOf("ase", "s1", 4000, v1::CONSENT_DECISION_GRANTED);
  sms.channel = v1::CHANNEL_SMS;
  sms.event.set_channel(v1::CHANNEL_SMS);
  ASSERT_TRUE(Append(*store_, ConsentEventOf("ase", "a", 2000, v1::CONSENT_DECISION_GRANTED)).ok());
  ASSERT_TRUE(Append(*store_, ConsentEventOf("ase", "b", 3000, v1::CONSENT_DECISION_DENIED)).ok());
  ASSERT_TRUE(Append(*store_, ConsentEventOf("ase", "c", 2000, v1::CONSENT_DECISION_DENIED)).ok());
  ASSERT_TRUE(Append(*store_, sms).ok());

  auto list = [&](ConsentEventQuery query) {
    std::vector<std::string> ids;
    std::vector<ConsentEventRecord> records;
    EXPECT_TRUE(Read([&](Transaction& tx) {
                  auto rows = tx.consents().ListConsentEvents(query);
                  if (!rows.ok()) return rows.status();
                  records = *std::move(rows);
                  return absl::OkStatus();
                }).ok());
    for (const ConsentEventRecord& record : records) ids.push_back(record.event_id);
    return std::make_pair(ids, records);
  };
  ConsentEventQuery query;
  query.profile_id = "ase";
  auto [all, records] = list(query);
  EXPECT_THAT(all, ::testing::ElementsAre("s1", "b", "c", "a"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(records[0].event, sms.event));

  query.channel = v1::CHANNEL_EMAIL;
  query.limit = 2;
  auto [first, first_records] = list(query);
  EXPECT_THAT(first, ::testing::ElementsAre("b", "c"));
  query.after = std::make_pair(first_records[1].occur_time, first_records[1].sequence);
  EXPECT_THAT(list(query).first, ::testing::ElementsAre("a"));

  ConsentEventQuery other_purpose;
  other_purpose.profile_id = "ase";
  other_purpose.purpose_id = "offers";
  EXPECT_THAT(list(other_purpose).first, ::testing::IsEmpty());

  std::optional<ConsentEventRecord> one;
  std::optional<ConsentEventRecord> none;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.consents().GetConsentEvent("ase", "s1");
                if (!got.ok()) return got.status();
                one = *std::move(got);
                got = tx.consents().GetConsentEvent("ase", "zz");
                if (!got.ok()) return got.status();
                none = *std::move(got);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->channel, v1::CHANNEL_SMS);
  EXPECT_EQ(one->occur_time, absl::FromUnixMicros(4000));
  EXPECT_FALSE(none.has_value());
}

// Verifies that a batch load returns each known profile's delete state,
// states for the purpose and channel only, and contact points, leaving
// unknown ids out.
TEST_P(StoreContractTest, LoadCheckSubjectsReadsStatesAndContactPoints) {
  namespace v1 = customerprofile::v1;
  ASSERT_TRUE(Insert(FullRecord("ase")).ok());
  ProfileRecord gone = NewRecord("gone");
  SetMicros(gone.profile.mutable_delete_time(), 5000);
  ASSERT_TRUE(Insert(gone).ok());
  ASSERT_TRUE(
      Append(*store_, ConsentEventOf("ase", "e1", 1000, v1::CONSENT_DECISION_GRANTED)).ok());
  ConsentEventRecord sms = ConsentEventOf("ase", "e2", 1000, v1::CONSENT_DECISION_DENIED);
  sms.channel = v1::CHANNEL_SMS;
  sms.event.set_channel(v1::CHANNEL_SMS);
  ASSERT_TRUE(Append(*store_, sms).ok());

  absl::flat_hash_map<std::string, CheckSubject> subjects;
  std::vector<std::string> ids = {"ase", "gone", "unknown"};
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto loaded = tx.consents().LoadCheckSubjects("newsletter", v1::CHANNEL_EMAIL, ids);
                if (!loaded.ok()) return loaded.status();
                subjects = *std::move(loaded);
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(subjects.size(), 2u);
  const CheckSubject& ase = subjects.at("ase");
  EXPECT_FALSE(ase.deleted);
  ASSERT_EQ(ase.states.size(), 1u);
  EXPECT_EQ(ase.states[0].event_id, "e1");
  EXPECT_THAT(ase.contact_points,
              ::testing::UnorderedElementsAre(::testing::Pair("email", "ase@example.com"),
                                              ::testing::Pair("email", "ase@work.example"),
                                              ::testing::Pair("phone", "+4791234567")));
  EXPECT_TRUE(subjects.at("gone").deleted);
  EXPECT_TRUE(subjects.at("gone").states.empty());
}

// Verifies confirmation tokens: stored once, read back, used once (a second
// use ABORTED, an unknown one NOT_FOUND).
TEST_P(StoreContractTest, ConfirmationTokensAreUsedOnce) {
  ASSERT_TRUE(Insert(FullRecord("ase")).ok());
  ConfirmationTokenRecord token;
  token.token_hash = std::string(32, '\x07');
  token.profile_id = "ase";
  token.event_id = "e1";
  token.create_time = absl::FromUnixMicros(1000);
  token.expire_time = absl::FromUnixMicros(9000);
  ASSERT_TRUE(
      Write([&](Transaction& tx) { return tx.consents().InsertConfirmationToken(token); }).ok());
  EXPECT_EQ(
      Write([&](Transaction& tx) { return tx.consents().InsertConfirmationToken(token); }).code(),
      absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(Write([&](Transaction& tx) {
                return tx.consents().MarkConfirmationTokenUsed(token.token_hash,
                                                               absl::FromUnixMicros(2000));
              }).ok());
  EXPECT_EQ(Write([&](Transaction& tx) {
              return tx.consents().MarkConfirmationTokenUsed(token.token_hash,
                                                             absl::FromUnixMicros(3000));
            }).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(Write([&](Transaction& tx) {
              return tx.consents().MarkConfirmationTokenUsed(std::string(32, '\x08'),
                                                             absl::FromUnixMicros(3000));
            }).code(),
            absl::StatusCode::kNotFound);

  std::optional<ConfirmationTokenRecord> stored;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.consents().GetConfirmationToken(token.token_hash);
                if (!got.ok()) return got.status();
                stored = *std::move(got);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->event_id, "e1");
  EXPECT_EQ(stored->expire_time, absl::FromUnixMicros(9000));
  ASSERT_TRUE(stored->use_time.has_value());
  EXPECT_EQ(*stored->use_time, absl::FromUnixMicros(2000));
}

// Verifies that appends from several threads at once on one profile's one
// consent all land, and the state ends at the greatest occurrence.
TEST_P(StoreContractTest, ConcurrentConsentAppendsKeepEveryEvent) {
  namespace v1 = customerprofile::v1;
  ASSERT_TRUE(Insert(FullRecord("ase")).ok());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int order = i * kThreads + t;
        auto appended =
            Append(*store_, ConsentEventOf("ase", absl::StrCat("e", order), 1000 + order,
                                           order % 2 == 0 ? v1::CONSENT_DECISION_GRANTED
                                                          : v1::CONSENT_DECISION_WITHDRAWN));
        if (!appended.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  std::vector<ConsentEventRecord> events;
  ConsentEventQuery query;
  query.profile_id = "ase";
  query.limit = 1000;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto rows = tx.consents().ListConsentEvents(query);
                if (!rows.ok()) return rows.status();
                events = *std::move(rows);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(events.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<ConsentStateRecord> states = StatesOf(*store_, "ase");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].event_id, absl::StrCat("e", kThreads * kPerThread - 1));
  EXPECT_EQ(states[0].decision, v1::CONSENT_DECISION_WITHDRAWN);
}

// Verifies merges round-trip whole, update by id, list newest first with a
// cursor, and that ListAppliedMerges leaves out an undone one.
TEST_P(StoreContractTest, MergesRoundTripListAndUpdate) {
  auto record = [](const std::string& id, int64_t micros) {
    MergeRecord merge;
    merge.survivor_id = "s";
    merge.merge_id = id;
    merge.create_time = absl::FromUnixMicros(micros);
    merge.merge.set_name("profiles/s/merges/" + id);
    merge.merge.add_merged_profiles("profiles/m-" + id);
    *merge.merge.add_before_images() = NewRecord("s").profile;
    return merge;
  };
  ASSERT_TRUE(Write([&](Transaction& tx) {
                for (auto [id, micros] :
                     {std::pair<const char*, int64_t>{"m1", 100}, {"m2", 200}, {"m3", 200}}) {
                  if (absl::Status s = tx.merges().InsertMerge(record(id, micros)); !s.ok()) {
                    return s;
                  }
                }
                return absl::OkStatus();
              }).ok());
  absl::Status duplicate =
      Write([&](Transaction& tx) { return tx.merges().InsertMerge(record("m1", 5)); });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists) << duplicate;

  MergeRecord undone = record("m2", 200);
  undone.applied = false;
  undone.merge.set_state(customerprofile::v1::MERGE_STATE_UNDONE);
  ASSERT_TRUE(Write([&](Transaction& tx) { return tx.merges().UpdateMerge(undone); }).ok());
  absl::Status missing =
      Write([&](Transaction& tx) { return tx.merges().UpdateMerge(record("nope", 1)); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;

  std::vector<std::string> listed, after, applied;
  std::optional<MergeRecord> got;
  ASSERT_TRUE(
      Read([&](Transaction& tx) {
        auto all = tx.merges().ListMerges("s", std::nullopt, 10);
        if (!all.ok()) return all.status();
        for (const MergeRecord& m : *all) listed.push_back(m.merge_id);
        auto rest = tx.merges().ListMerges("s", MergeCursor{absl::FromUnixMicros(200), "m3"}, 10);
        if (!rest.ok()) return rest.status();
        for (const MergeRecord& m : *rest) after.push_back(m.merge_id);
        auto in_effect = tx.merges().ListAppliedMerges("s");
        if (!in_effect.ok()) return in_effect.status();
        for (const MergeRecord& m : *in_effect) applied.push_back(m.merge_id);
        auto one = tx.merges().GetMerge("s", "m2");
        if (!one.ok()) return one.status();
        got = *std::move(one);
        return absl::OkStatus();
      }).ok());
  EXPECT_THAT(listed, ::testing::ElementsAre("m3", "m2", "m1"));
  EXPECT_THAT(after, ::testing::ElementsAre("m2", "m1"));
  EXPECT_THAT(applied, ::testing::ElementsAre("m3", "m1"));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->applied);
  EXPECT_EQ(got->create_time, absl::FromUnixMicros(200));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got->merge, undone.merge));
}

// Verifies a MERGED profile leaves the identifier index and the lists, its
// external id is free for its survivor, and ListMergedProfiles finds it.
TEST_P(StoreContractTest, MergedProfileLeavesIndexAndLists) {
  ProfileRecord merged = NewRecord("merged");
  merged.profile.add_emails()->set_address("kari@example.com");
  AddExternalId(merged, "billing", "A1");
  ASSERT_TRUE(Insert(merged).ok());
  ASSERT_TRUE(Insert(NewRecord("survivor", 2000)).ok());
  ProfileRecord now = merged;
  now.revision = 2;
  now.profile.set_state(customerprofile::v1::PROFILE_STATE_MERGED);
  now.profile.set_merged_into("profiles/survivor");
  ASSERT_TRUE(Update(now, 1).ok());
  ProfileRecord survivor = NewRecord("survivor", 2000);
  survivor.revision = 2;
  AddExternalId(survivor, "billing", "A1");
  ASSERT_TRUE(Update(survivor, 1).ok()) << "the merged profile still holds its external id";

  std::vector<std::string> by_email, listed;
  std::vector<std::pair<std::string, std::string>> members;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto found = tx.LookupProfiles(
                    ProfileIdentifier{ProfileIdentifier::Kind::kEmail, "", "kari@example.com"}, 10);
                if (!found.ok()) return found.status();
                for (const ProfileRecord& r : *found) by_email.push_back(r.id);
                ProfileListQuery query;
                query.show_deleted = true;
                query.limit = 10;
                auto all = tx.ListProfiles(query);
                if (!all.ok()) return all.status();
                for (const ProfileRecord& r : *all) listed.push_back(r.id);
                auto in = tx.ListMergedProfiles({std::string("survivor"), std::string("other")});
                if (!in.ok()) return in.status();
                members = *std::move(in);
                return absl::OkStatus();
              }).ok());
  EXPECT_THAT(by_email, ::testing::IsEmpty());
  EXPECT_THAT(listed, ::testing::ElementsAre("survivor"));
  EXPECT_THAT(members, ::testing::ElementsAre(
                           std::make_pair(std::string("merged"), std::string("survivor"))));
  std::optional<ProfileRecord> read = Get("merged");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->profile.state(), customerprofile::v1::PROFILE_STATE_MERGED);
}

// Verifies interactions round-trip whole, are found by id and by
// (source_system, external_ref), list per profile and for all in either
// order with a cursor, refuse a second (source_system, external_ref), allow
// any number without a ref, and delete.
TEST_P(StoreContractTest, InteractionsRoundTripListAndStayUniqueByRef) {
  auto record = [](const std::string& id, const std::string& profile, int64_t micros,
                   const std::string& ref) {
    InteractionRecord r;
    r.interaction_id = id;
    r.profile_id = profile;
    r.origin_profile_id = profile;
    r.occur_time = absl::FromUnixMicros(micros);
    r.create_time = absl::FromUnixMicros(micros + 1);
    r.interaction.set_kind(customerprofile::v1::INTERACTION_KIND_ORDER);
    r.interaction.set_source_system("webshop");
    r.interaction.set_external_ref(ref);
    r.interaction.mutable_amount()->set_currency_code("NOK");
    r.interaction.mutable_amount()->set_units(micros);
    return r;
  };
  ASSERT_TRUE(Write([&](Transaction& tx) {
                for (const InteractionRecord& r :
                     {record("i1", "kari", 100, "o-1"), record("i2", "kari", 300, "o-2"),
                      record("i3", "kari", 200, ""), record("i4", "ola", 250, ""),
                      record("i5", "kari", 300, "o-5")}) {
                  if (absl::Status s = tx.interactions().InsertInteractions({r}); !s.ok()) {
                    return s;
                  }
                }
                return absl::OkStatus();
              }).ok());
  absl::Status taken = Write([&](Transaction& tx) {
    return tx.interactions().InsertInteractions({record("i6", "ola", 400, "o-1")});
  });
  EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists) << taken;

  auto ids = [](const std::vector<InteractionRecord>& records) {
    std::vector<std::string> out;
    for (const InteractionRecord& r : records) out.push_back(r.interaction_id);
    return out;
  };
  std::vector<std::string> kari_desc, kari_after, kari_asc, all;
  std::optional<InteractionRecord> by_ref, by_id;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                InteractionListQuery query;
                query.profile_id = "kari";
                auto listed = tx.interactions().ListInteractions(query);
                if (!listed.ok()) return listed.status();
                kari_desc = ids(*listed);
                query.after = InteractionCursor{absl::FromUnixMicros(300), "i2"};
                listed = tx.interactions().ListInteractions(query);
                if (!listed.ok()) return listed.status();
                kari_after = ids(*listed);
                query.after.reset();
                query.descending = false;
                listed = tx.interactions().ListInteractions(query);
                if (!listed.ok()) return listed.status();
                kari_asc = ids(*listed);
                listed = tx.interactions().ListInteractions(InteractionListQuery{});
                if (!listed.ok()) return listed.status();
                all = ids(*listed);
                auto found = tx.interactions().FindInteractionsByRefs({{"webshop", "o-2"}});
                if (!found.ok()) return found.status();
                if (found->size() == 1) by_ref = found->front();
                auto got = tx.interactions().GetInteraction("i1");
                if (!got.ok()) return got.status();
                by_id = *std::move(got);
                return absl::OkStatus();
              }).ok());
  EXPECT_THAT(kari_desc, ::testing::ElementsAre("i5", "i2", "i3", "i1"));
  EXPECT_THAT(kari_after, ::testing::ElementsAre("i3", "i1"));
  EXPECT_THAT(kari_asc, ::testing::ElementsAre("i1", "i3", "i2", "i5"));
  EXPECT_THAT(all, ::testing::ElementsAre("i5", "i2", "i4", "i3", "i1"));
  ASSERT_TRUE(by_ref.has_value());
  EXPECT_EQ(by_ref->interaction_id, "i2");
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->create_time, absl::FromUnixMicros(101));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      by_id->interaction, record("i1", "kari", 100, "o-1").interaction));

  ASSERT_TRUE(
      Write([&](Transaction& tx) { return tx.interactions().DeleteInteraction("i1"); }).ok());
  absl::Status again =
      Write([&](Transaction& tx) { return tx.interactions().DeleteInteraction("i1"); });
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound) << again;
}

// Verifies the multi-row statements: InsertInteractions stores 123 rows
// (chunks of 100, 10 and 1) whole, with and without a ref, and
// FindInteractionsByRefs finds exactly the pairs recorded among those it is
// asked for; a batch holding a pair recorded already fails as a whole.
TEST_P(StoreContractTest, InteractionsGoInAndAreFoundInBatches) {
  std::vector<InteractionRecord> batch;
  for (int i = 0; i < 123; ++i) {
    InteractionRecord r;
    r.interaction_id = absl::StrCat("b", 1000 + i);
    r.profile_id = i % 2 == 0 ? "kari" : "ola";
    r.origin_profile_id = r.profile_id;
    r.occur_time = absl::FromUnixMicros(1000 + i);
    r.create_time = absl::FromUnixMicros(5000);
    r.interaction.set_kind(customerprofile::v1::INTERACTION_KIND_VISIT);
    r.interaction.set_channel(customerprofile::v1::INTERACTION_CHANNEL_WEB);
    r.interaction.set_source_system("webshop");
    if (i % 3 != 0) r.interaction.set_external_ref(absl::StrCat("v-", i));
    r.interaction.set_summary(std::string("\0kaffe \xC3\xA6 100%'", 14));
    batch.push_back(r);
  }
  ASSERT_TRUE(
      Write([&](Transaction& tx) { return tx.interactions().InsertInteractions(batch); }).ok());
  std::vector<std::pair<std::string, std::string>> asked;
  for (int i = 0; i < 130; ++i) asked.emplace_back("webshop", absl::StrCat("v-", i));
  asked.emplace_back("crm", "v-1");
  std::vector<std::string> found;
  std::optional<InteractionRecord> stored;
  std::vector<InteractionRecord> kari;
  absl::Status read = Read([&](Transaction& tx) {
    auto records = tx.interactions().FindInteractionsByRefs(asked);
    if (!records.ok()) return records.status();
    for (const InteractionRecord& r : *records) found.push_back(r.interaction_id);
    auto got = tx.interactions().GetInteraction("b1007");
    if (!got.ok()) return got.status();
    stored = *std::move(got);
    InteractionListQuery query;
    query.profile_id = "kari";
    query.limit = 1000;
    auto listed = tx.interactions().ListInteractions(query);
    if (!listed.ok()) return listed.status();
    kari = *std::move(listed);
    return absl::OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read;
  std::vector<std::string> expected;
  for (int i = 0; i < 123; ++i) {
    if (i % 3 != 0) expected.push_back(absl::StrCat("b", 1000 + i));
  }
  EXPECT_THAT(found, ::testing::UnorderedElementsAreArray(expected));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->profile_id, "ola");
  EXPECT_EQ(stored->occur_time, absl::FromUnixMicros(1007));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored->interaction,
                                                                 batch[7].interaction));
  EXPECT_EQ(kari.size(), 62u);

  std::vector<InteractionRecord> clash = {batch[1], batch[2]};
  clash[0].interaction_id = "c1";
  clash[0].interaction.set_external_ref("new-1");
  clash[1].interaction_id = "c2";  // batch[2]'s ref "v-2" is taken
  absl::Status taken =
      Write([&](Transaction& tx) { return tx.interactions().InsertInteractions(clash); });
  EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists) << taken;
  std::optional<InteractionRecord> none;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto got = tx.interactions().GetInteraction("c1");
                if (!got.ok()) return got.status();
                none = *std::move(got);
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(none.has_value());
}

// Verifies insights round-trip with their totals, one profile's and
// several profiles' in one read (12 asked: chunks of 10 and 1), and that a
// second write replaces the first.
TEST_P(StoreContractTest, InsightsKeepTheirTotals) {
  ASSERT_TRUE(Insert(NewRecord("kari")).ok());
  ASSERT_TRUE(Insert(NewRecord("ola")).ok());
  auto write = [&](const std::string& id, int64_t count) {
    customerprofile::v1::ProfileInsights insights;
    insights.set_name("profiles/" + id + "/insights");
    insights.set_interaction_count(count);
    insights.set_value_tier("gold");
    customerprofile::internal::v1::InsightsState state;
    state.set_interaction_count(count);
    return Write(
        [&](Transaction& tx) { return tx.interactions().PutInsights(id, insights, state); });
  };
  ASSERT_TRUE(write("kari", 1).ok());
  ASSERT_TRUE(write("kari", 2).ok());
  ASSERT_TRUE(write("ola", 5).ok());
  std::vector<std::string> asked = {"kari", "ola"};
  for (int i = 0; i < 10; ++i) asked.push_back(absl::StrCat("nobody-", i));
  std::map<std::string, int64_t> counts;
  std::optional<customerprofile::internal::v1::InsightsState> kari;
  std::optional<customerprofile::v1::ProfileInsights> shown;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto states = tx.interactions().GetInsightsStates(asked);
                if (!states.ok()) return states.status();
                for (const auto& [id, state] : *states) counts[id] = state.interaction_count();
                auto one = tx.interactions().GetInsightsStates({"kari"});
                if (!one.ok()) return one.status();
                if (one->count("kari") > 0) kari = one->at("kari");
                auto insights = tx.interactions().GetInsights("kari");
                if (!insights.ok()) return insights.status();
                shown = *std::move(insights);
                return absl::OkStatus();
              }).ok());
  EXPECT_THAT(counts,
              ::testing::ElementsAre(::testing::Pair("kari", 2), ::testing::Pair("ola", 5)));
  ASSERT_TRUE(kari.has_value());
  EXPECT_EQ(kari->interaction_count(), 2);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->interaction_count(), 2);

  std::optional<std::string> before, after;
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto spec = tx.interactions().GetTiersSpec();
                if (!spec.ok()) return spec.status();
                before = *spec;
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(before.has_value());
  for (const char* spec : {"NOK:bronze=0", "NOK:bronze=0,gold=25000"}) {
    ASSERT_TRUE(Write([&](Transaction& tx) { return tx.interactions().PutTiersSpec(spec); }).ok());
  }
  ASSERT_TRUE(Read([&](Transaction& tx) {
                auto spec = tx.interactions().GetTiersSpec();
                if (!spec.ok()) return spec.status();
                after = *spec;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(after, "NOK:bronze=0,gold=25000");
}

}  // namespace cp::storage::contract
