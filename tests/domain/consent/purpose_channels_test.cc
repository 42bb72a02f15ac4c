#include "domain/consent/purpose_channels.h"

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// Verifies a purpose covers exactly the channels it lists.
TEST(CoversChannelTest, OnlyListedChannels) {
  v1::Purpose purpose;
  EXPECT_FALSE(CoversChannel(purpose, v1::CHANNEL_EMAIL));
  purpose.add_channels(v1::CHANNEL_EMAIL);
  purpose.add_channels(v1::CHANNEL_SMS);
  EXPECT_TRUE(CoversChannel(purpose, v1::CHANNEL_EMAIL));
  EXPECT_TRUE(CoversChannel(purpose, v1::CHANNEL_SMS));
  EXPECT_FALSE(CoversChannel(purpose, v1::CHANNEL_UNSPECIFIED));
  for (int channel = v1::Channel_MIN; channel <= v1::Channel_MAX; ++channel) {
    if (!v1::Channel_IsValid(channel) || channel == v1::CHANNEL_EMAIL ||
        channel == v1::CHANNEL_SMS) {
      continue;
    }
    EXPECT_FALSE(CoversChannel(purpose, static_cast<v1::Channel>(channel))) << channel;
  }
}

}  // namespace
}  // namespace cp::domain
