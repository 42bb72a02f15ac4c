#include "domain/profile/profile_manager.h"

#include <memory>
#include <set>
#include <string>

#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/status_reason.h"
#include "tests/support/temp_dir.h"

namespace cp::domain {
namespace {

using customerprofile::v1::CreateProfileRequest;
using customerprofile::v1::DeleteProfileRequest;
using customerprofile::v1::GetProfileRequest;
using customerprofile::v1::ListProfilesRequest;
using customerprofile::v1::Profile;
using customerprofile::v1::UndeleteProfileRequest;
using customerprofile::v1::UpdateProfileRequest;

using ::cp::testing::ReasonOf;

// CountingTransaction forwards to a transaction and counts the external id
// lookups (each one a database round trip on MySQL).
class CountingTransaction final : public storage::Transaction {
 public:
  CountingTransaction(storage::Transaction* inner, int* lookups)
      : inner_(inner), lookups_(lookups) {}

  absl::StatusOr<std::optional<storage::ProfileRecord>> GetProfile(absl::string_view id) override {
    return inner_->GetProfile(id);
  }
  absl::Status InsertProfile(const storage::ProfileRecord& record) override {
    return inner_->InsertProfile(record);
  }
  absl::Status UpdateProfile(const storage::ProfileRecord& record,
                             int64_t expected_revision) override {
    return inner_->UpdateProfile(record, expected_revision);
  }
  absl::StatusOr<std::vector<storage::ProfileRecord>> ListProfiles(
      const storage::ProfileListQuery& query) override {
    return inner_->ListProfiles(query);
  }
  absl::StatusOr<std::vector<storage::ProfileRecord>> LookupProfiles(
      const storage::ProfileIdentifier& identifier, int limit) override {
    return inner_->LookupProfiles(identifier, limit);
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListMergedProfiles(
      absl::Span<const std::string> survivor_ids) override {
    return inner_->ListMergedProfiles(survivor_ids);
  }
  absl::StatusOr<std::optional<std::string>> FindLiveProfileByExternalId(
      absl::string_view system, absl::string_view external_id) override {
    ++*lookups_;
    return inner_->FindLiveProfileByExternalId(system, external_id);
  }
  absl::StatusOr<std::optional<storage::IdempotencyRecord>> GetRequest(
      absl::string_view scope, absl::string_view request_id) override {
    return inner_->GetRequest(scope, request_id);
  }
  absl::Status PutRequest(const storage::IdempotencyRecord& record) override {
    return inner_->PutRequest(record);
  }
  storage::ConsentRepository& consents() override { return inner_->consents(); }
  storage::SuppressionRepository& suppressions() override { return inner_->suppressions(); }
  storage::MergeRepository& merges() override { return inner_->merges(); }
  storage::InteractionRepository& interactions() override { return inner_->interactions(); }
  storage::ChangeRepository& changes() override { return inner_->changes(); }
  absl::StatusOr<bool> BackfillMatchKeys(int limit) override {
    return inner_->BackfillMatchKeys(limit);
  }

 private:
  storage::Transaction* const inner_;
  int* const lookups_;
};

// CountingStore runs its transactions through CountingTransaction.
class CountingStore final : public storage::Store {
 public:
  explicit CountingStore(storage::Store* inner) : inner_(inner) {}

  absl::Status Migrate() override { return inner_->Migrate(); }
  absl::Status CheckSchema() override { return inner_->CheckSchema(); }
  absl::Status Run(storage::TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(storage::Transaction&)> body) override {
    return inner_->Run(mode, deadline, [&](storage::Transaction& tx) {
      CountingTransaction counting(&tx, &lookups);
      return body(counting);
    });
  }
  void SetChangeListener(std::function<void()> listener) override {
    inner_->SetChangeListener(std::move(listener));
  }
  std::string Describe() const override { return inner_->Describe(); }

  int lookups = 0;

 private:
  storage::Store* const inner_;
};

class ProfileManagerTest : public ::testing::Test {
 protected:
  ProfileManagerTest() : clock_(absl::FromUnixSeconds(1767225600)) {  // 2026-01-01
    auto store = storage::OpenSqliteStore({.path = dir_.File("profiles.db")});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    EXPECT_TRUE(store_->Migrate().ok());
    manager_ =
        std::make_unique<ProfileManager>(store_.get(), &clock_, &ids_, ProfileManagerOptions{});
  }

