// AuditService over a real socket with apps and scopes: who changed what,
// from which app and for whom, old -> new values, personal data shown only
// with pii.read, and nothing to change or delete.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "customerprofile/v1/audit_service.grpc.pb.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/access_control.h"
#include "server/auth/api_key.h"
#include "server/auth/method_policy.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using server::auth::AppConfig;
using ::testing::ElementsAre;

AppConfig App(std::string id, std::string key, std::vector<std::string> scopes) {
  AppConfig app;
  app.id = std::move(id);
  app.key_hashes.push_back(server::auth::HashApiKey(key));
  app.scopes.insert(scopes.begin(), scopes.end());
  return app;
}

// Context carries an app's key, an actor and a request id.
std::unique_ptr<grpc::ClientContext> Context(const std::string& key, const std::string& actor = "",
                                             const std::string& request_id = "") {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context->AddMetadata("authorization", "Bearer " + key);
  if (!actor.empty()) context->AddMetadata("x-actor", actor);
  if (!request_id.empty()) context->AddMetadata("x-request-id", request_id);
  return context;
}

const v1::FieldChange* FieldChangeOf(const v1::AuditEvent& event, const std::string& path) {
  for (const v1::FieldChange& change : event.field_changes()) {
    if (change.field_path() == path) return &change;
  }
  return nullptr;
}

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(/*audit_pii_reads=*/false); }

  void StartServer(bool audit_pii_reads) {
    server_.reset();
    server::auth::AuthConfig config;
    config.apps.push_back(
        App("callcenter", "callcenter-key", {"profiles.read", "profiles.write", "consents.write"}));
    config.apps.push_back(App("webshop", "webshop-key", {"profiles.write"}));
    config.apps.push_back(App("auditor", "auditor-key", {"audit.read"}));
    config.apps.push_back(App("dpo", "dpo-key", {"audit.read", "pii.read"}));
    config.apps.push_back(App("admin", "admin-key", server::auth::KnownScopes()));
    TestServerOptions options;
    options.runner.access = std::make_shared<server::auth::AccessControl>(config);
    options.runner.audit_pii_reads = audit_pii_reads;
    auto started = TestServer::StartWithSqlite(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    profiles_ = server_->NewStub();
    audit_ = v1::AuditService::NewStub(server_->NewChannel());
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
  }

  v1::ListAuditEventsResponse List(const std::string& key, v1::ListAuditEventsRequest request,
                                   grpc::Status* status = nullptr) {
    v1::ListAuditEventsResponse response;
    grpc::Status result = audit_->ListAuditEvents(Context(key).get(), request, &response);
    if (status != nullptr) {
      *status = result;
    } else {
      EXPECT_TRUE(result.ok()) << result.error_message();
    }
    return response;
  }

  // Story: the web shop creates Kari, the call center's agent-7 changes her
  // e-mail and name.
  void WriteStory() {
    v1::CreateProfileRequest create;
    create.set_profile_id("kari");
    create.mutable_profile()->set_display_name("Kari");
    create.mutable_profile()->add_emails()->set_address("kari@example.com");
    v1::Profile created;
    ASSERT_TRUE(
        profiles_->CreateProfile(Context("webshop-key", "", "req-1").get(), create, &created).ok());
    v1::UpdateProfileRequest update;
    update.mutable_profile()->set_name("profiles/kari");
    update.mutable_profile()->set_display_name("Kari N");
    update.mutable_profile()->add_emails()->set_address("kari.n@example.com");
    update.mutable_update_mask()->add_paths("display_name");
    update.mutable_update_mask()->add_paths("emails");
    v1::Profile updated;
    grpc::Status status = profiles_->UpdateProfile(
        Context("callcenter-key", "agent-7", "req-2").get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
};

// Verifies that each write has an audit event, newest first, naming the app,
// the actor, the caller kind, the method and the request id, with old ->
// new values, personal data included, for a caller with pii.read.
TEST_F(AuditServiceTest, EveryWriteHasAnEventWithWhoAndWhat) {
  WriteStory();
  v1::ListAuditEventsRequest request;
  request.set_parent("profiles/kari");
  v1::ListAuditEventsResponse response = List("dpo-key", request);
  ASSERT_EQ(response.audit_events_size(), 2);
  const v1::AuditEvent& update = response.audit_events(0);
  const v1::AuditEvent& create = response.audit_events(1);
  EXPECT_EQ(update.kind(), v1::CHANGE_KIND_UPDATED);
  EXPECT_EQ(update.app_id(), "callcenter");
  EXPECT_EQ(update.actor(), "agent-7");
  EXPECT_EQ(update.request_id(), "req-2");
  EXPECT_EQ(update.caller_kind(), v1::AUDIT_CALLER_KIND_APP);
  EXPECT_EQ(update.method(), "/customerprofile.v1.ProfileService/UpdateProfile");
  EXPECT_EQ(update.resource_name(), "profiles/kari");
  EXPECT_TRUE(update.name().starts_with("profiles/kari/auditEvents/"));
  ASSERT_EQ(update.field_changes_size(), 2);
  const v1::FieldChange* name = FieldChangeOf(update, "display_name");
  ASSERT_NE(name, nullptr);
  EXPECT_FALSE(name->pii());
  EXPECT_EQ(name->old_value().string_value(), "Kari");
  EXPECT_EQ(name->new_value().string_value(), "Kari N");
  const v1::FieldChange* emails = FieldChangeOf(update, "emails");
  ASSERT_NE(emails, nullptr);
  EXPECT_TRUE(emails->pii());
  EXPECT_FALSE(emails->values_hidden());
  EXPECT_EQ(emails->old_value()
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("address")
                .string_value(),
            "kari@example.com");
  EXPECT_EQ(emails->new_value()
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("address")
                .string_value(),
            "kari.n@example.com");

  EXPECT_EQ(create.kind(), v1::CHANGE_KIND_CREATED);
  EXPECT_EQ(create.app_id(), "webshop");
  EXPECT_EQ(create.actor(), "");
  EXPECT_EQ(create.request_id(), "req-1");
  const v1::FieldChange* created_name = FieldChangeOf(create, "display_name");
  ASSERT_NE(created_name, nullptr);
  EXPECT_TRUE(created_name->old_value().has_null_value());
  EXPECT_EQ(created_name->new_value().string_value(), "Kari");
}

// Verifies that without pii.read the personal data values are withheld
// (the caller learns that the e-mail changed, not to what), while other
// values are shown.
TEST_F(AuditServiceTest, PersonalDataValuesNeedPiiRead) {
  WriteStory();
  v1::ListAuditEventsRequest request;
  request.set_parent("profiles/kari");
  v1::ListAuditEventsResponse response = List("auditor-key", request);
  ASSERT_EQ(response.audit_events_size(), 2);
  const v1::FieldChange* emails = FieldChangeOf(response.audit_events(0), "emails");
  ASSERT_NE(emails, nullptr);
  EXPECT_TRUE(emails->pii());
  EXPECT_TRUE(emails->values_hidden());
  EXPECT_FALSE(emails->has_old_value());
  EXPECT_FALSE(emails->has_new_value());
  EXPECT_EQ(response.DebugString().find("example.com"), std::string::npos);
  const v1::FieldChange* name = FieldChangeOf(response.audit_events(0), "display_name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->new_value().string_value(), "Kari N");
}

// Verifies the filter, paging and errors: audit.read is required, an unknown
// profile is NOT_FOUND, a bad filter INVALID_ARGUMENT.
TEST_F(AuditServiceTest, FiltersPagesAndRefuses) {
  WriteStory();
  v1::ListAuditEventsRequest request;
  request.set_parent("profiles/kari");
  request.set_filter("app_id = \"callcenter\" AND kind = UPDATED");
  v1::ListAuditEventsResponse filtered = List("auditor-key", request);
  ASSERT_EQ(filtered.audit_events_size(), 1);
  EXPECT_EQ(filtered.audit_events(0).actor(), "agent-7");

  v1::ListAuditEventsRequest paged;
  paged.set_parent("profiles/kari");
  paged.set_page_size(1);
  v1::ListAuditEventsResponse first = List("auditor-key", paged);
  ASSERT_EQ(first.audit_events_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  v1::ListAuditEventsResponse second = List("auditor-key", paged);
  ASSERT_EQ(second.audit_events_size(), 1);
  EXPECT_EQ(second.audit_events(0).kind(), v1::CHANGE_KIND_CREATED);
  EXPECT_TRUE(second.next_page_token().empty());

  grpc::Status status;
  List("callcenter-key", request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListAuditEventsRequest unknown;
  unknown.set_parent("profiles/nobody");
  List("auditor-key", unknown, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListAuditEventsRequest bad;
  bad.set_parent("profiles/kari");
  bad.set_filter("kind = SOMETHING");
  List("auditor-key", bad, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(status), "INVALID_FILTER");
}

// Verifies that consent events land in the customer's trail too.
TEST_F(AuditServiceTest, ConsentEventsAreAudited) {
  WriteStory();
  v1::CreatePurposeRequest purpose;
  purpose.set_purpose_id("newsletter");
  purpose.mutable_purpose()->set_display_name("Newsletter");
  purpose.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
  purpose.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
  purpose.mutable_purpose()->set_notice_text("We send news.");
  v1::Purpose created;
  grpc::Status status = consents_->CreatePurpose(Context("admin-key").get(), purpose, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RecordConsentRequest record;
  record.set_parent("profiles/kari");
  v1::ConsentEvent* event = record.mutable_consent_event();
  event->set_purpose("purposes/newsletter");
  event->set_channel(v1::CHANNEL_EMAIL);
  event->set_contact_point("kari.n@example.com");
  event->set_decision(v1::CONSENT_DECISION_GRANTED);
  event->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
  v1::RecordConsentResponse recorded;
  status = consents_->RecordConsent(Context("callcenter-key", "agent-7").get(), record, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::ListAuditEventsRequest request;
  request.set_parent("profiles/kari");
  request.set_filter("resource_type = CONSENT");
  v1::ListAuditEventsResponse response = List("dpo-key", request);
  ASSERT_EQ(response.audit_events_size(), 1);
  EXPECT_EQ(response.audit_events(0).kind(), v1::CHANGE_KIND_RECORDED);
  EXPECT_EQ(response.audit_events(0).resource_name(), recorded.consent_event().name());
  EXPECT_EQ(response.audit_events(0).actor(), "agent-7");
}

// Verifies that with --audit-pii-reads a read returning personal data leaves
// a read event naming the fields read and the reader, and one without
// pii.read (personal data redacted) leaves none.
TEST_F(AuditServiceTest, ReadsOfPersonalDataAreAuditedWhenAsked) {
  StartServer(/*audit_pii_reads=*/true);
  WriteStory();
  v1::GetProfileRequest get;
  get.set_name("profiles/kari");
  v1::Profile profile;
  ASSERT_TRUE(profiles_->GetProfile(Context("admin-key", "agent-3").get(), get, &profile).ok());
  ASSERT_EQ(profile.emails_size(), 1);
  ASSERT_TRUE(profiles_->GetProfile(Context("callcenter-key").get(), get, &profile).ok());
  EXPECT_EQ(profile.emails_size(), 0) << "callcenter has no pii.read";

  v1::ListAuditEventsRequest request;
  request.set_parent("profiles/kari");
  request.set_filter("read = true");
  v1::ListAuditEventsResponse reads = List("auditor-key", request);
  ASSERT_EQ(reads.audit_events_size(), 1);
  const v1::AuditEvent& read = reads.audit_events(0);
  EXPECT_TRUE(read.read());
  EXPECT_EQ(read.app_id(), "admin");
  EXPECT_EQ(read.actor(), "agent-3");
  EXPECT_EQ(read.method(), "/customerprofile.v1.ProfileService/GetProfile");
  EXPECT_EQ(read.resource_name(), "profiles/kari");

  // Reads never reach the change feed.
  auto changes = v1::ChangeService::NewStub(server_->NewChannel());
  v1::ListChangesRequest list;
  list.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
  v1::ListChangesResponse feed;
  ASSERT_TRUE(changes->ListChanges(Context("admin-key").get(), list, &feed).ok());
  EXPECT_EQ(feed.changes_size(), 2);
}

}  // namespace
}  // namespace cp::testing
