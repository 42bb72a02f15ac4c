#include "domain/identity/profile_merge.h"

#include <string>
#include <vector>

#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Profile Parse(const std::string& text) {
  v1::Profile profile;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &profile)) << text;
  return profile;
}

// The web shop's customer, billing's copy of the same person and the call
// center's.
v1::Profile Web() {
  return Parse(R"pb(
    name: "profiles/web"
    given_name: "Kari"
    emails { address: "Kari@example.com" primary: true }
    tags: "newsletter"
    attributes {
      key: "tier"
      value { string_value: "gold" }
    }
  )pb");
}

v1::Profile Billing() {
  return Parse(R"pb(
    name: "profiles/billing"
    given_name: "Kari Anne"
    family_name: "Nordmann"
    emails { address: "kari@example.com" }
    phones { number: "+4791234567" primary: true }
    external_ids { system: "billing" id: "ACC-1042" }
    addresses { address_lines: "Storgata  1" postal_code: "0155" region_code: "NO" }
    tags: "newsletter"
    tags: "invoice-paper"
    attributes {
      key: "tier"
      value { string_value: "silver" }
    }
    attributes {
      key: "credit"
      value { int64_value: 500 }
    }
  )pb");
}

v1::Profile CallCenter() {
  return Parse(R"pb(
    name: "profiles/call"
    phones { number: "+4798765432" primary: true }
    addresses { address_lines: "STORGATA 1" postal_code: "0155" region_code: "no" }
    birth_date { year: 1980 month: 5 day: 17 }
  )pb");
}

std::vector<std::string> Fields(const std::vector<MovedValue>& moved) {
  std::vector<std::string> fields;
  for (const MovedValue& value : moved) {
    fields.push_back(value.field + "/" + value.key + "<-" + value.from_profile_id);
  }
  return fields;
}