  Profile MustCreate(Profile profile, std::string id = "") {
    CreateProfileRequest request;
    *request.mutable_profile() = std::move(profile);
    request.set_profile_id(id);
    auto created = manager_->CreateProfile(request, context_);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : Profile();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  SequentialIdGenerator ids_{"p"};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ProfileManager> manager_;
  CallContext context_;
};

// Verifies that Create normalises input and sets the output-only fields.
TEST_F(ProfileManagerTest, CreateNormalisesAndSetsOutputFields) {
  Profile input;
  input.set_given_name("Ola");
  input.add_emails()->set_address("  Ola.Nordmann@Example.COM ");
  input.add_phones()->set_number("412 34 567");
  Profile created = MustCreate(input);
  EXPECT_EQ(created.name(), "profiles/p1");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_FALSE(created.has_delete_time());
  EXPECT_EQ(created.create_time().seconds(), 1767225600);
  EXPECT_EQ(created.emails(0).address(), "Ola.Nordmann@example.com");
  EXPECT_EQ(created.phones(0).number(), "+4741234567");

  GetProfileRequest get;
  get.set_name("profiles/p1");
  auto read = manager_->GetProfile(get, context_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->SerializeAsString(), created.SerializeAsString());
}

// Verifies that invalid input is rejected with every violation and writes nothing.
TEST_F(ProfileManagerTest, InvalidCreateWritesNothing) {
  Profile input;
  input.add_emails()->set_address("not-an-email");
  input.set_region_code("XX");
  CreateProfileRequest request;
  *request.mutable_profile() = input;
  request.set_profile_id("Bad_Id");
  auto created = manager_->CreateProfile(request, context_);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_request = GetBadRequest(created.status());
  ASSERT_TRUE(bad_request.has_value());
  std::set<std::string> fields;
  for (const auto& v : bad_request->field_violations()) fields.insert(v.field());
  EXPECT_TRUE(fields.count("profile_id"));
  EXPECT_TRUE(fields.count("profile.emails[0].address"));
  EXPECT_TRUE(fields.count("profile.region_code"));
  EXPECT_EQ(GetErrorInfo(created.status())->domain(), kErrorDomain);
  EXPECT_THAT(std::string(created.status().message()),
              ::testing::Not(::testing::HasSubstr("not-an-email")));

  auto list = manager_->ListProfiles(ListProfilesRequest(), context_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->profiles_size(), 0);
}

// Verifies that a replayed request_id returns the first result and creates
// nothing, and that reusing it for another request is refused.
TEST_F(ProfileManagerTest, RequestIdReplay) {
  CreateProfileRequest request;
  request.mutable_profile()->set_given_name("Kari");
  request.set_request_id("req-1");
  auto first = manager_->CreateProfile(request, context_);
  ASSERT_TRUE(first.ok());
  clock_.Advance(absl::Minutes(1));
  auto again = manager_->CreateProfile(request, context_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());

  request.mutable_profile()->set_given_name("Other");
  auto reused = manager_->CreateProfile(request, context_);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(reused.status()), "REQUEST_ID_REUSED");

  auto list = manager_->ListProfiles(ListProfilesRequest(), context_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->profiles_size(), 1);
}

// Verifies that an external id held by another live profile is refused,
// naming the system, and is free again once that profile is deleted.
TEST_F(ProfileManagerTest, ExternalIdsAreUniqueAmongLiveProfiles) {
  Profile first;
  auto* ext = first.add_external_ids();
  ext->set_system("billing");
  ext->set_id("ACC-1042");
  Profile holder = MustCreate(first);

  CreateProfileRequest request;
  *request.mutable_profile() = first;
  auto duplicate = manager_->CreateProfile(request, context_);
  ASSERT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(duplicate.status()), "EXTERNAL_ID_ALREADY_EXISTS");
  EXPECT_EQ(GetErrorInfo(duplicate.status())->metadata().at("system"), "billing");

  DeleteProfileRequest del;
  del.set_name(holder.name());
  ASSERT_TRUE(manager_->DeleteProfile(del, context_).ok());
  Profile second = MustCreate(first);

