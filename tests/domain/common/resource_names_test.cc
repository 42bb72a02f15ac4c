#include "domain/common/resource_names.h"

#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// Verifies that AIP-122 ids are accepted and everything else is not.
TEST(ResourceNamesTest, ValidatesIds) {
  EXPECT_TRUE(IsValidResourceId("a"));
  EXPECT_TRUE(IsValidResourceId("ola-nordmann-42"));
  EXPECT_FALSE(IsValidResourceId(""));
  EXPECT_FALSE(IsValidResourceId("1abc"));
  EXPECT_FALSE(IsValidResourceId("abc-"));
  EXPECT_FALSE(IsValidResourceId("Abc"));
  EXPECT_FALSE(IsValidResourceId("a_b"));
  EXPECT_FALSE(IsValidResourceId(std::string(64, 'a')));
  EXPECT_TRUE(IsValidResourceId(std::string(63, 'a')));
}

// Verifies that names parse to ids and bad names name the field.
TEST(ResourceNamesTest, ParsesProfileNames) {
  EXPECT_EQ(*ParseProfileName("profiles/p1", "name"), "p1");
  for (const char* bad : {"", "profiles/", "p1", "profile/p1", "profiles/P1", "profiles/p1/x"}) {
    absl::StatusOr<std::string> id = ParseProfileName(bad, "profile.name");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    auto bad_request = GetBadRequest(id.status());
    ASSERT_TRUE(bad_request.has_value());
    EXPECT_EQ(bad_request->field_violations(0).field(), "profile.name");
  }
}

// Verifies that etags are stable, differ per revision and per id.
TEST(ResourceNamesTest, EtagsAreStableAndDistinct) {
  EXPECT_EQ(ComputeEtag("p1", 1), ComputeEtag("p1", 1));
  EXPECT_NE(ComputeEtag("p1", 1), ComputeEtag("p1", 2));
  EXPECT_NE(ComputeEtag("p1", 1), ComputeEtag("p2", 1));
}

}  // namespace
}  // namespace cp::domain