// Verifies the union of repeated values deduplicated on normalised values
// (email case, folded address), single values kept from the survivor or
// filled from the first merged profile that has one, attributes likewise,
// and the primary flag of moved values dropped where the survivor has one.
TEST(ProfileMergeTest, UnionAndSurvivorValuesWin) {
  auto plan = PlanMerge(Web(), {Billing(), CallCenter()}, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  const v1::Profile& s = plan->survivor;
  EXPECT_EQ(s.name(), "profiles/web");
  EXPECT_EQ(s.given_name(), "Kari");
  EXPECT_EQ(s.family_name(), "Nordmann");
  EXPECT_EQ(s.birth_date().year(), 1980);
  ASSERT_EQ(s.emails_size(), 1);
  EXPECT_EQ(s.emails(0).address(), "Kari@example.com");
  ASSERT_EQ(s.phones_size(), 2);
  EXPECT_TRUE(s.phones(0).primary());
  EXPECT_FALSE(s.phones(1).primary());
  EXPECT_EQ(s.addresses_size(), 1);
  EXPECT_THAT(s.tags(), ElementsAre("newsletter", "invoice-paper"));
  EXPECT_EQ(s.attributes().at("tier").string_value(), "gold");
  EXPECT_EQ(s.attributes().at("credit").int64_value(), 500);
  EXPECT_THAT(Fields(plan->moved),
              ElementsAre("phones/+4791234567<-billing", "phones/+4798765432<-call",
                          "addresses/storgata 1\x1f"
                          "0155\x1f\x1fNO<-billing",
                          "external_ids/billing\x1f"
                          "ACC-1042<-billing",
                          "tags/invoice-paper<-billing", "family_name/<-billing",
                          "birth_date/<-call", "attributes/credit<-billing"));
  // A moved value is recorded as it landed (the second phone lost primary).
  EXPECT_FALSE(plan->moved[1].value.phones(0).primary());
}

// Verifies that field choices pick the winning profile for a single value
// and an attribute, and that bad choices are INVALID_ARGUMENT naming them.
TEST(ProfileMergeTest, FieldChoicesAndTheirErrors) {
  auto plan =
      PlanMerge(Web(), {Billing()}, {{"given_name", "billing"}, {"attributes.tier", "billing"}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->survivor.given_name(), "Kari Anne");
  EXPECT_EQ(plan->survivor.attributes().at("tier").string_value(), "silver");

  auto bad = PlanMerge(Web(), {Billing()},
                       {{"emails", "billing"}, {"given_name", "stranger"}, {"given_name", "web"}});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto violations = GetBadRequest(bad.status());
  ASSERT_TRUE(violations.has_value());
  std::vector<std::string> fields;
  for (const auto& v : violations->field_violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ElementsAre("field_choices[0].field", "field_choices[1].profile",
                                  "field_choices[2].field"));
}

// Verifies the unmerge guarantee: with no edits in between, undoing a merge
// gives back the survivor's before-image exactly.
TEST(ProfileMergeTest, UnmergeWithoutEditsRestoresTheBeforeImage) {
  v1::Profile before = Web();
  auto plan = PlanMerge(before, {Billing(), CallCenter()}, {{"given_name", "billing"}});
  ASSERT_TRUE(plan.ok());
  UnmergePlan undone = PlanUnmerge(plan->survivor, before, plan->moved);
  EXPECT_TRUE(MessageDifferencer::Equals(undone.survivor, before)) << undone.survivor.DebugString();
  EXPECT_THAT(undone.kept, IsEmpty());
}

// Verifies that values edited on the survivor since the merge stay and are
// listed, while unedited moved values go and the survivor's own later edits
// are untouched.
TEST(ProfileMergeTest, UnmergeKeepsAndListsValuesEditedSince) {
  v1::Profile before = Web();
  auto plan = PlanMerge(before, {Billing()}, {});
  ASSERT_TRUE(plan.ok());
  v1::Profile edited = plan->survivor;
  edited.set_family_name("Nordmann-Hansen");                      // a moved value, edited
  edited.mutable_phones(0)->set_label(v1::PHONE_LABEL_WORK);      // a moved value, edited
  (*edited.mutable_attributes())["credit"].set_int64_value(900);  // a moved value, edited
  edited.add_tags("vip");                                         // added since
  edited.set_display_name("Kari N");                              // the survivor's own edit
  UnmergePlan undone = PlanUnmerge(edited, before, plan->moved);
  const v1::Profile& s = undone.survivor;
  EXPECT_EQ(s.family_name(), "Nordmann-Hansen");
  ASSERT_EQ(s.phones_size(), 1);
  EXPECT_EQ(s.phones(0).label(), v1::PHONE_LABEL_WORK);
  EXPECT_EQ(s.attributes().at("credit").int64_value(), 900);
  EXPECT_EQ(s.attributes().at("tier").string_value(), "gold");
  EXPECT_THAT(s.tags(), ElementsAre("newsletter", "vip"));
  EXPECT_EQ(s.display_name(), "Kari N");
  EXPECT_EQ(s.external_ids_size(), 0);
  EXPECT_EQ(s.addresses_size(), 0);
  EXPECT_THAT(Fields(undone.kept),
              ElementsAre("phones/+4791234567<-billing", "family_name/<-billing",
                          "attributes/credit<-billing"));
  EXPECT_EQ(undone.kept[1].value.family_name(), "Nordmann-Hansen");
}

// Verifies that undoing the later of two merges leaves the earlier one's
// values in place.
TEST(ProfileMergeTest, UnmergeUndoesOnlyItsOwnMerge) {
  v1::Profile before_first = Web();
  auto first = PlanMerge(before_first, {Billing()}, {});
  ASSERT_TRUE(first.ok());
  auto second = PlanMerge(first->survivor, {CallCenter()}, {});
  ASSERT_TRUE(second.ok());
  UnmergePlan undone = PlanUnmerge(second->survivor, first->survivor, second->moved);
  EXPECT_TRUE(MessageDifferencer::Equals(undone.survivor, first->survivor));
}

}  // namespace
}  // namespace cp::domain