  UndeleteProfileRequest undelete;
  undelete.set_name(holder.name());
  auto revived = manager_->UndeleteProfile(undelete, context_);
  EXPECT_EQ(revived.status().code(), absl::StatusCode::kAlreadyExists);
}

// Verifies that an update which leaves the external ids as stored looks
// none of them up (masked to another field, or sent unchanged without a
// mask), while one that changes them checks each and still refuses an id of
// another live profile.
TEST_F(ProfileManagerTest, UpdateLooksUpExternalIdsOnlyWhenTheyChange) {
  auto external_id = [](Profile* profile, const std::string& system, const std::string& id) {
    auto* added = profile->add_external_ids();
    added->set_system(system);
    added->set_id(id);
  };
  Profile first;
  first.set_display_name("First");
  external_id(&first, "billing", "ACC-1");
  external_id(&first, "webshop", "u_1");
  Profile created = MustCreate(first, "first");
  Profile other;
  external_id(&other, "billing", "ACC-9");
  MustCreate(other, "other");
  CountingStore store(store_.get());
  ProfileManager manager(&store, &clock_, &ids_, ProfileManagerOptions{});

  UpdateProfileRequest masked;
  masked.mutable_profile()->set_name("profiles/first");
  masked.mutable_profile()->set_display_name("Renamed");
  masked.mutable_update_mask()->add_paths("display_name");
  ASSERT_TRUE(manager.UpdateProfile(masked, context_).ok());
  EXPECT_EQ(store.lookups, 0);

  UpdateProfileRequest unmasked;
  *unmasked.mutable_profile() = created;
  unmasked.mutable_profile()->clear_etag();
  unmasked.mutable_profile()->clear_update_time();
  unmasked.mutable_profile()->set_given_name("Ada");
  std::swap(*unmasked.mutable_profile()->mutable_external_ids(0),
            *unmasked.mutable_profile()->mutable_external_ids(1));
  auto same = manager.UpdateProfile(unmasked, context_);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(store.lookups, 0);

  UpdateProfileRequest taken;
  taken.mutable_profile()->set_name("profiles/first");
  external_id(taken.mutable_profile(), "billing", "ACC-9");
  taken.mutable_update_mask()->add_paths("external_ids");
  auto refused = manager.UpdateProfile(taken, context_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(refused.status()), "EXTERNAL_ID_ALREADY_EXISTS");
  EXPECT_EQ(store.lookups, 1);

  UpdateProfileRequest changed = taken;
  changed.mutable_profile()->mutable_external_ids(0)->set_id("ACC-2");
  external_id(changed.mutable_profile(), "webshop", "u_1");
  auto updated = manager.UpdateProfile(changed, context_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->external_ids_size(), 2);
  EXPECT_EQ(store.lookups, 3);
}

// Verifies update semantics: mask, etag changes, stale etag aborts and
// changes nothing.
TEST_F(ProfileManagerTest, UpdateWithMaskAndEtag) {
  Profile input;
  input.set_given_name("Ola");
  input.set_family_name("Nordmann");
  Profile created = MustCreate(input);

  UpdateProfileRequest update;
  update.mutable_profile()->set_name(created.name());
  update.mutable_profile()->set_etag(created.etag());
  update.mutable_profile()->set_given_name("Kari");
  update.mutable_update_mask()->add_paths("family_name");
  auto updated = manager_->UpdateProfile(update, context_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->given_name(), "Ola");
  EXPECT_EQ(updated->family_name(), "");
  EXPECT_NE(updated->etag(), created.etag());

  auto stale = manager_->UpdateProfile(update, context_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(stale.status()), "ETAG_MISMATCH");
  GetProfileRequest get;
  get.set_name(created.name());
  EXPECT_EQ(manager_->GetProfile(get, context_)->etag(), updated->etag());

  UpdateProfileRequest unknown_path;
  unknown_path.mutable_profile()->set_name(created.name());
  unknown_path.mutable_update_mask()->add_paths("shoe_size");
  auto rejected = manager_->UpdateProfile(unknown_path, context_);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);

