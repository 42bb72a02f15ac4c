#include "client/interaction_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "customerprofile/v1/interaction_service_mock.grpc.pb.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::Return;

grpc::Status Unavailable() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"); }

class InteractionClientTest : public ::testing::Test {
 protected:
  InteractionClient MakeClient() {
    Options options;
    options.retry.initial_backoff = absl::Milliseconds(1);
    options.retry.max_backoff = absl::Milliseconds(2);
    options.retry.max_attempts = 3;
    return InteractionClient(stub_, options, [this](absl::Duration d) { sleeps_.push_back(d); });
  }

  std::shared_ptr<v1::MockInteractionServiceStub> stub_ =
      std::make_shared<v1::MockInteractionServiceStub>();
  std::vector<absl::Duration> sleeps_;
};

// Verifies that a RecordInteraction with an external_ref is retried after
// UNAVAILABLE (the server answers the replay with the first interaction),
// one without is not, and the insights are asked for by the singleton name.
TEST_F(InteractionClientTest, RetriesOnlyWhatTheServerDeduplicates) {
  EXPECT_CALL(*stub_, RecordInteraction(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce([](grpc::ClientContext*, const v1::RecordInteractionRequest& request,
                   v1::Interaction* response) {
        EXPECT_EQ(request.parent(), "profiles/ada");
        response->set_name("profiles/ada/interactions/i1");
        return grpc::Status::OK;
      })
      .WillOnce(Return(Unavailable()));
  InteractionClient client = MakeClient();
  v1::Interaction order;
  order.set_external_ref("order-1");
  absl::StatusOr<v1::Interaction> recorded = client.RecordInteraction("profiles/ada", order);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->name(), "profiles/ada/interactions/i1");
  EXPECT_EQ(sleeps_.size(), 1u);

  order.clear_external_ref();
  EXPECT_EQ(client.RecordInteraction("profiles/ada", order).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(sleeps_.size(), 1u);

  EXPECT_CALL(*stub_, GetProfileInsights(_, _, _))
      .WillOnce([](grpc::ClientContext*, const v1::GetProfileInsightsRequest& request,
                   v1::ProfileInsights*) {
        EXPECT_EQ(request.name(), "profiles/ada/insights");
        return grpc::Status::OK;
      });
  EXPECT_TRUE(client.GetProfileInsights("profiles/ada").ok());
}

}  // namespace
}  // namespace cp::client
