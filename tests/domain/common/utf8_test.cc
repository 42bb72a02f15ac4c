#include "domain/common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// Verifies that ASCII, multi-byte characters and the empty string are valid.
TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Ola Nordmann"));
  EXPECT_TRUE(IsValidUtf8("Bjørn Ærø Åsen"));
  EXPECT_TRUE(IsValidUtf8("\xE6\x97\xA5\xE6\x9C\xAC"));  // 日本
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));          // U+1F600
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

// Verifies that every kind of ill-formed sequence is rejected.
TEST(IsValidUtf8Test, RejectsIllFormedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("abc\xE6\x97"));       // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

// Verifies that code points, not bytes, are counted.
TEST(CodePointCountTest, CountsCodePoints) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("Ærø"), 3u);
  EXPECT_EQ(CodePointCount("\xF0\x9F\x98\x80x"), 2u);
}

// Verifies that C0, DEL and C1 controls are found but format characters are not.
TEST(HasControlCharacterTest, FindsOnlyControls) {
  EXPECT_FALSE(HasControlCharacter("Ola Nordmann"));
  EXPECT_FALSE(
      HasControlCharacter("a\xE2\x80\x8D"
                          "b"));  // U+200D ZWJ is a format character
  EXPECT_TRUE(HasControlCharacter("a\nb"));
  EXPECT_TRUE(HasControlCharacter("a\tb"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\x7F"));
  EXPECT_TRUE(HasControlCharacter("a\xC2\x85"));  // U+0085 NEL
}

// Verifies that IsGraphic rejects white space, controls and format characters.
TEST(IsGraphicTest, AcceptsOnlyVisibleCharacters) {
  EXPECT_TRUE(IsGraphic("ACC-1042"));
  EXPECT_TRUE(IsGraphic("kunde#ø"));
  EXPECT_FALSE(IsGraphic("ACC 1042"));
  EXPECT_FALSE(IsGraphic("ACC\t1042"));
  EXPECT_FALSE(
      IsGraphic("a\xC2\xA0"
                "b"));  // U+00A0 no-break space
  EXPECT_FALSE(
      IsGraphic("a\xE2\x80\x8B"
                "b"));  // U+200B zero width space
  EXPECT_FALSE(IsGraphic("a\x01"));
}

// Verifies that ASCII and Unicode white space is trimmed at both ends only.
TEST(TrimWhitespaceTest, TrimsBothEnds) {
  EXPECT_EQ(TrimWhitespace("  Ola  Nordmann \t\n"), "Ola  Nordmann");
  EXPECT_EQ(TrimWhitespace("\xC2\xA0"
                           "Ola\xE3\x80\x80"),
            "Ola");  // U+00A0, U+3000
  EXPECT_EQ(TrimWhitespace("Åse"), "Åse");
  EXPECT_EQ(TrimWhitespace(" \t "), "");
  EXPECT_EQ(TrimWhitespace(""), "");
}

}  // namespace
}  // namespace cp::domain
