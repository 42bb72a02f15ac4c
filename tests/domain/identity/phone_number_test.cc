#include "domain/identity/phone_number.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using ::testing::SizeIs;

// Normalized runs NormalizePhoneNumber and returns the E.164 number, or
// "<invalid>" when it reported a violation.
std::string Normalized(std::string number, const std::string& region = "NO") {
  FieldViolations violations;
  if (!NormalizePhoneNumber("phone", region, &number, &violations)) return "<invalid>";
  EXPECT_TRUE(violations.empty());
  return number;
}

// Verifies that national numbers are read in the default region.
TEST(NormalizePhoneNumberTest, ParsesNationalForm) {
  EXPECT_EQ(Normalized("412 34 567"), "+4741234567");
  EXPECT_EQ(Normalized("41234567"), "+4741234567");
  EXPECT_EQ(Normalized(" 22 12 34 56 "), "+4722123456");
  EXPECT_EQ(Normalized("070-123 45 67", "SE"), "+46701234567");
  EXPECT_EQ(Normalized("(201) 555-0123", "US"), "+12015550123");
}

// Verifies that international numbers ignore the default region.
TEST(NormalizePhoneNumberTest, ParsesInternationalForm) {
  EXPECT_EQ(Normalized("+47 412 34 567"), "+4741234567");
  EXPECT_EQ(Normalized("+4741234567", "US"), "+4741234567");
  EXPECT_EQ(Normalized("0047 412 34 567"), "+4741234567");
  EXPECT_EQ(Normalized("+46 70 123 45 67"), "+46701234567");
}

// Verifies that unparseable, impossible and unassigned numbers are rejected.
TEST(NormalizePhoneNumberTest, RejectsInvalidNumbers) {
  EXPECT_EQ(Normalized("not a number"), "<invalid>");
  EXPECT_EQ(Normalized("12"), "<invalid>");
  EXPECT_EQ(Normalized("1234567890123456789"), "<invalid>");
  EXPECT_EQ(Normalized("+47 123"), "<invalid>");
  EXPECT_EQ(Normalized("+999 12345678"), "<invalid>");
  EXPECT_EQ(Normalized("0000 0000"), "<invalid>");
  EXPECT_EQ(Normalized("412 34 567", "ZZ"), "<invalid>");
  EXPECT_EQ(Normalized("+47 412 34 567 ext. 12"), "<invalid>");
}

// Verifies that empty and invalid UTF-8 input is reported once on the field.
TEST(NormalizePhoneNumberTest, ReportsRequiredAndUtf8) {
  for (std::string number : {std::string(""), std::string(" "), std::string("+47\xff\xfe")}) {
    FieldViolations violations;
    EXPECT_FALSE(NormalizePhoneNumber("profile.phones[0].number", "NO", &number, &violations));
    ASSERT_THAT(violations.violations(), SizeIs(1));
    EXPECT_EQ(violations.violations()[0].first, "profile.phones[0].number");
  }
}

// Verifies that descriptions never echo the number.
TEST(NormalizePhoneNumberTest, DescriptionsDoNotEchoTheValue) {
  for (std::string number : {std::string("98765"), std::string("+47 98765")}) {
    FieldViolations violations;
    EXPECT_FALSE(NormalizePhoneNumber("f", "NO", &number, &violations));
    ASSERT_THAT(violations.violations(), SizeIs(1));
    EXPECT_EQ(violations.violations()[0].second.find("98765"), std::string::npos);
  }
}

}  // namespace
}  // namespace cp::domain
