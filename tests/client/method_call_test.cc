// The CLI's way to every RPC without a server: command names, finding a
// method by any of its names, which requests may be retried, and reading a
// client stream's messages from JSON.

#include "client/method_call.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "client/json_messages.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "customerprofile/v1/suppression_service.pb.h"
#include "gtest/gtest.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

TEST(MethodCallTest, EveryServiceMethodHasADistinctCommandName) {
  std::vector<const google::protobuf::MethodDescriptor*> methods = ApiMethods();
  EXPECT_EQ(ApiServiceNames().size(), 6u);
  EXPECT_GE(methods.size(), 43u);
  std::set<std::string> names;
  for (const auto* method : methods) {
    ASSERT_NE(method, nullptr);
    EXPECT_TRUE(names.insert(CommandName(*method)).second) << CommandName(*method);
    EXPECT_EQ(FindApiMethod(CommandName(*method)), method);
  }
}

TEST(MethodCallTest, FindsAMethodByAnyOfItsNames) {
  const auto* method = FindApiMethod("record-consent");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->full_name(), "customerprofile.v1.ConsentService.RecordConsent");
  EXPECT_EQ(FindApiMethod("ConsentService/RecordConsent"), method);
  EXPECT_EQ(FindApiMethod("ConsentService.RecordConsent"), method);
  EXPECT_EQ(FindApiMethod("/customerprofile.v1.ConsentService/RecordConsent"), method);
  EXPECT_EQ(FindApiMethod("customerprofile.v1.ConsentService.RecordConsent"), method);
  ASSERT_NE(FindApiMethod("BatchGetProfiles"), nullptr);
  EXPECT_EQ(CommandName(*FindApiMethod("BatchGetProfiles")), "batch-get-profiles");
  EXPECT_EQ(FindApiMethod("record"), nullptr);
  EXPECT_EQ(FindApiMethod(""), nullptr);
}

TEST(MethodCallTest, ReadsAndWritesWithARequestIdMayBeRetried) {
  v1::CheckConsentRequest check;
  ASSERT_NE(FindApiMethod("check-consent"), nullptr);
  EXPECT_EQ(MethodIdempotency(*FindApiMethod("check-consent"), check), Idempotency::kIdempotent);
  v1::RecordConsentRequest record;
  const auto& record_method = *FindApiMethod("record-consent");
  EXPECT_EQ(MethodIdempotency(record_method, record), Idempotency::kNonIdempotent);
  record.set_request_id("6d1c2a");
  EXPECT_EQ(MethodIdempotency(record_method, record), Idempotency::kIdempotent);
  v1::CreatePurposeRequest create;
  EXPECT_EQ(MethodIdempotency(*FindApiMethod("create-purpose"), create),
            Idempotency::kNonIdempotent);
}

TEST(JsonMessagesTest, ReadsObjectsSeparatedByWhitespace) {
  auto messages = ParseJsonMessages(
      R"({"suppressionList": "suppressionLists/r", "lines": ["a}b", "c\"{"]}
         {"lines": ["{"]}   {"lines": []})",
      *v1::ImportSuppressionEntriesRequest::descriptor());
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), 3u);
  const auto& first = static_cast<const v1::ImportSuppressionEntriesRequest&>(*(*messages)[0]);
  EXPECT_EQ(first.suppression_list(), "suppressionLists/r");
  ASSERT_EQ(first.lines_size(), 2);
  EXPECT_EQ(first.lines(0), "a}b");
  EXPECT_EQ(first.lines(1), "c\"{");
  EXPECT_EQ(static_cast<const v1::ImportSuppressionEntriesRequest&>(*(*messages)[1]).lines(0), "{");
}

TEST(JsonMessagesTest, EmptyTextIsNoMessage) {
  auto messages = ParseJsonMessages("  \n", *v1::GetPurposeRequest::descriptor());
  ASSERT_TRUE(messages.ok());
  EXPECT_TRUE(messages->empty());
}

TEST(JsonMessagesTest, BadInputNamesTheMessage) {
  auto unknown = ParseJsonMessages(R"({"name": "purposes/a"} {"nmae": "x"})",
                                   *v1::GetPurposeRequest::descriptor());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(unknown.status().message(), "request 2")) << unknown.status();
  auto open = ParseJsonMessages(R"({"name": "purposes/a")", *v1::GetPurposeRequest::descriptor());
  EXPECT_FALSE(open.ok());
  auto array = ParseJsonMessages(R"([{"name": "a"}])", *v1::GetPurposeRequest::descriptor());
  EXPECT_FALSE(array.ok());
}

}  // namespace
}  // namespace cp::client
