#include "domain/common/slugs.h"

#include <string>

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// Verifies the tag form ^[a-z0-9]+(-[a-z0-9]+)*$ of at most 64 characters.
TEST(IsTagTest, AcceptsLowercaseSlugs) {
  EXPECT_TRUE(IsTag("vip"));
  EXPECT_TRUE(IsTag("newsletter-2026"));
  EXPECT_TRUE(IsTag("2026"));
  EXPECT_TRUE(IsTag("a-b-c"));
  EXPECT_TRUE(IsTag(std::string(64, 'a')));
  EXPECT_FALSE(IsTag(""));
  EXPECT_FALSE(IsTag("VIP"));
  EXPECT_FALSE(IsTag("-vip"));
  EXPECT_FALSE(IsTag("vip-"));
  EXPECT_FALSE(IsTag("a--b"));
  EXPECT_FALSE(IsTag("a_b"));
  EXPECT_FALSE(IsTag("a b"));
  EXPECT_FALSE(IsTag("bjørn"));
  EXPECT_FALSE(IsTag(std::string(65, 'a')));
}

// Verifies the external system form ^[a-z][a-z0-9_-]{0,31}$.
TEST(IsExternalSystemTest, AcceptsSlugsStartingWithALetter) {
  EXPECT_TRUE(IsExternalSystem("billing"));
  EXPECT_TRUE(IsExternalSystem("web_shop-2"));
  EXPECT_TRUE(IsExternalSystem("b"));
  EXPECT_TRUE(IsExternalSystem(std::string(32, 'b')));
  EXPECT_FALSE(IsExternalSystem(""));
  EXPECT_FALSE(IsExternalSystem("2shop"));
  EXPECT_FALSE(IsExternalSystem("_shop"));
  EXPECT_FALSE(IsExternalSystem("Billing"));
  EXPECT_FALSE(IsExternalSystem("web shop"));
  EXPECT_FALSE(IsExternalSystem("web.shop"));
  EXPECT_FALSE(IsExternalSystem(std::string(33, 'b')));
}

// Verifies the attribute key form ^[a-z][a-z0-9_]{0,63}$.
TEST(IsAttributeKeyTest, AcceptsLowerSnakeCase) {
  EXPECT_TRUE(IsAttributeKey("loyalty_tier"));
  EXPECT_TRUE(IsAttributeKey("x"));
  EXPECT_TRUE(IsAttributeKey("score2"));
  EXPECT_TRUE(IsAttributeKey(std::string(64, 'k')));
  EXPECT_FALSE(IsAttributeKey(""));
  EXPECT_FALSE(IsAttributeKey("Bad Key"));
  EXPECT_FALSE(IsAttributeKey("loyalty-tier"));
  EXPECT_FALSE(IsAttributeKey("_tier"));
  EXPECT_FALSE(IsAttributeKey("9lives"));
  EXPECT_FALSE(IsAttributeKey("a.b"));
  EXPECT_FALSE(IsAttributeKey(std::string(65, 'k')));
}

}  // namespace
}  // namespace cp::domain
