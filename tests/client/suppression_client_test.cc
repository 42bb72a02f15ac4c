#include "client/suppression_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "client/suppression_stub_connection.h"
#include "customerprofile/v1/suppression_service_mock.grpc.pb.h"
#include "tests/client/mock_suppression_connection.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::Return;

grpc::Status Unavailable() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"); }

// Verifies the connection retries after UNAVAILABLE only what is safe:
// checks and adding an entry; deleting a list with an etag only; never
// creating a list or removing an entry.
TEST(SuppressionStubConnectionTest, RetriesOnlyWhatIsSafe) {
  auto stub = std::make_shared<v1::MockSuppressionServiceStub>();
  EXPECT_CALL(*stub, CheckSuppression(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  EXPECT_CALL(*stub, AddSuppressionEntry(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  EXPECT_CALL(*stub, CreateSuppressionList(_, _, _)).WillOnce(Return(Unavailable()));
  EXPECT_CALL(*stub, RemoveSuppressionEntry(_, _, _)).WillOnce(Return(Unavailable()));
  EXPECT_CALL(*stub, DeleteSuppressionList(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  Options options;
  options.retry.initial_backoff = absl::Milliseconds(1);
  options.retry.max_backoff = absl::Milliseconds(2);
  options.retry.max_attempts = 3;
  std::vector<absl::Duration> sleeps;
  SuppressionStubConnection connection(stub, options,
                                       [&](absl::Duration d) { sleeps.push_back(d); });
  EXPECT_TRUE(connection.CheckSuppression(v1::CheckSuppressionRequest()).ok());
  EXPECT_TRUE(connection.AddSuppressionEntry(v1::AddSuppressionEntryRequest()).ok());
  EXPECT_EQ(connection.CreateSuppressionList(v1::CreateSuppressionListRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(connection.RemoveSuppressionEntry(v1::RemoveSuppressionEntryRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(connection.DeleteSuppressionList(v1::DeleteSuppressionListRequest()).status().code(),
            absl::StatusCode::kUnavailable)
      << "without an etag: not retried";
  v1::DeleteSuppressionListRequest guarded;
  guarded.set_etag("2_x");
  EXPECT_TRUE(connection.DeleteSuppressionList(guarded).ok());
  EXPECT_EQ(sleeps.size(), 3u);
}

// Verifies the client's convenience calls build the request they name.
TEST(SuppressionClientTest, BuildsRequests) {
  auto connection = std::make_shared<MockSuppressionConnection>();
  EXPECT_CALL(*connection, CheckSuppression(_))
      .WillOnce([](const v1::CheckSuppressionRequest& request) {
        EXPECT_EQ(request.identifier(), "+4791234567");
        EXPECT_EQ(request.suppression_list(), "");
        v1::CheckSuppressionResponse response;
        response.set_suppressed(true);
        return response;
      });
  EXPECT_CALL(*connection, GetSuppressionList(_))
      .WillOnce([](const v1::GetSuppressionListRequest& request) {
        EXPECT_EQ(request.name(), "suppressionLists/reservasjon");
        return absl::StatusOr<v1::SuppressionList>(absl::NotFoundError("no such list"));
      });
  SuppressionClient client(connection);
  auto checked = client.CheckSuppression("+4791234567");
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->suppressed());
  EXPECT_EQ(client.GetSuppressionList("suppressionLists/reservasjon").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cp::client
