#include "domain/common/errors.h"

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

std::string ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status);
  return info.has_value() ? info->reason() : "";
}

// Verifies AddAll collects another status's violations and keeps its
// specific reason, so that one INVALID_ARGUMENT names every field.
TEST(FieldViolationsTest, AddAllKeepsTheSpecificReason) {
  FieldViolations violations;
  violations.Add("page_size", "must not be negative");
  EXPECT_TRUE(violations.AddAll(InvalidField("filter", "bad", "INVALID_FILTER")));
  EXPECT_TRUE(violations.AddAll(InvalidField("order_by", "bad", "INVALID_ORDER_BY")));
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(status), "INVALID_FILTER");
  std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 3);
  EXPECT_EQ(bad_request->field_violations(1).field(), "filter");
  EXPECT_EQ(bad_request->field_violations(2).field(), "order_by");
  EXPECT_EQ(ReasonOf(violations.ToStatus("OTHER")), "OTHER");
}

// Verifies a generic INVALID_ARGUMENT does not hide a later specific reason,
// and that without any ToStatus() says INVALID_ARGUMENT.
TEST(FieldViolationsTest, AddAllSkipsTheGenericReason) {
  FieldViolations violations;
  EXPECT_TRUE(violations.AddAll(InvalidField("parent", "bad")));
  EXPECT_EQ(ReasonOf(violations.ToStatus()), "INVALID_ARGUMENT");
  EXPECT_TRUE(violations.AddAll(InvalidField("page_token", "bad", "INVALID_PAGE_TOKEN")));
  EXPECT_EQ(ReasonOf(violations.ToStatus()), "INVALID_PAGE_TOKEN");
}

// Verifies AddAll refuses, recording nothing, a status with no BadRequest.
TEST(FieldViolationsTest, AddAllRefusesOtherErrors) {
  FieldViolations violations;
  EXPECT_FALSE(violations.AddAll(absl::NotFoundError("gone")));
  EXPECT_FALSE(violations.AddAll(absl::OkStatus()));
  EXPECT_TRUE(violations.empty());
}

}  // namespace
}  // namespace cp::domain
