#include "domain/profile/profile_patch.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using customerprofile::v1::Profile;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

Profile Sample() {
  Profile p;
  p.set_given_name("Ola");
  p.set_family_name("Nordmann");
  p.add_tags("vip");
  (*p.mutable_attributes())["tier"].set_string_value("gold");
  (*p.mutable_attributes())["score"].set_int64_value(7);
  return p;
}

// Verifies that without a mask only populated writable fields are updated.
TEST(ProfilePatchTest, NoMaskMeansPopulatedFields) {
  Profile request;
  request.set_name("profiles/p1");
  request.set_etag("x");
  request.set_given_name("Kari");
  request.add_tags("new");
  EXPECT_THAT(EffectiveUpdatePaths(nullptr, request), ElementsAre("given_name", "tags"));
}

// Verifies that "*" replaces every writable field and output-only paths drop out.
TEST(ProfilePatchTest, StarAndOutputOnly) {
  google::protobuf::FieldMask star;
  star.add_paths("*");
  EXPECT_EQ(EffectiveUpdatePaths(&star, Profile()), WritableProfilePaths());
  google::protobuf::FieldMask mask;
  mask.add_paths("etag");
  mask.add_paths("family_name");
  mask.add_paths("create_time");
  EXPECT_THAT(EffectiveUpdatePaths(&mask, Profile()), ElementsAre("family_name"));
}

// Verifies that applying a patch replaces named fields, clears emptied ones
// and leaves the rest alone.
TEST(ProfilePatchTest, AppliesNamedFieldsOnly) {
  Profile target = Sample();
  Profile request;
  request.set_family_name("Hansen");
  request.set_given_name("ignored");
  std::vector<std::string> paths = {"family_name", "tags"};
  Profile patch = ExtractPatch(request, paths);
  EXPECT_EQ(patch.given_name(), "");
  ApplyPatch(patch, paths, &target);
  EXPECT_EQ(target.given_name(), "Ola");
  EXPECT_EQ(target.family_name(), "Hansen");
  EXPECT_TRUE(target.tags().empty());
  EXPECT_EQ(target.attributes().size(), 2u);
}

// Verifies that attributes.<key> sets or removes exactly one key.
TEST(ProfilePatchTest, AttributeKeyPaths) {
  Profile target = Sample();
  Profile request;
  (*request.mutable_attributes())["tier"].set_string_value("platinum");
  std::vector<std::string> paths = {"attributes.tier", "attributes.score"};
  ApplyPatch(ExtractPatch(request, paths), paths, &target);
  ASSERT_EQ(target.attributes().size(), 1u);
  EXPECT_EQ(target.attributes().at("tier").string_value(), "platinum");
  std::vector<std::string> keys;
  for (const auto& [key, value] : target.attributes()) keys.push_back(key);
  EXPECT_THAT(keys, UnorderedElementsAre("tier"));
}

}  // namespace
}  // namespace cp::domain
