#include "domain/suppression/suppression_identifier.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// Verifies that phone numbers in national and international forms meet in
// one E.164 entry, and malformed ones are rejected without echoing them.
TEST(SuppressionIdentifiersTest, PhonesBecomeE164) {
  SuppressionIdentifiers ids("NO");
  for (const char* text : {"91234567", " 912 34 567 ", "+47 912 34 567", "+4791234567"}) {
    absl::StatusOr<std::string> value = ids.Normalize(v1::IDENTIFIER_KIND_PHONE_NUMBER, text);
    ASSERT_TRUE(value.ok()) << text << ": " << value.status();
    EXPECT_EQ(*value, "+4791234567") << text;
  }
  EXPECT_EQ(*ids.Normalize(v1::IDENTIFIER_KIND_PHONE_NUMBER, "+46 70 123 45 67"), "+46701234567");
  for (const char* text : {"abc", "12", "+47", "9123456789012345678"}) {
    absl::StatusOr<std::string> value = ids.Normalize(v1::IDENTIFIER_KIND_PHONE_NUMBER, text);
    ASSERT_FALSE(value.ok()) << text;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(value.status().message().find(text), absl::string_view::npos);
  }
}

// Verifies that addresses are wholly lowercased (a register blocks every
// spelling) and domains lowercased and checked.
TEST(SuppressionIdentifiersTest, EmailsAndDomainsAreLowercased) {
  SuppressionIdentifiers ids("NO");
  EXPECT_EQ(*ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_ADDRESS, " Kari.Nordmann@Example.NO "),
            "kari.nordmann@example.no");
  EXPECT_EQ(*ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_DOMAIN, "Example.COM"), "example.com");
  EXPECT_FALSE(ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_ADDRESS, "no-at-sign").ok());
  EXPECT_FALSE(ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_DOMAIN, "localhost").ok());
  EXPECT_FALSE(ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_DOMAIN, "a@b.com").ok());
  EXPECT_FALSE(ids.Normalize(v1::IDENTIFIER_KIND_EMAIL_DOMAIN, "1.2.3.4").ok());
  EXPECT_FALSE(ids.Normalize(v1::IDENTIFIER_KIND_UNSPECIFIED, "x").ok());
}

// Verifies what a check of any identifier looks up: an address and its
// domain, a phone in E.164, a domain.
TEST(SuppressionIdentifiersTest, LookupKeysByShape) {
  SuppressionIdentifiers ids("NO");
  EXPECT_EQ(*ids.LookupKeys("Kari@Example.com"),
            (std::vector<std::string>{"kari@example.com", "example.com"}));
  EXPECT_EQ(*ids.LookupKeys("912 34 567"), (std::vector<std::string>{"+4791234567"}));
  EXPECT_EQ(*ids.LookupKeys("Example.com"), (std::vector<std::string>{"example.com"}));
  EXPECT_FALSE(ids.LookupKeys("").ok());
  EXPECT_EQ(SuppressionIdentifiers::ContactPointKeys({"+4791234567", "Ola@Host.org"}),
            (std::vector<std::string>{"+4791234567", "ola@host.org", "host.org"}));
}

}  // namespace
}  // namespace cp::domain
