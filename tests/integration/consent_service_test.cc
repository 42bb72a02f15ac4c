#include <grpcpp/grpcpp.h>
#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/proto_time.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/auth/access_control.h"
#include "server/auth/api_key.h"
#include "server/auth/method_policy.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

// Backend is the store a ConsentServiceTest runs on.
enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

// Ago returns the protobuf time `duration` before now.
google::protobuf::Timestamp Ago(absl::Duration duration) {
  return domain::ToProtoTime(absl::Now() - duration);
}

// ConsentServiceTest runs each test on a server over SQLite and on one over
// the test MariaDB (skipped when CP_TEST_MYSQL_URI is unset), with a
// ProfileService stub to make profiles and a ConsentService stub under test.
class ConsentServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    TestServerOptions options;
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<TestServer>> server = GetParam() == Backend::kSqlite
                                                             ? TestServer::StartWithSqlite(options)
                                                             : TestServer::StartWithMysql(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
    MustCreateProfile("kari");
    MustCreatePurpose("newsletter", /*double_opt_in=*/false);
  }

  static void SetDeadline(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }

  void MustCreateProfile(const std::string& id) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_given_name("Kari");
    request.mutable_profile()->set_region_code("NO");
    request.mutable_profile()->add_emails()->set_address(id + "@example.com");
    request.mutable_profile()->add_phones()->set_number("+4791234567");
    v1::Profile profile;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->CreateProfile(&context, request, &profile);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::Purpose MustCreatePurpose(const std::string& id, bool double_opt_in) {
    v1::CreatePurposeRequest request;
    request.set_purpose_id(id);
    v1::Purpose* purpose = request.mutable_purpose();
    purpose->set_display_name("Purpose " + id);
    purpose->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
    purpose->add_channels(v1::CHANNEL_EMAIL);
    purpose->add_channels(v1::CHANNEL_SMS);
    purpose->set_double_opt_in_required(double_opt_in);
    purpose->set_consent_validity_months(24);
    purpose->set_notice_text("News about " + id + ", version 1.");
    v1::Purpose created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CreatePurpose(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  static v1::RecordConsentRequest Request(const std::string& profile, const std::string& purpose,
                                          v1::ConsentDecision decision, absl::Duration ago,
                                          v1::Channel channel = v1::CHANNEL_EMAIL,
                                          v1::EvidenceMethod method = v1::EVIDENCE_METHOD_WEB_FORM,
                                          const std::string& contact_point = "") {
    v1::RecordConsentRequest request;
    request.set_parent("profiles/" + profile);
    v1::ConsentEvent* event = request.mutable_consent_event();
    event->set_purpose("purposes/" + purpose);
    event->set_channel(channel);
    event->set_contact_point(contact_point);
    event->set_decision(decision);
    *event->mutable_occur_time() = Ago(ago);
    event->mutable_evidence()->set_method(method);
    event->mutable_evidence()->set_source_system("webshop");
    return request;
  }

  grpc::Status Record(const v1::RecordConsentRequest& request,
                      v1::RecordConsentResponse* response = nullptr,
                      v1::ConsentService::Stub* stub = nullptr) {
    v1::RecordConsentResponse ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    return (stub ? stub : consents_.get())
        ->RecordConsent(&context, request, response ? response : &ignored);
  }

  grpc::Status Check(const std::string& profile, const std::string& purpose, v1::Channel channel,
                     v1::ConsentCheck* check, const std::string& contact_point = "") {
    v1::CheckConsentRequest request;
    request.set_profile("profiles/" + profile);
    request.set_purpose("purposes/" + purpose);
    request.set_channel(channel);
    request.set_contact_point(contact_point);
    v1::CheckConsentResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CheckConsent(&context, request, &response);
    *check = response.check();
    return status;
  }

  v1::ConsentCheck MustCheck(const std::string& profile, const std::string& purpose,
                             v1::Channel channel = v1::CHANNEL_EMAIL) {
    v1::ConsentCheck check;
    grpc::Status status = Check(profile, purpose, channel, &check);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return check;
  }

  // The server's clock: fixed at the start, moved by the expiry test.
  domain::FakeClock clock_{absl::Now()};
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
};

// Verifies that changing a purpose's notice text makes version 2 while
// Verifies that a national-format phone number given as a consent contact
// point is read with --default-phone-region (NO here), the rule the phones
// on the profile itself are read with, not with the profile's region_code:
// a Swedish profile's +4791234567 is its own "912 34 567" both when the
// consent is recorded and when it is checked.
TEST_P(ConsentServiceTest, ContactPointPhoneUsesTheDefaultRegionLikeProfilePhones) {
  v1::CreateProfileRequest create;
  create.set_profile_id("sven");
  create.mutable_profile()->set_region_code("SE");
  create.mutable_profile()->add_phones()->set_number("912 34 567");
  v1::Profile sven;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->CreateProfile(&context, create, &sven).ok());
  }
  ASSERT_EQ(sven.phones(0).number(), "+4791234567");
  v1::RecordConsentResponse recorded;
  grpc::Status status =
      Record(Request("sven", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Minutes(1),
                     v1::CHANNEL_SMS, v1::EVIDENCE_METHOD_WEB_FORM, "912 34 567"),
             &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(recorded.consent_event().contact_point(), "+4791234567");
  v1::ConsentCheck check;
  status = Check("sven", "newsletter", v1::CHANNEL_SMS, &check, "912 34 567");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(check.allowed());
}

