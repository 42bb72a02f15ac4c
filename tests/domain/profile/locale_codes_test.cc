#include "domain/profile/locale_codes.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// Verifies that ISO 3166-1 alpha-2 codes are accepted in any case and stored upper case.
TEST(CanonicalRegionCodeTest, UppercasesKnownCodes) {
  EXPECT_EQ(CanonicalRegionCode("NO"), "NO");
  EXPECT_EQ(CanonicalRegionCode("no"), "NO");
  EXPECT_EQ(CanonicalRegionCode("Se"), "SE");
  EXPECT_EQ(CanonicalRegionCode("us"), "US");
}

// Verifies that unknown, reserved and malformed codes are rejected.
TEST(CanonicalRegionCodeTest, RejectsUnknownCodes) {
  EXPECT_EQ(CanonicalRegionCode(""), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("ZZ"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("QQ"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("UK"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("EU"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("NOR"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("N"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("1A"), std::nullopt);
  EXPECT_EQ(CanonicalRegionCode("\xff\xfe"), std::nullopt);
}

// Verifies that well-formed tags come back in canonical case and form.
TEST(CanonicalLanguageTagTest, CanonicalizesTags) {
  EXPECT_EQ(CanonicalLanguageTag("nb-no"), "nb-NO");
  EXPECT_EQ(CanonicalLanguageTag("nb-NO"), "nb-NO");
  EXPECT_EQ(CanonicalLanguageTag("EN"), "en");
  EXPECT_EQ(CanonicalLanguageTag("en-us"), "en-US");
  EXPECT_EQ(CanonicalLanguageTag("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(CanonicalLanguageTag("sr-Latn-RS"), "sr-Latn-RS");
  EXPECT_EQ(CanonicalLanguageTag("yue-HK"), "yue-HK");
  EXPECT_EQ(CanonicalLanguageTag("iw-IL"), "he-IL");
  EXPECT_EQ(CanonicalLanguageTag("de-DE-u-co-phonebk"), "de-DE-u-co-phonebk");
}

// Verifies that malformed tags and tags of unknown languages are rejected.
TEST(CanonicalLanguageTagTest, RejectsBadTags) {
  EXPECT_EQ(CanonicalLanguageTag(""), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("en_US"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("en--US"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("en-"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("xx-YY"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("qaa"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("und"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("x-private"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("123"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag(" en"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("\xff\xfe"), std::nullopt);
  EXPECT_EQ(CanonicalLanguageTag("en-" + std::string(70, 'a')), std::nullopt);
}

}  // namespace
}  // namespace cp::domain
