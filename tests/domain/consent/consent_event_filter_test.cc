#include "domain/consent/consent_event_filter.h"

#include "domain/common/errors.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// Verifies purpose and channel, alone or joined by AND in either order.
TEST(ParseConsentEventFilterTest, PurposeAndChannel) {
  absl::StatusOr<ConsentEventFilter> both =
      ParseConsentEventFilter("purpose = \"purposes/news\" AND channel = EMAIL");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->purpose_id, "news");
  EXPECT_EQ(both->channel, v1::CHANNEL_EMAIL);

  absl::StatusOr<ConsentEventFilter> reversed =
      ParseConsentEventFilter("channel=CHANNEL_SMS AND purpose='purposes/news'");
  ASSERT_TRUE(reversed.ok()) << reversed.status();
  EXPECT_EQ(reversed->purpose_id, "news");
  EXPECT_EQ(reversed->channel, v1::CHANNEL_SMS);

  absl::StatusOr<ConsentEventFilter> channel = ParseConsentEventFilter("channel = POST");
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_EQ(channel->purpose_id, "");
  EXPECT_EQ(channel->channel, v1::CHANNEL_POST);

  absl::StatusOr<ConsentEventFilter> none = ParseConsentEventFilter("  ");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->purpose_id, "");
  EXPECT_EQ(none->channel, v1::CHANNEL_UNSPECIFIED);
}

// Verifies everything else is INVALID_FILTER on "filter".
TEST(ParseConsentEventFilterTest, RejectsTheRest) {
  for (absl::string_view text : {
           "purpose = purposes/news",            // unquoted name
           "purpose = \"news\"",                 // not a purpose name
           "channel = CARRIER_PIGEON",           // no such channel
           "channel = UNSPECIFIED",              // not a channel
           "channel = \"EMAIL\"",                // quoted enum
           "channel != EMAIL",                   // only =
           "purpose = \"purposes/a*\"",          // no wildcards
           "channel = EMAIL OR channel = SMS",   // only AND
           "NOT channel = EMAIL",                // only AND
           "channel = EMAIL AND channel = SMS",  // one of each
           "decision = GRANTED",                 // unknown field
           "purpose = \"purposes/a\" AND",       // syntax
       }) {
    absl::StatusOr<ConsentEventFilter> filter = ParseConsentEventFilter(text);
    ASSERT_FALSE(filter.ok()) << text;
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument) << text;
    std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(filter.status());
    ASSERT_TRUE(info.has_value()) << text;
    EXPECT_EQ(info->reason(), "INVALID_FILTER") << text;
    std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(filter.status());
    ASSERT_TRUE(bad_request.has_value()) << text;
    EXPECT_EQ(bad_request->field_violations(0).field(), "filter") << text;
  }
}

}  // namespace
}  // namespace cp::domain