// version 1 stays readable word for word, and that a stale etag is ABORTED.
TEST_P(ConsentServiceTest, NoticeTextChangeCreatesVersionTwoAndKeepsVersionOne) {
  v1::GetPurposeRequest get;
  get.set_name("purposes/newsletter");
  v1::Purpose purpose;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->GetPurpose(&context, get, &purpose).ok());
  }
  EXPECT_EQ(purpose.notice_version(), 1);
  std::string old_etag = purpose.etag();

  v1::UpdatePurposeRequest update;
  update.mutable_purpose()->set_name("purposes/newsletter");
  update.mutable_purpose()->set_etag(old_etag);
  update.mutable_purpose()->set_notice_text("News about newsletter, version 2.");
  update.mutable_update_mask()->add_paths("notice_text");
  v1::Purpose updated;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->UpdatePurpose(&context, update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(updated.notice_version(), 2);
  EXPECT_EQ(updated.notice_text(), "News about newsletter, version 2.");
  EXPECT_NE(updated.etag(), old_etag);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::Purpose stale;
    EXPECT_EQ(consents_->UpdatePurpose(&context, update, &stale).error_code(),
              grpc::StatusCode::ABORTED);
  }

  v1::GetNoticeVersionRequest get_v1;
  get_v1.set_name("purposes/newsletter/noticeVersions/1");
  v1::NoticeVersion version1;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->GetNoticeVersion(&context, get_v1, &version1).ok());
  }
  EXPECT_EQ(version1.notice_text(), "News about newsletter, version 1.");

  v1::ListNoticeVersionsRequest list;
  list.set_parent("purposes/newsletter");
  v1::ListNoticeVersionsResponse versions;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListNoticeVersions(&context, list, &versions).ok());
  }
  ASSERT_EQ(versions.notice_versions_size(), 2);
  EXPECT_EQ(versions.notice_versions(0).version(), 2);
  EXPECT_EQ(versions.notice_versions(1).version(), 1);

  v1::ListPurposesResponse purposes;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListPurposes(&context, v1::ListPurposesRequest(), &purposes).ok());
  }
  ASSERT_EQ(purposes.purposes_size(), 1);
  EXPECT_EQ(purposes.purposes(0).notice_version(), 2);
}

// Verifies that expiry is decided at check time by the server's clock: a
// grant on a purpose valid for 24 months allows until the clock passes that,
// then answers EXPIRED naming the grant.
TEST_P(ConsentServiceTest, GrantExpiresWhenTheServerClockMovesOn) {
  v1::RecordConsentResponse grant;
  ASSERT_TRUE(
      Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Hours(1)), &grant)
          .ok());
  EXPECT_TRUE(MustCheck("kari", "newsletter").allowed());
  clock_.Advance(absl::Hours(24 * 30 * 23));
  EXPECT_TRUE(MustCheck("kari", "newsletter").allowed()) << "23 months on: still valid";
  clock_.Advance(absl::Hours(24 * 60));
  v1::ConsentCheck expired = MustCheck("kari", "newsletter");
  EXPECT_FALSE(expired.allowed());
  EXPECT_EQ(expired.reason(), v1::CHECK_REASON_EXPIRED);
  EXPECT_EQ(expired.deciding_event(), grant.consent_event().name());
}

