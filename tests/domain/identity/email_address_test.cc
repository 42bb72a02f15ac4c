#include "domain/identity/email_address.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::SizeIs;

// Normalized runs NormalizeEmailAddress and returns the normalised address,
// or "<invalid>" when it reported a violation.
std::string Normalized(std::string address) {
  FieldViolations violations;
  if (!NormalizeEmailAddress("email", &address, &violations)) return "<invalid>";
  EXPECT_TRUE(violations.empty());
  return address;
}

// Verifies that the address is trimmed and only its domain lowercased.
TEST(NormalizeEmailAddressTest, TrimsAndLowercasesTheDomain) {
  EXPECT_EQ(Normalized(" Ola.Nordmann@Example.COM "), "Ola.Nordmann@example.com");
  EXPECT_EQ(Normalized("\tkari@mail.example.no\n"), "kari@mail.example.no");
  EXPECT_EQ(Normalized("a@b.co"), "a@b.co");
}

// Verifies that the dot-atom local part admits atext and non-ASCII letters.
TEST(NormalizeEmailAddressTest, AcceptsDotAtomLocalParts) {
  EXPECT_EQ(Normalized("first.last+tag@example.com"), "first.last+tag@example.com");
  EXPECT_EQ(Normalized("o'brien_#1{x}@example.com"), "o'brien_#1{x}@example.com");
  EXPECT_EQ(Normalized("bjørn@example.no"), "bjørn@example.no");
  EXPECT_EQ(Normalized("x@my-host.example.com"), "x@my-host.example.com");
  EXPECT_EQ(Normalized("x@123.example.com"), "x@123.example.com");
}

// Verifies that addresses without exactly one @ or with a bad local part are rejected.
TEST(NormalizeEmailAddressTest, RejectsMalformedAddresses) {
  EXPECT_EQ(Normalized("ola.example.com"), "<invalid>");
  EXPECT_EQ(Normalized("a@b@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("@example.com"), "<invalid>");
  EXPECT_EQ(Normalized(".ola@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola.@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola..n@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola n@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("\"ola\"@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola(x)@example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola\xC2\xA0n@example.com"), "<invalid>");  // no-break space
}

// Verifies the domain rules: labels, at least one dot, no numeric top-level domain.
TEST(NormalizeEmailAddressTest, RejectsBadDomains) {
  EXPECT_EQ(Normalized("ola@"), "<invalid>");
  EXPECT_EQ(Normalized("ola@localhost"), "<invalid>");
  EXPECT_EQ(Normalized("ola@example..com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@.example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@example.com."), "<invalid>");
  EXPECT_EQ(Normalized("ola@-example.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@example-.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@exa_mple.com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@192.168.0.1"), "<invalid>");
  EXPECT_EQ(Normalized("ola@[192.168.0.1]"), "<invalid>");
  EXPECT_EQ(Normalized("ola@bjørn.no"), "<invalid>");
  EXPECT_EQ(Normalized("ola@" + std::string(64, 'a') + ".com"), "<invalid>");
  EXPECT_EQ(Normalized("ola@" + std::string(63, 'a') + ".com"),
            "ola@" + std::string(63, 'a') + ".com");
}

// Verifies the 64-octet local part and 254-octet address limits.
TEST(NormalizeEmailAddressTest, EnforcesLengthLimits) {
  EXPECT_NE(Normalized(std::string(64, 'a') + "@example.com"), "<invalid>");
  EXPECT_EQ(Normalized(std::string(65, 'a') + "@example.com"), "<invalid>");
  // 'ø' is two octets: 33 of them are 66 octets.
  std::string long_local;
  for (int i = 0; i < 33; ++i) long_local += "ø";
  EXPECT_EQ(Normalized(long_local + "@example.com"), "<invalid>");
  std::string domain = std::string(63, 'd') + "." + std::string(63, 'd') + "." +
                       std::string(63, 'd') + "." + std::string(50, 'd') + ".com";
  std::string at_limit = std::string(254 - domain.size() - 1, 'a') + "@" + domain;
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_EQ(Normalized(at_limit), at_limit);
  EXPECT_EQ(Normalized("a" + at_limit), "<invalid>");
}

// Verifies that empty, blank and invalid UTF-8 input is reported on the field.
TEST(NormalizeEmailAddressTest, ReportsRequiredAndUtf8) {
  for (std::string address : {std::string(""), std::string("   "), std::string("\xff\xfe@x.no")}) {
    FieldViolations violations;
    EXPECT_FALSE(NormalizeEmailAddress("profile.emails[0].address", &address, &violations));
    ASSERT_THAT(violations.violations(), SizeIs(1));
    EXPECT_EQ(violations.violations()[0].first, "profile.emails[0].address");
  }
}

// Verifies that descriptions never echo the address.
TEST(NormalizeEmailAddressTest, DescriptionsDoNotEchoTheValue) {
  std::string address = "secretperson..x@" + std::string(300, 'q') + ".7";
  FieldViolations violations;
  EXPECT_FALSE(NormalizeEmailAddress("f", &address, &violations));
  ASSERT_FALSE(violations.empty());
  for (const auto& [field, description] : violations.violations()) {
    EXPECT_EQ(field, "f");
    EXPECT_EQ(description.find("secretperson"), std::string::npos) << description;
    EXPECT_EQ(description.find("qqq"), std::string::npos) << description;
  }
}

// Verifies that a numeric top-level domain gets its own violation.
TEST(NormalizeEmailAddressTest, RejectsNumericTopLevelDomain) {
  std::string address = "ola@example.123";
  FieldViolations violations;
  EXPECT_FALSE(NormalizeEmailAddress("f", &address, &violations));
  EXPECT_THAT(violations.violations(),
              ElementsAre(Pair("f", "top-level domain must not be all digits")));
}

// Verifies that duplicate detection ignores ASCII case.
TEST(EmailAddressKeyTest, IgnoresCase) {
  EXPECT_EQ(EmailAddressKey("Ola.Nordmann@example.com"),
            EmailAddressKey("ola.nordmann@example.com"));
  EXPECT_NE(EmailAddressKey("ola@example.com"), EmailAddressKey("kari@example.com"));
}

}  // namespace
}  // namespace cp::domain
