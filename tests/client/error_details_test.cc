// The client's view of the server's error details: a google.rpc.Status
// from the wire becomes an absl::Status with its details as payloads, which
// read back, and DescribeError tells a person what went wrong.

#include "client/error_details.h"

#include <grpcpp/support/status.h>

#include "gtest/gtest.h"

namespace cp::client {
namespace {

grpc::Status ServerAnswer() {
  google::rpc::Status status;
  status.set_code(3);
  status.set_message("2 invalid fields, first emails[0].address: not an e-mail address");
  google::rpc::BadRequest bad;
  auto* first = bad.add_field_violations();
  first->set_field("emails[0].address");
  first->set_description("not an e-mail address");
  auto* second = bad.add_field_violations();
  second->set_field("region_code");
  second->set_description("not an ISO 3166-1 region");
  status.add_details()->PackFrom(bad);
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_ARGUMENT");
  info.set_domain("customerprofile.example.com");
  status.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, status.message(),
                      status.SerializeAsString());
}

TEST(ErrorDetailsTest, DetailsSurviveTheConversion) {
  absl::Status status = FromGrpcStatus(ServerAnswer());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(GetBadRequest(status).has_value());
  EXPECT_EQ(GetBadRequest(status)->field_violations_size(), 2);
  ASSERT_TRUE(GetErrorInfo(status).has_value());
  EXPECT_EQ(GetErrorInfo(status)->reason(), "INVALID_ARGUMENT");
  EXPECT_FALSE(GetRetryInfo(status).has_value());
  EXPECT_EQ(ToRpcStatus(status).details_size(), 2);
}

TEST(ErrorDetailsTest, DescribeErrorNamesTheReasonAndEveryField) {
  EXPECT_EQ(DescribeError(FromGrpcStatus(ServerAnswer())),
            "INVALID_ARGUMENT: 2 invalid fields, first emails[0].address: not an e-mail address\n"
            "  reason: INVALID_ARGUMENT\n"
            "  emails[0].address: not an e-mail address\n"
            "  region_code: not an ISO 3166-1 region\n");
  EXPECT_EQ(DescribeError(absl::NotFoundError("profile not found")),
            "NOT_FOUND: profile not found\n");
}

}  // namespace
}  // namespace cp::client