// Verifies the ordering rule over the wire: a back-dated paper withdrawal
// recorded after a newer web grant does not override it, and a back-dated
// grant recorded after a newer withdrawal does not override that either.
TEST_P(ConsentServiceTest, LatestOccurrenceDecidesBothWays) {
  v1::RecordConsentResponse grant;
  ASSERT_TRUE(
      Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Hours(1)), &grant)
          .ok());
  v1::RecordConsentResponse paper;
  ASSERT_TRUE(Record(Request("kari", "newsletter", v1::CONSENT_DECISION_WITHDRAWN, absl::Hours(48),
                             v1::CHANNEL_EMAIL, v1::EVIDENCE_METHOD_PAPER),
                     &paper)
                  .ok());
  EXPECT_EQ(paper.consent().state(), v1::CONSENT_STATE_GRANTED);
  v1::ConsentCheck email = MustCheck("kari", "newsletter");
  EXPECT_TRUE(email.allowed());
  EXPECT_EQ(email.reason(), v1::CHECK_REASON_GRANTED);
  EXPECT_EQ(email.deciding_event(), grant.consent_event().name());

  v1::RecordConsentResponse withdrawal;
  ASSERT_TRUE(Record(Request("kari", "newsletter", v1::CONSENT_DECISION_WITHDRAWN, absl::Hours(1),
                             v1::CHANNEL_SMS),
                     &withdrawal)
                  .ok());
  ASSERT_TRUE(Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Hours(48),
                             v1::CHANNEL_SMS, v1::EVIDENCE_METHOD_PAPER))
                  .ok());
  v1::ConsentCheck sms = MustCheck("kari", "newsletter", v1::CHANNEL_SMS);
  EXPECT_FALSE(sms.allowed());
  EXPECT_EQ(sms.reason(), v1::CHECK_REASON_WITHDRAWN);
  EXPECT_EQ(sms.deciding_event(), withdrawal.consent_event().name());

  v1::ListConsentEventsRequest list;
  list.set_parent("profiles/kari");
  v1::ListConsentEventsResponse events;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListConsentEvents(&context, list, &events).ok());
  }
  ASSERT_EQ(events.consent_events_size(), 4);
  EXPECT_GE(domain::FromProtoTime(events.consent_events(0).occur_time()),
            domain::FromProtoTime(events.consent_events(3).occur_time()));

  v1::ListConsentsRequest current;
  current.set_parent("profiles/kari");
  v1::ListConsentsResponse consents;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListConsents(&context, current, &consents).ok());
  }
  ASSERT_EQ(consents.consents_size(), 2);
  for (const v1::Consent& consent : consents.consents()) {
    EXPECT_EQ(consent.state(), consent.channel() == v1::CHANNEL_EMAIL
                                   ? v1::CONSENT_STATE_GRANTED
                                   : v1::CONSENT_STATE_WITHDRAWN);
  }
}

