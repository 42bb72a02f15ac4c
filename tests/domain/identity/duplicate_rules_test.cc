#include "domain/identity/duplicate_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Profile Parse(const std::string& text) {
  v1::Profile profile;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &profile)) << text;
  return profile;
}

v1::Profile Kari() {
  return Parse(R"pb(
    name: "profiles/a"
    given_name: "Kari"
    family_name: "Nordmann"
    birth_date { year: 1980 month: 5 day: 17 }
    emails { address: "Kari@example.com" }
    phones { number: "+4791234567" }
    addresses { address_lines: "Storgata 1" address_lines: "H0101" postal_code: "0155" }
    external_ids { system: "billing" id: "ACC-1" }
  )pb");
}

// Verifies each rule on its own, with the values it matched on and its
// weight in the score.
TEST(DuplicateRulesTest, EachRuleMatchesOnItsValues) {
  v1::Profile email = Parse(R"pb(emails { address: "Kari@EXAMPLE.com" })pb");
  EXPECT_THAT(MatchDuplicate(Kari(), email),
              ElementsAre(DuplicateMatch{DuplicateRule::kSameEmail, {"kari@example.com"}}));
  v1::Profile phone = Parse(R"pb(phones { number: "+4791234567" })pb");
  EXPECT_THAT(MatchDuplicate(Kari(), phone),
              ElementsAre(DuplicateMatch{DuplicateRule::kSamePhone, {"+4791234567"}}));
  v1::Profile born = Parse(R"pb(given_name: " KARI "
                                family_name: "nordmann"
                                birth_date { year: 1980 month: 5 day: 17 })pb");
  EXPECT_THAT(MatchDuplicate(Kari(), born),
              ElementsAre(DuplicateMatch{DuplicateRule::kSameNameAndBirthDate,
                                         {"kari", "nordmann", "1980-5-17"}}));
  v1::Profile neighbour =
      Parse(R"pb(family_name: "NORDMANN"
                 addresses { address_lines: "STORGATA  1" postal_code: "0155" })pb");
  EXPECT_THAT(MatchDuplicate(Kari(), neighbour),
              ElementsAre(DuplicateMatch{DuplicateRule::kSameFamilyNameAndAddress,
                                         {"nordmann", "storgata 1, 0155"}}));
  EXPECT_EQ(DuplicateScore(MatchDuplicate(Kari(), email)), 40);
  EXPECT_EQ(DuplicateScore(MatchDuplicate(Kari(), born)), 50);
}

// Verifies what is not a match: the same external id system with another
// id, a name without a birth date, a different birth date, the same address
// under another family name.
TEST(DuplicateRulesTest, NearMissesAreNoMatch) {
  EXPECT_THAT(
      MatchDuplicate(Kari(), Parse(R"pb(external_ids { system: "billing" id: "ACC-2" })pb")),
      IsEmpty());
  EXPECT_THAT(MatchDuplicate(Kari(), Parse(R"pb(given_name: "Kari" family_name: "Nordmann")pb")),
              IsEmpty());
  EXPECT_THAT(MatchDuplicate(Kari(), Parse(R"pb(given_name: "Kari"
                                                family_name: "Nordmann"
                                                birth_date { year: 1981 month: 5 day: 17 })pb")),
              IsEmpty());
  EXPECT_THAT(
      MatchDuplicate(
          Kari(), Parse(R"pb(family_name: "Hansen"
                             addresses { address_lines: "Storgata 1" postal_code: "0155" })pb")),
      IsEmpty());
}

// Verifies that several rules add up, capped at 100, in rule order.
TEST(DuplicateRulesTest, RulesAddUpToAtMostAHundred) {
  std::vector<DuplicateMatch> all = MatchDuplicate(Kari(), Kari());
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].rule, DuplicateRule::kSameEmail);
  EXPECT_EQ(all[3].rule, DuplicateRule::kSameFamilyNameAndAddress);
  EXPECT_EQ(DuplicateScore(all), 100);
  EXPECT_EQ(
      DuplicateScore(MatchDuplicate(Kari(), Parse(R"pb(emails { address: "kari@example.com" }
                                                       phones { number: "+4791234567" })pb"))),
      70);
}

}  // namespace
}  // namespace cp::domain
