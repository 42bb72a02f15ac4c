#include "client/consent_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "client/consent_stub_connection.h"
#include "customerprofile/v1/consent_service_mock.grpc.pb.h"
#include "tests/client/mock_consent_connection.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::Return;

grpc::Status Unavailable() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"); }

class ConsentStubConnectionTest : public ::testing::Test {
 protected:
  ConsentStubConnection MakeConnection() {
    Options options;
    options.retry.initial_backoff = absl::Milliseconds(1);
    options.retry.max_backoff = absl::Milliseconds(2);
    options.retry.max_attempts = 3;
    return ConsentStubConnection(stub_, options,
                                 [this](absl::Duration d) { sleeps_.push_back(d); });
  }

  std::shared_ptr<v1::MockConsentServiceStub> stub_ =
      std::make_shared<v1::MockConsentServiceStub>();
  std::vector<absl::Duration> sleeps_;
};

// Verifies that RecordConsent without a request_id gets one, and that a
// retry after UNAVAILABLE sends the same one (the server answers it as a
// replay); a caller's own request_id is kept.
TEST_F(ConsentStubConnectionTest, RecordConsentIsRetriedUnderOneRequestId) {
  std::vector<std::string> sent;
  EXPECT_CALL(*stub_, RecordConsent(_, _, _))
      .WillOnce([&](grpc::ClientContext*, const v1::RecordConsentRequest& request,
                    v1::RecordConsentResponse*) {
        sent.push_back(request.request_id());
        return Unavailable();
      })
      .WillOnce([&](grpc::ClientContext*, const v1::RecordConsentRequest& request,
                    v1::RecordConsentResponse* response) {
        sent.push_back(request.request_id());
        response->mutable_consent_event()->set_name("profiles/ada/consentEvents/e1");
        return grpc::Status::OK;
      })
      .WillOnce([&](grpc::ClientContext*, const v1::RecordConsentRequest& request,
                    v1::RecordConsentResponse*) {
        sent.push_back(request.request_id());
        return grpc::Status::OK;
      });
  ConsentStubConnection connection = MakeConnection();
  v1::RecordConsentRequest request;
  request.set_parent("profiles/ada");
  auto recorded = connection.RecordConsent(request);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->consent_event().name(), "profiles/ada/consentEvents/e1");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].size(), 36u) << "a UUID";
  EXPECT_EQ(sent[0], sent[1]);

  request.set_request_id("form-submission-7");
  ASSERT_TRUE(connection.RecordConsent(request).ok());
  EXPECT_EQ(sent.back(), "form-submission-7");
}

// Verifies that checks are retried after UNAVAILABLE, that CreatePurpose
// and ConfirmConsent are not, that UpdatePurpose is with an etag only, and
// that other codes are never retried.
TEST_F(ConsentStubConnectionTest, RetriesOnlyWhatIsSafe) {
  EXPECT_CALL(*stub_, CheckConsent(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::NOT_FOUND, "no purpose")));
  EXPECT_CALL(*stub_, CreatePurpose(_, _, _)).WillOnce(Return(Unavailable()));
  EXPECT_CALL(*stub_, ConfirmConsent(_, _, _)).WillOnce(Return(Unavailable()));
  EXPECT_CALL(*stub_, UpdatePurpose(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  ConsentStubConnection connection = MakeConnection();
  EXPECT_TRUE(connection.CheckConsent(v1::CheckConsentRequest()).ok());
  EXPECT_EQ(connection.CheckConsent(v1::CheckConsentRequest()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(connection.CreatePurpose(v1::CreatePurposeRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(connection.ConfirmConsent(v1::ConfirmConsentRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(connection.UpdatePurpose(v1::UpdatePurposeRequest()).status().code(),
            absl::StatusCode::kUnavailable)
      << "without an etag: not retried";
  v1::UpdatePurposeRequest guarded;
  guarded.mutable_purpose()->set_etag("3_x");
  EXPECT_TRUE(connection.UpdatePurpose(guarded).ok());
}

// Verifies the client's convenience calls build the request they name and
// pass errors through unchanged.
TEST(ConsentClientTest, BuildsRequestsAndPassesErrorsThrough) {
  auto connection = std::make_shared<MockConsentConnection>();
  EXPECT_CALL(*connection, CheckConsent(_)).WillOnce([](const v1::CheckConsentRequest& request) {
    EXPECT_EQ(request.profile(), "profiles/ada");
    EXPECT_EQ(request.purpose(), "purposes/sms-offers");
    EXPECT_EQ(request.channel(), v1::CHANNEL_SMS);
    v1::CheckConsentResponse response;
    response.mutable_check()->set_allowed(true);
    return response;
  });
  EXPECT_CALL(*connection, RecordConsent(_)).WillOnce([](const v1::RecordConsentRequest& request) {
    EXPECT_EQ(request.parent(), "profiles/ada");
    EXPECT_EQ(request.request_id(), "r-1");
    EXPECT_EQ(request.consent_event().decision(), v1::CONSENT_DECISION_GRANTED);
    return absl::StatusOr<v1::RecordConsentResponse>(
        absl::FailedPreconditionError("PROFILE_DELETED"));
  });
  ConsentClient client(connection);
  auto check = client.CheckConsent("profiles/ada", "purposes/sms-offers", v1::CHANNEL_SMS);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->check().allowed());
  v1::ConsentEvent event;
  event.set_decision(v1::CONSENT_DECISION_GRANTED);
  EXPECT_EQ(client.RecordConsent("profiles/ada", event, "r-1").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cp::client