  UpdateProfileRequest bad_name;
  bad_name.mutable_profile()->set_name("customers/1");
  bad_name.mutable_update_mask()->add_paths("shoe_size");
  auto refused = manager_->UpdateProfile(bad_name, context_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  auto details = GetBadRequest(refused.status());
  ASSERT_TRUE(details.has_value());
  ASSERT_EQ(details->field_violations_size(), 2);
  EXPECT_EQ(details->field_violations(0).field(), "profile.name");
  EXPECT_EQ(details->field_violations(1).field(), "update_mask.paths[0]");
}

// Verifies that output-only fields are never applied: set on Create they
// are rejected, naming each; on Update, sending back the values read works
// and changing them is rejected; nothing is written in either case.
TEST_F(ProfileManagerTest, OutputOnlyFieldsAreNeverApplied) {
  CreateProfileRequest create;
  create.mutable_profile()->set_name("profiles/spoofed");
  create.mutable_profile()->set_etag("spoofed");
  create.mutable_profile()->mutable_delete_time()->set_seconds(5);
  create.mutable_profile()->set_given_name("Ola");
  auto rejected = manager_->CreateProfile(create, context_);
  ASSERT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_request = GetBadRequest(rejected.status());
  ASSERT_TRUE(bad_request.has_value());
  std::set<std::string> fields;
  for (const auto& v : bad_request->field_violations()) fields.insert(v.field());
  EXPECT_EQ(fields, (std::set<std::string>{"profile.name", "profile.etag", "profile.delete_time"}));
  EXPECT_EQ(manager_->ListProfiles(ListProfilesRequest(), context_)->profiles_size(), 0);

  Profile input;
  input.set_given_name("Ola");
  Profile created = MustCreate(input);
  clock_.Advance(absl::Hours(1));
  UpdateProfileRequest round_trip;
  *round_trip.mutable_profile() = created;
  round_trip.mutable_profile()->set_family_name("Nordmann");
  round_trip.mutable_update_mask()->add_paths("*");
  auto updated = manager_->UpdateProfile(round_trip, context_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->create_time().seconds(), 1767225600);
  EXPECT_EQ(updated->update_time().seconds(), 1767225600 + 3600);
  EXPECT_EQ(updated->family_name(), "Nordmann");

  UpdateProfileRequest change_times;
  change_times.mutable_profile()->set_name(created.name());
  change_times.mutable_profile()->mutable_delete_time()->set_seconds(1);
  change_times.mutable_profile()->set_given_name("Kari");
  auto refused = manager_->UpdateProfile(change_times, context_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  auto refused_details = GetBadRequest(refused.status());
  ASSERT_TRUE(refused_details.has_value());
  EXPECT_EQ(refused_details->field_violations(0).field(), "profile.delete_time");
  GetProfileRequest get;
  get.set_name(created.name());
  EXPECT_EQ(manager_->GetProfile(get, context_)->etag(), updated->etag());
}

// Verifies that an update without a mask changes only the populated fields.
TEST_F(ProfileManagerTest, UpdateWithoutMaskKeepsUnsetFields) {
  Profile input;
  input.set_given_name("Ola");
  input.set_region_code("NO");
  Profile created = MustCreate(input);
  UpdateProfileRequest update;
  update.mutable_profile()->set_name(created.name());
  update.mutable_profile()->set_family_name("Nordmann");
  auto updated = manager_->UpdateProfile(update, context_);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->given_name(), "Ola");
  EXPECT_EQ(updated->family_name(), "Nordmann");
  EXPECT_EQ(updated->region_code(), "NO");
}

// Verifies soft delete and undelete, with their state checks.
TEST_F(ProfileManagerTest, DeleteAndUndelete) {
  Profile created = MustCreate(Profile());
  DeleteProfileRequest del;
  del.set_name(created.name());
  del.set_etag("stale");
  EXPECT_EQ(manager_->DeleteProfile(del, context_).status().code(), absl::StatusCode::kAborted);
  del.set_etag(created.etag());
  auto deleted = manager_->DeleteProfile(del, context_);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->has_delete_time());
  EXPECT_EQ(manager_->DeleteProfile(del, context_).status().code(), absl::StatusCode::kAborted);
  del.set_etag("");
  EXPECT_EQ(manager_->DeleteProfile(del, context_).status().code(),
            absl::StatusCode::kFailedPrecondition);

