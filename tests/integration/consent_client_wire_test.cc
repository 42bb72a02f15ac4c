// Verifies cp::client::ConsentClient against a real server over a real
// socket: a purpose, a recorded consent (replayed by its request_id), the
// check a campaign asks, and an error with the server's details.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "client/consent_client.h"
#include "client/consent_stub_connection.h"
#include "client/error_details.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/proto_time.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

TEST(ConsentClientOverTheWireTest, RecordsReplaysAndChecks) {
  auto server = TestServer::StartWithSqlite();
  ASSERT_TRUE(server.ok()) << server.status();
  {
    v1::CreateProfileRequest create;
    create.set_profile_id("ada");
    create.mutable_profile()->add_emails()->set_address("ada@example.com");
    v1::Profile created;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ASSERT_TRUE((*server)->NewStub()->CreateProfile(&context, create, &created).ok());
  }
  client::Options options;
  options.endpoint = (*server)->address();
  client::ConsentClient consent(client::MakeConsentConnection(options));

  v1::CreatePurposeRequest purpose;
  purpose.set_purpose_id("newsletter");
  purpose.mutable_purpose()->set_display_name("Newsletter");
  purpose.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
  purpose.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
  purpose.mutable_purpose()->set_consent_validity_months(24);
  purpose.mutable_purpose()->set_notice_text("News by e-mail, version 1.");
  ASSERT_TRUE(consent.CreatePurpose(purpose).ok());
  auto read = consent.GetPurpose("purposes/newsletter");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->display_name(), "Newsletter");

  v1::ConsentEvent event;
  event.set_purpose("purposes/newsletter");
  event.set_channel(v1::CHANNEL_EMAIL);
  event.set_decision(v1::CONSENT_DECISION_GRANTED);
  *event.mutable_occur_time() = domain::ToProtoTime(absl::Now() - absl::Minutes(1));
  event.mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
  event.mutable_evidence()->set_source_system("webshop");
  auto first = consent.RecordConsent("profiles/ada", event, "checkout-77");
  ASSERT_TRUE(first.ok()) << first.status();
  auto replay = consent.RecordConsent("profiles/ada", event, "checkout-77");
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->consent_event().name(), first->consent_event().name());

  auto check = consent.CheckConsent("profiles/ada", "purposes/newsletter", v1::CHANNEL_EMAIL);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->check().allowed());
  auto sms = consent.CheckConsent("profiles/ada", "purposes/newsletter", v1::CHANNEL_SMS);
  ASSERT_TRUE(sms.ok()) << sms.status();
  EXPECT_FALSE(sms->check().allowed());

  auto missing = consent.CheckConsent("profiles/ada", "purposes/nope", v1::CHANNEL_EMAIL);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(client::GetErrorInfo(missing.status()).has_value()) << missing.status();
}

}  // namespace
}  // namespace cp::testing