// Verifies that BatchCheckConsent answers in request order with the same
// decision as CheckConsent for each profile, and PROFILE_NOT_FOUND for an
// unknown one.
TEST_P(ConsentServiceTest, BatchCheckEqualsSingleChecksInOrder) {
  MustCreateProfile("granted");
  MustCreateProfile("denied");
  MustCreateProfile("silent");
  ASSERT_TRUE(
      Record(Request("granted", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Minutes(5)))
          .ok());
  ASSERT_TRUE(
      Record(Request("denied", "newsletter", v1::CONSENT_DECISION_DENIED, absl::Minutes(5))).ok());

  const std::vector<std::string> ids = {"silent", "granted", "denied", "kari", "granted"};
  v1::BatchCheckConsentRequest batch;
  batch.set_purpose("purposes/newsletter");
  batch.set_channel(v1::CHANNEL_EMAIL);
  for (const std::string& id : ids) batch.add_profiles("profiles/" + id);
  batch.add_profiles("profiles/nobody");
  v1::BatchCheckConsentResponse response;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->BatchCheckConsent(&context, batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(response.checks_size(), static_cast<int>(ids.size()) + 1);
  for (size_t i = 0; i < ids.size(); ++i) {
    v1::ConsentCheck single = MustCheck(ids[i], "newsletter");
    const v1::ConsentCheck& batched = response.checks(static_cast<int>(i));
    EXPECT_EQ(batched.profile(), "profiles/" + ids[i]);
    EXPECT_EQ(batched.allowed(), single.allowed()) << ids[i];
    EXPECT_EQ(batched.reason(), single.reason()) << ids[i];
    EXPECT_EQ(batched.deciding_event(), single.deciding_event()) << ids[i];
  }
  EXPECT_EQ(response.checks(0).reason(), v1::CHECK_REASON_NO_CONSENT);
  EXPECT_EQ(response.checks(1).reason(), v1::CHECK_REASON_GRANTED);
  EXPECT_TRUE(response.checks(1).allowed());
  EXPECT_EQ(response.checks(2).reason(), v1::CHECK_REASON_DENIED);
  EXPECT_EQ(response.checks(5).reason(), v1::CHECK_REASON_PROFILE_NOT_FOUND);
  EXPECT_FALSE(response.checks(5).allowed());
}

// Verifies double opt-in over the wire: a grant stays pending until its
// token is confirmed, then counts with DOUBLE_OPT_IN evidence; the token
// works once.
TEST_P(ConsentServiceTest, DoubleOptInConfirmsWithTokenOnce) {
  MustCreatePurpose("offers", /*double_opt_in=*/true);
  v1::RecordConsentResponse pending;
  ASSERT_TRUE(
      Record(Request("kari", "offers", v1::CONSENT_DECISION_GRANTED, absl::Minutes(1)), &pending)
          .ok());
  EXPECT_EQ(pending.consent().state(), v1::CONSENT_STATE_PENDING_CONFIRMATION);
  EXPECT_TRUE(pending.consent_event().pending_confirmation());
  ASSERT_FALSE(pending.confirmation_token().empty());
  EXPECT_EQ(MustCheck("kari", "offers").reason(), v1::CHECK_REASON_PENDING_CONFIRMATION);

  v1::ConfirmConsentRequest confirm;
  confirm.set_token("not-a-token");
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ConsentEvent event;
    grpc::Status status = consents_->ConfirmConsent(&context, confirm, &event);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(ReasonOf(status), "CONFIRMATION_TOKEN_UNKNOWN");
  }
  confirm.set_token(pending.confirmation_token());
  confirm.mutable_evidence()->set_ip_address("192.0.2.7");
  v1::ConsentEvent confirmed;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->ConfirmConsent(&context, confirm, &confirmed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(confirmed.evidence().method(), v1::EVIDENCE_METHOD_DOUBLE_OPT_IN);
  EXPECT_EQ(confirmed.confirms_event(), pending.consent_event().name());
  v1::ConsentCheck check = MustCheck("kari", "offers");
  EXPECT_TRUE(check.allowed());
  EXPECT_EQ(check.deciding_event(), confirmed.name());
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ConsentEvent again;
    grpc::Status status = consents_->ConfirmConsent(&context, confirm, &again);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(ReasonOf(status), "CONFIRMATION_TOKEN_USED");
  }
}

// Verifies the error answers: a contact point not the profile's own is
// INVALID_ARGUMENT naming the field, an unknown purpose NOT_FOUND, an
// uncovered channel INVALID_ARGUMENT on record and not allowed on check, and
// a deleted profile's check PROFILE_DELETED.
TEST_P(ConsentServiceTest, ErrorsAndDeletedProfile) {
  grpc::Status foreign =
      Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Minutes(1),
                     v1::CHANNEL_EMAIL, v1::EVIDENCE_METHOD_WEB_FORM, "someone@example.com"));
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(foreign), ::testing::Contains("consent_event.contact_point"));
  EXPECT_THAT(foreign.error_message(), ::testing::Not(::testing::HasSubstr("someone")));
  EXPECT_TRUE(Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED, absl::Minutes(1),
                             v1::CHANNEL_EMAIL, v1::EVIDENCE_METHOD_WEB_FORM, "KARI@example.com"))
                  .ok());

  v1::ConsentCheck check;
  grpc::Status foreign_check = Check("kari", "newsletter", v1::CHANNEL_SMS, &check, "+4799999999");
  EXPECT_EQ(foreign_check.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(BadRequestFields(foreign_check).empty());

  grpc::Status unknown =
      Record(Request("kari", "nope", v1::CONSENT_DECISION_GRANTED, absl::Minutes(1)));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Check("kari", "nope", v1::CHANNEL_EMAIL, &check).error_code(),
            grpc::StatusCode::NOT_FOUND);

  grpc::Status uncovered = Record(Request("kari", "newsletter", v1::CONSENT_DECISION_GRANTED,
                                          absl::Minutes(1), v1::CHANNEL_PHONE_CALL));
  EXPECT_EQ(uncovered.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(uncovered), "PURPOSE_NOT_FOR_CHANNEL");
  v1::ConsentCheck push = MustCheck("kari", "newsletter", v1::CHANNEL_PUSH);
  EXPECT_FALSE(push.allowed());
  EXPECT_EQ(push.reason(), v1::CHECK_REASON_PURPOSE_NOT_FOR_CHANNEL);

  EXPECT_TRUE(MustCheck("kari", "newsletter").allowed());
  v1::DeleteProfileRequest remove;
  remove.set_name("profiles/kari");
  v1::Profile deleted;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->DeleteProfile(&context, remove, &deleted).ok());
  }
  v1::ConsentCheck after = MustCheck("kari", "newsletter");
  EXPECT_FALSE(after.allowed());
  EXPECT_EQ(after.reason(), v1::CHECK_REASON_PROFILE_DELETED);
}