  UpdateProfileRequest update;
  update.mutable_profile()->set_name(created.name());
  update.mutable_profile()->set_given_name("x");
  EXPECT_EQ(manager_->UpdateProfile(update, context_).status().code(),
            absl::StatusCode::kFailedPrecondition);

  EXPECT_EQ(manager_->ListProfiles(ListProfilesRequest(), context_)->profiles_size(), 0);
  ListProfilesRequest with_deleted;
  with_deleted.set_show_deleted(true);
  EXPECT_EQ(manager_->ListProfiles(with_deleted, context_)->profiles_size(), 1);

  UndeleteProfileRequest undelete;
  undelete.set_name(created.name());
  auto revived = manager_->UndeleteProfile(undelete, context_);
  ASSERT_TRUE(revived.ok());
  EXPECT_FALSE(revived->has_delete_time());
  // AIP-164: undeleting a profile that is not deleted is ALREADY_EXISTS.
  EXPECT_EQ(manager_->UndeleteProfile(undelete, context_).status().code(),
            absl::StatusCode::kAlreadyExists);

  GetProfileRequest get;
  get.set_name("profiles/missing");
  auto missing = manager_->GetProfile(get, context_);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(missing.status()), "PROFILE_NOT_FOUND");
}

// Verifies that paging visits every profile once, even with inserts between
// pages, and that a token is refused for another filter.
TEST_F(ProfileManagerTest, ListPagesWithKeysetTokens) {
  for (int i = 0; i < 7; ++i) {
    Profile p;
    p.set_region_code(i % 2 == 0 ? "NO" : "SE");
    MustCreate(p);
    clock_.Advance(absl::Seconds(1));
  }
  ListProfilesRequest request;
  request.set_page_size(2);
  std::set<std::string> seen;
  int pages = 0;
  do {
    auto page = manager_->ListProfiles(request, context_);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Profile& p : page->profiles()) EXPECT_TRUE(seen.insert(p.name()).second);
    if (pages++ == 0) MustCreate(Profile());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(seen.size(), 8u);

  ListProfilesRequest filtered;
  filtered.set_filter("region_code = \"NO\"");
  filtered.set_page_size(1);
  auto first = manager_->ListProfiles(filtered, context_);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->profiles_size(), 1);
  EXPECT_EQ(first->profiles(0).region_code(), "NO");
  filtered.set_page_token(first->next_page_token());
  filtered.set_filter("region_code = \"SE\"");
  EXPECT_EQ(manager_->ListProfiles(filtered, context_).status().code(),
            absl::StatusCode::kInvalidArgument);

  ListProfilesRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(manager_->ListProfiles(negative, context_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Verifies that LookupProfiles reads a national phone number in the
// request's region_code (else the default region), and names region_code
// when it is malformed and external_id.system / external_id.id when empty.
TEST_F(ProfileManagerTest, LookupReadsNationalPhoneInRegionCode) {
  Profile swede;
  swede.add_phones()->set_number("+46812345678");
  MustCreate(swede, "swede");
  customerprofile::v1::LookupProfilesRequest request;
  request.set_phone("08 123 456 78");
  request.set_region_code("se");
  auto found = manager_->LookupProfiles(request, context_);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->profiles_size(), 1);
  EXPECT_EQ(found->profiles(0).name(), "profiles/swede");
  EXPECT_FALSE(found->profiles(0).etag().empty());

  auto fields_of = [&](const customerprofile::v1::LookupProfilesRequest& bad) {
    auto refused = manager_->LookupProfiles(bad, context_);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    std::set<std::string> fields;
    if (auto details = GetBadRequest(refused.status())) {
      for (const auto& v : details->field_violations()) fields.insert(v.field());
    }
    return fields;
  };
  request.set_region_code("S3");
  EXPECT_EQ(fields_of(request), (std::set<std::string>{"region_code"}));
  customerprofile::v1::LookupProfilesRequest external;
  external.mutable_external_id();
  EXPECT_EQ(fields_of(external), (std::set<std::string>{"external_id.system", "external_id.id"}));
}

}  // namespace
}  // namespace cp::domain
