#include "server/status_conversion.h"

#include <string>

#include "absl/strings/cord.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace cp::server {
namespace {

// Details parses the google.rpc.Status in the error details of `status`.
google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  return details;
}

// Verifies that OK stays OK, without details.
TEST(StatusConversionTest, OkIsOk) {
  grpc::Status status = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(status.error_details().empty());
}

// Verifies that code, message, BadRequest and ErrorInfo all reach the
// google.rpc.Status, and survive the way back.
TEST(StatusConversionTest, InvalidArgumentCarriesBadRequestAndErrorInfo) {
  domain::FieldViolations violations;
  violations.Add("profile.emails[0].address", "is not a valid email address");
  violations.Add("profile.birth_date", "is in the future");
  absl::Status original = violations.ToStatus();

  grpc::Status converted = ToGrpcStatus(original);
  EXPECT_EQ(converted.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(converted.error_message(), std::string(original.message()));

  google::rpc::Status details = Details(converted);
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(details.message(), converted.error_message());
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<google::rpc::BadRequest>()) ASSERT_TRUE(any.UnpackTo(&bad_request));
    if (any.Is<google::rpc::ErrorInfo>()) ASSERT_TRUE(any.UnpackTo(&info));
  }
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "profile.emails[0].address");
  EXPECT_EQ(bad_request.field_violations(1).field(), "profile.birth_date");
  EXPECT_EQ(info.domain(), domain::kErrorDomain);
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");

  absl::Status back = FromGrpcStatus(converted);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), original.message());
  ASSERT_TRUE(domain::GetBadRequest(back).has_value());
  EXPECT_EQ(domain::GetBadRequest(back)->field_violations_size(), 2);
  ASSERT_TRUE(domain::GetErrorInfo(back).has_value());
  EXPECT_EQ(domain::GetErrorInfo(back)->reason(), "INVALID_ARGUMENT");
}

// Verifies that a status without ErrorInfo (e.g. from a storage backend)
// gets one with the service's domain and the code's default reason.
TEST(StatusConversionTest, AddsErrorInfoWhenMissing) {
  grpc::Status converted = ToGrpcStatus(absl::UnavailableError("database is busy"));
  EXPECT_EQ(converted.error_code(), grpc::StatusCode::UNAVAILABLE);
  google::rpc::Status details = Details(converted);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.domain(), domain::kErrorDomain);
  EXPECT_EQ(info.reason(), domain::DefaultReason(absl::StatusCode::kUnavailable));
}

// Verifies that an existing ErrorInfo is kept, not doubled, and that any
// other payload keeps its type URL.
TEST(StatusConversionTest, KeepsErrorInfoAndOtherPayloads) {
  absl::Status original =
      domain::MakeError(absl::StatusCode::kAlreadyExists, "EXTERNAL_ID_ALREADY_EXISTS", "taken",
                        {{"system", "billing"}});
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(2);
  original.SetPayload(domain::kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));

  google::rpc::Status details = Details(ToGrpcStatus(original));
  ASSERT_EQ(details.details_size(), 2);
  int error_infos = 0;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.type_url() == domain::kErrorInfoTypeUrl) {
      ++error_infos;
      google::rpc::ErrorInfo info;
      ASSERT_TRUE(any.UnpackTo(&info));
      EXPECT_EQ(info.reason(), "EXTERNAL_ID_ALREADY_EXISTS");
      EXPECT_EQ(info.metadata().at("system"), "billing");
    } else {
      EXPECT_EQ(any.type_url(), domain::kRetryInfoTypeUrl);
      google::rpc::RetryInfo parsed;
      ASSERT_TRUE(any.UnpackTo(&parsed));
      EXPECT_EQ(parsed.retry_delay().seconds(), 2);
    }
  }
  EXPECT_EQ(error_infos, 1);
}

// Verifies that a grpc::Status without details converts to a bare status.
TEST(StatusConversionTest, FromGrpcWithoutDetails) {
  absl::Status status = FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "gone");
  EXPECT_FALSE(domain::GetErrorInfo(status).has_value());
}

}  // namespace
}  // namespace cp::server