// Verifies that grants and withdrawals sent at once from several clients,
// each over its own connection, are all kept, and that the current state
// is that of the latest occurrence.
TEST_P(ConsentServiceTest, ConcurrentGrantsAndWithdrawalsKeepEveryEvent) {
  constexpr int kClients = 4;
  constexpr int kPerClient = 10;
  std::vector<std::thread> threads;
  std::vector<int> failures(kClients, 0);
  const absl::Time base = absl::Now() - absl::Hours(1);
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      std::unique_ptr<v1::ConsentService::Stub> stub =
          v1::ConsentService::NewStub(server_->NewChannel());
      for (int i = 0; i < kPerClient; ++i) {
        // Every event has its own occur time; the latest is client 0's last.
        int order = i * kClients + (kClients - 1 - c);
        v1::ConsentDecision decision =
            order % 2 == 0 ? v1::CONSENT_DECISION_GRANTED : v1::CONSENT_DECISION_WITHDRAWN;
        v1::RecordConsentRequest request =
            Request("kari", "newsletter", decision, absl::ZeroDuration());
        *request.mutable_consent_event()->mutable_occur_time() =
            domain::ToProtoTime(base + absl::Seconds(order));
        request.set_request_id(absl::StrCat("client-", c, "-", i));
        if (!Record(request, nullptr, stub.get()).ok()) ++failures[c];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int c = 0; c < kClients; ++c) EXPECT_EQ(failures[c], 0) << "client " << c;

  v1::ListConsentEventsRequest list;
  list.set_parent("profiles/kari");
  list.set_page_size(1000);
  v1::ListConsentEventsResponse events;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(consents_->ListConsentEvents(&context, list, &events).ok());
  }
  ASSERT_EQ(events.consent_events_size(), kClients * kPerClient);
  const v1::ConsentEvent& latest = events.consent_events(0);
  // The greatest order is kPerClient * kClients - 1: odd, a withdrawal.
  EXPECT_EQ(latest.decision(), v1::CONSENT_DECISION_WITHDRAWN);
  v1::ConsentCheck check = MustCheck("kari", "newsletter");
  EXPECT_FALSE(check.allowed());
  EXPECT_EQ(check.reason(), v1::CHECK_REASON_WITHDRAWN);
  EXPECT_EQ(check.deciding_event(), latest.name());
}

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-consent-secret";
constexpr char kAudience[] = "customerprofile";

// SelfServiceToken returns an HS256 JWT for the customer `profile_id`.
std::string SelfServiceToken(const std::string& profile_id) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grant(jwt, "sub", profile_id.c_str());
  jwt_add_grant(jwt, "aud", kAudience);
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(absl::Now() + absl::Minutes(5)));
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kSecret),
              static_cast<int>(sizeof(kSecret) - 1));
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

// ConsentSelfServiceTest runs a SQLite server with an admin app and
// self-service tokens.
class ConsentSelfServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::auth::AuthConfig config;
    server::auth::AppConfig admin;
    admin.id = "admin";
    admin.key_hashes.push_back(server::auth::HashApiKey("admin-key"));
    for (const std::string& scope : server::auth::KnownScopes()) admin.scopes.insert(scope);
    config.apps.push_back(admin);
    server::auth::SelfServiceConfig self;
    self.algorithm = "HS256";
    self.key = kSecret;
    self.audience = kAudience;
    config.self_service = self;
    TestServerOptions options;
    options.runner.access = std::make_shared<server::auth::AccessControl>(config);
    auto started = TestServer::StartWithSqlite(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    profiles_ = server_->NewStub();
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
    for (const char* id : {"kari", "ola"}) {
      v1::CreateProfileRequest request;
      request.set_profile_id(id);
      request.mutable_profile()->set_given_name("Kari");
      request.mutable_profile()->add_emails()->set_address(std::string(id) + "@example.com");
      v1::Profile profile;
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer admin-key");
      ASSERT_TRUE(profiles_->CreateProfile(&context, request, &profile).ok());
    }
    v1::CreatePurposeRequest purpose;
    purpose.set_purpose_id("newsletter");
    purpose.mutable_purpose()->set_display_name("Newsletter");
    purpose.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
    purpose.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
    purpose.mutable_purpose()->set_notice_text("Monthly news.");
    v1::Purpose created;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer admin-key");
    grpc::Status status = consents_->CreatePurpose(&context, purpose, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Call runs `fn` with a context carrying `authorization`.
  template <typename Fn>
  grpc::Status Call(const std::string& authorization, Fn fn) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorization);
    return fn(&context);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
};

