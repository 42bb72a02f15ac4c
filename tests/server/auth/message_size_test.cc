#include "server/auth/message_size.h"

#include <string>

#include "customerprofile/v1/profile_service.pb.h"
#include "domain/common/errors.h"
#include "gtest/gtest.h"

namespace cp::server::auth {
namespace {

namespace v1 = ::customerprofile::v1;

// Verifies that without a per-caller cap any size passes, and that with
// one the limit itself passes and one byte more is RESOURCE_EXHAUSTED
// MESSAGE_TOO_LARGE naming the limit.
TEST(MessageSizeTest, RefusesOnlyAboveTheCallersCap) {
  domain::CallContext context;
  EXPECT_TRUE(CheckMessageSize(context, size_t{1} << 40).ok());
  context.max_message_bytes = 100;
  EXPECT_TRUE(CheckMessageSize(context, 100).ok());
  absl::Status refused = CheckMessageSize(context, 101);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  std::optional<google::rpc::ErrorInfo> info = domain::GetErrorInfo(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->domain(), domain::kErrorDomain);
  EXPECT_EQ(info->reason(), "MESSAGE_TOO_LARGE");
  EXPECT_EQ(info->metadata().at("max_message_bytes"), "100");
  EXPECT_EQ(info->metadata().at("message_bytes"), "101");
}

// Verifies that a message is measured by its serialized size, so that a
// streaming handler can check each message it reads.
TEST(MessageSizeTest, MeasuresTheSerializedMessage) {
  v1::CreateProfileRequest request;
  request.mutable_profile()->set_display_name(std::string(300, 'x'));
  domain::CallContext context;
  context.max_message_bytes = static_cast<int64_t>(request.ByteSizeLong());
  EXPECT_TRUE(CheckMessageSize(context, request).ok());
  context.max_message_bytes -= 1;
  EXPECT_EQ(CheckMessageSize(context, request).code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace cp::server::auth
