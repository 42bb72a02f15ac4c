#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

template <typename Context>
void SetDeadline(Context* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

// The web shop's customer: an e-mail, a name.
v1::Profile WebProfile() {
  v1::Profile profile;
  profile.set_given_name("Kari");
  profile.set_family_name("Nordmann");
  profile.set_region_code("NO");
  v1::Email* email = profile.add_emails();
  email->set_address("kari@example.com");
  email->set_primary(true);
  (*profile.mutable_attributes())["newsletter_format"].set_string_value("html");
  profile.add_tags("webshop");
  return profile;
}

// Billing's copy of the same person: a billing id, a phone, a birth date.
v1::Profile BillingProfile() {
  v1::Profile profile;
  profile.set_given_name("Kari Anne");
  profile.set_family_name("Nordmann");
  profile.set_display_name("K. A. Nordmann");
  v1::Phone* phone = profile.add_phones();
  phone->set_number("+4741234567");
  phone->set_primary(true);
  v1::ExternalId* id = profile.add_external_ids();
  id->set_system("billing");
  id->set_id("ACC-1042");
  profile.mutable_birth_date()->set_year(1980);
  profile.mutable_birth_date()->set_month(5);
  profile.mutable_birth_date()->set_day(17);
  (*profile.mutable_attributes())["credit_limit"].set_int64_value(5000);
  return profile;
}

// SameButVersion compares two profiles ignoring etag and update_time.
bool SameButVersion(const v1::Profile& a, const v1::Profile& b, std::string* diff) {
  google::protobuf::util::MessageDifferencer differencer;
  differencer.IgnoreField(v1::Profile::descriptor()->FindFieldByName("etag"));
  differencer.IgnoreField(v1::Profile::descriptor()->FindFieldByName("update_time"));
  differencer.TreatAsSet(v1::Profile::descriptor()->FindFieldByName("provenance"));
  differencer.ReportDifferencesToString(diff);
  return differencer.Compare(a, b);
}

class MergeTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    auto server = GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite()
                                                 : TestServer::StartWithMysql();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
  }

  v1::Profile MustCreate(const std::string& id, const v1::Profile& profile) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    *request.mutable_profile() = profile;
    v1::Profile created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->CreateProfile(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status Get(const std::string& id, v1::Profile* out,
                   v1::ProfileView view = v1::PROFILE_VIEW_BASIC) {
    v1::GetProfileRequest request;
    request.set_name("profiles/" + id);
    request.set_view(view);
    grpc::ClientContext context;
    SetDeadline(&context);
    return profiles_->GetProfile(&context, request, out);
  }

  v1::Profile MustGet(const std::string& id, v1::ProfileView view = v1::PROFILE_VIEW_BASIC) {
    v1::Profile profile;
    grpc::Status status = Get(id, &profile, view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return profile;
  }

  static v1::MergeProfilesRequest MergeRequest(const v1::Profile& survivor,
                                               const std::vector<v1::Profile>& merged) {
    v1::MergeProfilesRequest request;
    request.set_survivor(survivor.name());
    request.set_survivor_etag(survivor.etag());
    for (const v1::Profile& profile : merged) {
      v1::MergeSource* source = request.add_merged_profiles();
      source->set_name(profile.name());
      source->set_etag(profile.etag());
    }
    return request;
  }

  grpc::Status Merge(const v1::MergeProfilesRequest& request, v1::MergeProfilesResponse* out) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return profiles_->MergeProfiles(&context, request, out);
  }

  v1::MergeProfilesResponse MustMerge(const v1::MergeProfilesRequest& request) {
    v1::MergeProfilesResponse response;
    grpc::Status status = Merge(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Unmerge(const std::string& merge, const std::string& etag,
                       v1::UnmergeProfileResponse* out, const std::string& request_id = "") {
    v1::UnmergeProfileRequest request;
    request.set_name(merge);
    request.set_etag(etag);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    SetDeadline(&context);
    return profiles_->UnmergeProfile(&context, request, out);
  }

  v1::LookupProfilesResponse LookupPhone(const std::string& phone) {
    v1::LookupProfilesRequest request;
    request.set_phone(phone);
    v1::LookupProfilesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->LookupProfiles(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static std::vector<std::string> Names(const v1::LookupProfilesResponse& response) {
    std::vector<std::string> names;
    for (const v1::Profile& profile : response.profiles()) names.push_back(profile.name());
    return names;
  }

  void MustCreateSmsPurpose() {
    v1::CreatePurposeRequest request;
    request.set_purpose_id("offers");
    v1::Purpose* purpose = request.mutable_purpose();
    purpose->set_display_name("Offers");
    purpose->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
    purpose->add_channels(v1::CHANNEL_SMS);
    purpose->add_channels(v1::CHANNEL_EMAIL);
    purpose->set_consent_validity_months(24);
    purpose->set_notice_text("Offers by SMS and e-mail, version 1.");
    v1::Purpose created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CreatePurpose(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status RecordSmsGrant(const std::string& profile_id, const std::string& phone = "") {
    v1::RecordConsentRequest request;
    request.set_parent("profiles/" + profile_id);
    v1::ConsentEvent* event = request.mutable_consent_event();
    event->set_purpose("purposes/offers");
    event->set_channel(v1::CHANNEL_SMS);
    event->set_contact_point(phone);
    event->set_decision(v1::CONSENT_DECISION_GRANTED);
    event->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
    event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
    event->mutable_evidence()->set_source_system("webshop");
    v1::RecordConsentResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return consents_->RecordConsent(&context, request, &response);
  }

  v1::ConsentCheck MustCheckSms(const std::string& profile_id) {
    v1::CheckConsentRequest request;
    request.set_profile("profiles/" + profile_id);
    request.set_purpose("purposes/offers");
    request.set_channel(v1::CHANNEL_SMS);
    v1::CheckConsentResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CheckConsent(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.check();
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
};

// Verifies a merge over the wire: the survivor holds the union with its own
// single values, provenance shows only in the FULL view, the merged profile
// reads back MERGED and refuses writes naming the survivor, its phone and
// billing id find the survivor alone, lists leave it out; then unmerge brings
// both back equal to their before-images (but for etag and update_time).
TEST_P(MergeTest, MergeThenUnmergeRestoresBeforeImages) {
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  v1::MergeProfilesResponse merged = MustMerge(MergeRequest(web, {billing}));

  const v1::Profile& survivor = merged.survivor();
  EXPECT_EQ(survivor.name(), "profiles/web");
  EXPECT_EQ(survivor.given_name(), "Kari");              // the survivor's own value stays
  EXPECT_EQ(survivor.display_name(), "K. A. Nordmann");  // the survivor had none
  ASSERT_EQ(survivor.phones_size(), 1);
  EXPECT_EQ(survivor.phones(0).number(), "+4741234567");
  ASSERT_EQ(survivor.external_ids_size(), 1);
  EXPECT_EQ(survivor.external_ids(0).id(), "ACC-1042");
  EXPECT_EQ(survivor.birth_date().year(), 1980);
  EXPECT_EQ(survivor.attributes().at("credit_limit").int64_value(), 5000);
  EXPECT_EQ(survivor.attributes().at("newsletter_format").string_value(), "html");
  EXPECT_EQ(merged.merge().state(), v1::MERGE_STATE_APPLIED);
  EXPECT_THAT(merged.merge().merged_profiles(), ElementsAre("profiles/billing"));
  ASSERT_EQ(merged.merge().before_images_size(), 2);

  v1::Profile basic = MustGet("web");
  EXPECT_THAT(basic.provenance(), IsEmpty());
  EXPECT_EQ(basic.state(), v1::PROFILE_STATE_ACTIVE);
  v1::Profile full = MustGet("web", v1::PROFILE_VIEW_FULL);
  std::vector<std::string> provenance;
  for (const v1::ValueProvenance& entry : full.provenance()) {
    EXPECT_EQ(entry.source_profile(), "profiles/billing");
    EXPECT_EQ(entry.merge(), merged.merge().name());
    provenance.push_back(absl::StrCat(entry.field(), "=", entry.key()));
  }
  EXPECT_THAT(provenance,
              UnorderedElementsAre("phones=+4741234567", "external_ids=billing:ACC-1042",
                                   "display_name=", "birth_date=", "attributes=credit_limit"));

  v1::Profile gone = MustGet("billing");
  EXPECT_EQ(gone.state(), v1::PROFILE_STATE_MERGED);
  EXPECT_EQ(gone.merged_into(), "profiles/web");
  {
    v1::UpdateProfileRequest request;
    *request.mutable_profile() = gone;
    request.mutable_profile()->set_given_name("Changed");
    request.mutable_update_mask()->add_paths("given_name");
    v1::Profile ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->UpdateProfile(&context, request, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(ReasonOf(status), "PROFILE_MERGED");
    EXPECT_EQ(ErrorInfoOf(status).metadata().at("survivor"), "profiles/web");
  }
  EXPECT_THAT(Names(LookupPhone("412 34 567")), ElementsAre("profiles/web"));
  {
    v1::LookupProfilesRequest request;
    request.mutable_external_id()->set_system("billing");
    request.mutable_external_id()->set_id("ACC-1042");
    v1::LookupProfilesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->LookupProfiles(&context, request, &response).ok());
    EXPECT_THAT(Names(response), ElementsAre("profiles/web"));
  }
  {
    v1::ListProfilesRequest request;
    v1::ListProfilesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->ListProfiles(&context, request, &response).ok());
    ASSERT_EQ(response.profiles_size(), 1);
    EXPECT_EQ(response.profiles(0).name(), "profiles/web");
  }

  v1::UnmergeProfileResponse undone;
  grpc::Status status = Unmerge(merged.merge().name(), full.etag(), &undone);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(undone.kept_values(), IsEmpty());
  EXPECT_EQ(undone.merge().state(), v1::MERGE_STATE_UNDONE);
  std::string diff;
  EXPECT_TRUE(SameButVersion(MustGet("web", v1::PROFILE_VIEW_FULL), web, &diff)) << diff;
  v1::Profile back = MustGet("billing", v1::PROFILE_VIEW_FULL);
  EXPECT_TRUE(SameButVersion(back, billing, &diff)) << diff;
  EXPECT_NE(back.etag(), billing.etag());
  EXPECT_THAT(Names(LookupPhone("+4741234567")), ElementsAre("profiles/billing"));
}

// Verifies the refusals change nothing: a stale etag is ABORTED, a profile
// merged into itself, named twice or more than ten are INVALID_ARGUMENT, a
// merged profile cannot be merged again, a missing one is NOT_FOUND.
TEST_P(MergeTest, RefusalsChangeNothing) {
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  v1::MergeProfilesResponse response;

  v1::MergeProfilesRequest stale = MergeRequest(web, {billing});
  stale.mutable_merged_profiles(0)->set_etag("stale");
  grpc::Status status = Merge(stale, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(MustGet("billing").etag(), billing.etag());
  EXPECT_EQ(MustGet("web").etag(), web.etag());

  status = Merge(MergeRequest(web, {web}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("merged_profiles[0].name"));

  status = Merge(MergeRequest(web, {billing, billing}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("merged_profiles[1].name"));

  std::vector<v1::Profile> eleven(11, billing);
  for (int i = 0; i < 11; ++i) eleven[i].set_name(absl::StrCat("profiles/p", i));
  status = Merge(MergeRequest(web, eleven), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("merged_profiles"));

  v1::Profile missing;
  missing.set_name("profiles/nobody");
  status = Merge(MergeRequest(web, {missing}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::MergeProfilesResponse first = MustMerge(MergeRequest(web, {billing}));
  v1::Profile third = MustCreate("third", v1::Profile());
  v1::Profile merged_billing = MustGet("billing");
  status = Merge(MergeRequest(third, {merged_billing}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "PROFILE_MERGED");
  EXPECT_EQ(MustGet("third").etag(), third.etag());
}

// Verifies a replayed request_id returns the first merge and merges nothing
// again; an unmerge replay likewise.
TEST_P(MergeTest, ReplayReturnsTheFirstResult) {
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  v1::MergeProfilesRequest request = MergeRequest(web, {billing});
  request.set_request_id("merge-1");
  v1::MergeProfilesResponse first = MustMerge(request);
  v1::MergeProfilesResponse again = MustMerge(request);
  EXPECT_EQ(again.merge().name(), first.merge().name());
  EXPECT_EQ(again.survivor().etag(), first.survivor().etag());
  EXPECT_EQ(MustGet("web").etag(), first.survivor().etag());

  v1::UnmergeProfileResponse undone, replayed;
  ASSERT_TRUE(Unmerge(first.merge().name(), "", &undone, "unmerge-1").ok());
  ASSERT_TRUE(Unmerge(first.merge().name(), "", &replayed, "unmerge-1").ok());
  EXPECT_EQ(replayed.survivor().etag(), undone.survivor().etag());
  grpc::Status status = Unmerge(first.merge().name(), "", &replayed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "MERGE_ALREADY_UNDONE");
}

// Verifies unmerge removes only what is still as it landed: a moved value
// edited on the survivor since stays and is listed in kept_values, and a
// value added since stays too.
TEST_P(MergeTest, UnmergeKeepsValuesEditedSince) {
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  v1::MergeProfilesResponse merged = MustMerge(MergeRequest(web, {billing}));
  v1::Profile edit = merged.survivor();
  edit.clear_provenance();
  (*edit.mutable_attributes())["credit_limit"].set_int64_value(9000);
  edit.add_tags("agent-checked");
  v1::UpdateProfileRequest update;
  *update.mutable_profile() = edit;
  update.mutable_update_mask()->add_paths("attributes.credit_limit");
  update.mutable_update_mask()->add_paths("tags");
  v1::Profile updated;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->UpdateProfile(&context, update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::UnmergeProfileResponse undone;
  grpc::Status status = Unmerge(merged.merge().name(), updated.etag(), &undone);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(undone.kept_values_size(), 1);
  EXPECT_EQ(undone.kept_values(0).field(), "attributes");
  EXPECT_EQ(undone.kept_values(0).key(), "credit_limit");
  EXPECT_EQ(undone.kept_values(0).value().attributes().at("credit_limit").int64_value(), 9000);
  v1::Profile survivor = MustGet("web");
  EXPECT_EQ(survivor.attributes().at("credit_limit").int64_value(), 9000);
  EXPECT_THAT(survivor.tags(), ElementsAre("webshop", "agent-checked"));
  EXPECT_THAT(survivor.phones(), IsEmpty());
  EXPECT_EQ(survivor.display_name(), "");
  EXPECT_EQ(MustGet("billing").attributes().at("credit_limit").int64_value(), 5000);
}

// Verifies a merge a later merge depends on is undone only after it, and
// that GetMerge and ListMerges (newest first, paged) show both.
TEST_P(MergeTest, LaterMergeMustBeUndoneFirst) {
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  v1::Profile shop = MustCreate("shop", v1::Profile());
  v1::MergeProfilesResponse first = MustMerge(MergeRequest(web, {billing}));
  v1::MergeProfilesResponse second = MustMerge(MergeRequest(first.survivor(), {shop}));

  v1::UnmergeProfileResponse undone;
  grpc::Status status = Unmerge(first.merge().name(), "", &undone);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "MERGE_HAS_LATER_MERGE");
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("later_merge"), second.merge().name());

  v1::ListMergesRequest list;
  list.set_parent("profiles/web");
  list.set_page_size(1);
  v1::ListMergesResponse page;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->ListMerges(&context, list, &page).ok());
  }
  ASSERT_EQ(page.merges_size(), 1);
  EXPECT_EQ(page.merges(0).name(), second.merge().name());
  list.set_page_token(page.next_page_token());
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->ListMerges(&context, list, &page).ok());
  }
  ASSERT_EQ(page.merges_size(), 1);
  EXPECT_EQ(page.merges(0).name(), first.merge().name());
  EXPECT_TRUE(page.next_page_token().empty());

  ASSERT_TRUE(Unmerge(second.merge().name(), "", &undone).ok());
  ASSERT_TRUE(Unmerge(first.merge().name(), "", &undone).ok());
  v1::GetMergeRequest get;
  get.set_name(first.merge().name());
  v1::Merge merge;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(profiles_->GetMerge(&context, get, &merge).ok());
  EXPECT_EQ(merge.state(), v1::MERGE_STATE_UNDONE);
  EXPECT_EQ(MustGet("shop").state(), v1::PROFILE_STATE_ACTIVE);
}

// Verifies consent over a merge: an SMS grant recorded on the merged
// profile counts for the survivor; a check of the merged name answers for
// the survivor; recording on the merged profile is PROFILE_MERGED; after
// the unmerge the grant is the merged profile's alone again.
TEST_P(MergeTest, ConsentFollowsTheMerge) {
  MustCreateSmsPurpose();
  v1::Profile web = MustCreate("web", WebProfile());
  v1::Profile billing = MustCreate("billing", BillingProfile());
  grpc::Status status = RecordSmsGrant("billing", "+4741234567");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(MustCheckSms("web").allowed());

  v1::MergeProfilesResponse merged = MustMerge(MergeRequest(web, {billing}));
  v1::ConsentCheck check = MustCheckSms("web");
  EXPECT_TRUE(check.allowed());
  EXPECT_THAT(check.deciding_event(), ::testing::StartsWith("profiles/billing/consentEvents/"));
  v1::ConsentCheck redirected = MustCheckSms("billing");
  EXPECT_TRUE(redirected.allowed());
  EXPECT_EQ(redirected.profile(), "profiles/web");

  v1::BatchCheckConsentRequest batch;
  batch.set_purpose("purposes/offers");
  batch.set_channel(v1::CHANNEL_SMS);
  batch.add_profiles("profiles/web");
  batch.add_profiles("profiles/billing");
  v1::BatchCheckConsentResponse checks;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->BatchCheckConsent(&context, batch, &checks).ok());
  }
  ASSERT_EQ(checks.checks_size(), 2);
  EXPECT_TRUE(checks.checks(0).allowed());
  EXPECT_TRUE(checks.checks(1).allowed());
  EXPECT_EQ(checks.checks(1).profile(), "profiles/web");

  v1::ListConsentEventsRequest events;
  events.set_parent("profiles/web");
  v1::ListConsentEventsResponse listed;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListConsentEvents(&context, events, &listed).ok());
  }
  ASSERT_EQ(listed.consent_events_size(), 1);
  EXPECT_THAT(listed.consent_events(0).name(),
              ::testing::StartsWith("profiles/billing/consentEvents/"));

  status = RecordSmsGrant("billing");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "PROFILE_MERGED");

  v1::UnmergeProfileResponse undone;
  ASSERT_TRUE(Unmerge(merged.merge().name(), "", &undone).ok());
  EXPECT_FALSE(MustCheckSms("web").allowed());
  EXPECT_TRUE(MustCheckSms("billing").allowed());
  EXPECT_EQ(MustCheckSms("billing").profile(), "profiles/billing");
}

// Verifies FindDuplicates: a profile sharing the e-mail and the name and
// birth date scores both rules; one sharing only the name and birth date, or
// only the family name and address (case and spaces aside), is found through
// the duplicate index; one sharing only a phone scores SAME_PHONE; best
// first, paged.
TEST_P(MergeTest, FindDuplicatesExplainsEachCandidate) {
  v1::Profile base = BillingProfile();
  base.add_emails()->set_address("kari@example.com");
  v1::Address* home = base.add_addresses();
  home->add_address_lines("Storgata 1");
  home->set_postal_code("0155");
  home->set_region_code("NO");
  MustCreate("base", base);
  // No e-mail or phone in common: found through the duplicate index.
  v1::Profile namesake;
  namesake.set_given_name("KARI  anne");
  namesake.set_family_name("nordmann");
  *namesake.mutable_birth_date() = base.birth_date();
  MustCreate("namesake", namesake);
  v1::Profile neighbour;
  neighbour.set_given_name("Per");
  neighbour.set_family_name("NORDMANN");
  v1::Address* next_door = neighbour.add_addresses();
  next_door->add_address_lines("storgata   1");
  next_door->set_postal_code("0155");
  next_door->set_region_code("NO");
  MustCreate("neighbour", neighbour);
  v1::Profile twin = BillingProfile();
  twin.clear_external_ids();
  twin.clear_phones();
  twin.add_emails()->set_address("KARI@example.com");
  MustCreate("twin", twin);
  v1::Profile family;
  family.set_given_name("Ola");
  family.add_phones()->set_number("+4741234567");
  MustCreate("family", family);
  MustCreate("stranger", WebProfile());  // the same e-mail? no: see below
  v1::FindDuplicatesRequest request;
  request.set_name("profiles/base");
  request.set_page_size(1);
  v1::FindDuplicatesResponse page;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->FindDuplicates(&context, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(page.candidates_size(), 1);
  // "stranger" holds kari@example.com too and shares the family name but
  // not the given name or birth date: only the e-mail rule (40) matches it;
  // "twin" matches e-mail and name + birth date (90).
  EXPECT_EQ(page.candidates(0).profile().name(), "profiles/twin");
  EXPECT_EQ(page.candidates(0).score(), 90);
  ASSERT_EQ(page.candidates(0).matches_size(), 2);
  EXPECT_EQ(page.candidates(0).matches(0).rule(), v1::DUPLICATE_RULE_SAME_EMAIL);
  EXPECT_EQ(page.candidates(0).matches(1).rule(), v1::DUPLICATE_RULE_SAME_NAME_AND_BIRTH_DATE);
  std::vector<std::string> rest;
  while (!page.next_page_token().empty()) {
    request.set_page_token(page.next_page_token());
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->FindDuplicates(&context, request, &page).ok());
    for (const auto& candidate : page.candidates()) {
      rest.push_back(absl::StrCat(candidate.profile().name(), "=", candidate.score()));
    }
  }
  EXPECT_THAT(rest, ElementsAre("profiles/namesake=50", "profiles/stranger=40",
                                "profiles/neighbour=35", "profiles/family=30"));
}

INSTANTIATE_TEST_SUITE_P(Backends, MergeTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         BackendName);

}  // namespace
}  // namespace cp::testing