// Verifies that a customer records, lists and checks consents of their own
// profile only, cannot batch-check or manage purposes, and that the
// recording app is taken from the credential.
TEST_F(ConsentSelfServiceTest, CustomerReachesOnlyOwnConsents) {
  const std::string kari = "Bearer " + SelfServiceToken("kari");
  v1::RecordConsentRequest own;
  own.set_parent("profiles/kari");
  own.mutable_consent_event()->set_purpose("purposes/newsletter");
  own.mutable_consent_event()->set_channel(v1::CHANNEL_EMAIL);
  own.mutable_consent_event()->set_decision(v1::CONSENT_DECISION_GRANTED);
  *own.mutable_consent_event()->mutable_occur_time() = Ago(absl::Minutes(1));
  own.mutable_consent_event()->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
  v1::RecordConsentResponse recorded;
  grpc::Status status = Call(kari, [&](grpc::ClientContext* ctx) {
    return consents_->RecordConsent(ctx, own, &recorded);
  });
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::RecordConsentRequest other = own;
  other.set_parent("profiles/ola");
  v1::RecordConsentResponse ignored;
  status = Call(kari, [&](grpc::ClientContext* ctx) {
    return consents_->RecordConsent(ctx, other, &ignored);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReasonOf(status), "NOT_OWN_PROFILE");

  v1::ListConsentsRequest list;
  list.set_parent("profiles/ola");
  v1::ListConsentsResponse consents;
  EXPECT_EQ(
      Call(kari,
           [&](grpc::ClientContext* ctx) { return consents_->ListConsents(ctx, list, &consents); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::ListConsentEventsRequest events_request;
  events_request.set_parent("profiles/ola");
  v1::ListConsentEventsResponse events;
  EXPECT_EQ(Call(kari,
                 [&](grpc::ClientContext* ctx) {
                   return consents_->ListConsentEvents(ctx, events_request, &events);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::CheckConsentRequest check;
  check.set_profile("profiles/kari");
  check.set_purpose("purposes/newsletter");
  check.set_channel(v1::CHANNEL_EMAIL);
  v1::CheckConsentResponse checked;
  status = Call(kari, [&](grpc::ClientContext* ctx) {
    return consents_->CheckConsent(ctx, check, &checked);
  });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(checked.check().allowed());
  check.set_profile("profiles/ola");
  EXPECT_EQ(
      Call(kari,
           [&](grpc::ClientContext* ctx) { return consents_->CheckConsent(ctx, check, &checked); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  v1::BatchCheckConsentRequest batch;
  batch.set_purpose("purposes/newsletter");
  batch.set_channel(v1::CHANNEL_EMAIL);
  batch.add_profiles("profiles/kari");
  v1::BatchCheckConsentResponse batched;
  EXPECT_EQ(Call(kari,
                 [&](grpc::ClientContext* ctx) {
                   return consents_->BatchCheckConsent(ctx, batch, &batched);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreatePurposeRequest purpose;
  purpose.set_purpose_id("mine");
  v1::Purpose created;
  EXPECT_EQ(Call(kari,
                 [&](grpc::ClientContext* ctx) {
                   return consents_->CreatePurpose(ctx, purpose, &created);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListConsentsRequest mine;
  mine.set_parent("profiles/kari");
  status = Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
    return consents_->ListConsents(ctx, mine, &consents);
  });
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(consents.consents_size(), 1);
  EXPECT_EQ(consents.consents(0).deciding_event().name(), recorded.consent_event().name());
  EXPECT_FALSE(recorded.consent_event().recorded_by().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsentServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace cp::testing
