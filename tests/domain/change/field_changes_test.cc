#include "domain/change/field_changes.h"

#include <string>
#include <vector>

#include "customerprofile/v1/consent.pb.h"
#include "customerprofile/v1/profile.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Paths(const std::vector<v1::FieldChange>& changes) {
  std::vector<std::string> paths;
  for (const v1::FieldChange& change : changes) paths.push_back(change.field_path());
  return paths;
}

v1::Profile Kari() {
  v1::Profile profile;
  profile.set_name("profiles/kari");
  profile.set_display_name("Kari");
  profile.add_emails()->set_address("kari@example.com");
  profile.add_tags("vip");
  (*profile.mutable_attributes())["segment"].set_string_value("gold");
  (*profile.mutable_attributes())["score"].set_int64_value(3);
  return profile;
}

// Verifies that only the fields that differ are reported, with their JSON
// values before and after, and that equal maps in another order are equal.
TEST(FieldChangesTest, ReportsTheFieldsThatDifferWithValues) {
  v1::Profile before = Kari();
  v1::Profile after;
  after.set_name("profiles/kari");
  (*after.mutable_attributes())["score"].set_int64_value(3);
  (*after.mutable_attributes())["segment"].set_string_value("gold");
  after.add_tags("vip");
  after.add_emails()->set_address("kari.n@example.com");
  after.set_display_name("Kari N");
  std::vector<v1::FieldChange> changes = FieldChanges(&before, &after);
  ASSERT_THAT(Paths(changes), ElementsAre("display_name", "emails"));
  EXPECT_EQ(changes[0].old_value().string_value(), "Kari");
  EXPECT_EQ(changes[0].new_value().string_value(), "Kari N");
  EXPECT_FALSE(changes[0].pii());
  EXPECT_TRUE(changes[1].pii());
  EXPECT_EQ(changes[1]
                .new_value()
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("address")
                .string_value(),
            "kari.n@example.com");
  EXPECT_THAT(ChangedFields(&before, &after), ElementsAre("display_name", "emails"));
}

// Verifies that a created resource reports every field set, old values
// null, and a removed one every field it had, new values null.
TEST(FieldChangesTest, CreatedAndRemovedResourcesReportEverySetField) {
  v1::Profile kari = Kari();
  std::vector<v1::FieldChange> created = FieldChanges(nullptr, &kari, {"name"});
  EXPECT_THAT(Paths(created), ElementsAre("display_name", "emails", "tags", "attributes"));
  for (const v1::FieldChange& change : created) EXPECT_TRUE(change.old_value().has_null_value());
  std::vector<v1::FieldChange> removed = FieldChanges(&kari, nullptr, {"name"});
  EXPECT_EQ(Paths(removed), Paths(created));
  for (const v1::FieldChange& change : removed) EXPECT_TRUE(change.new_value().has_null_value());
  EXPECT_THAT(FieldChanges(nullptr, nullptr), IsEmpty());
}

// Verifies that ignored fields are left out and that identical resources
// have no changes.
TEST(FieldChangesTest, IgnoredFieldsAndEqualResources) {
  v1::Profile before = Kari();
  v1::Profile after = Kari();
  after.set_etag("new");
  EXPECT_THAT(FieldChanges(&before, &after, {"etag"}), IsEmpty());
  EXPECT_THAT(ChangedFields(&before, &after), ElementsAre("etag"));
}

// Verifies which fields count as personal data: marked ones, and messages
// holding a marked field at any depth.
TEST(FieldChangesTest, PersonalDataIsMarkedOrNested) {
  const google::protobuf::Descriptor* profile = v1::Profile::descriptor();
  EXPECT_TRUE(FieldHoldsPii(profile->FindFieldByName("emails")));
  EXPECT_TRUE(FieldHoldsPii(profile->FindFieldByName("phones")));
  EXPECT_FALSE(FieldHoldsPii(profile->FindFieldByName("display_name")));
  EXPECT_FALSE(FieldHoldsPii(profile->FindFieldByName("tags")));
  const google::protobuf::Descriptor* event = v1::ConsentEvent::descriptor();
  EXPECT_TRUE(FieldHoldsPii(event->FindFieldByName("contact_point")));
  EXPECT_FALSE(FieldHoldsPii(event->FindFieldByName("purpose")));
}

}  // namespace
}  // namespace cp::domain
