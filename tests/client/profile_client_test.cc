#include "client/profile_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "client/error_details.h"
#include "tests/client/mock_profile_connection.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::Return;
using ::testing::StrictMock;

v1::Profile NamedProfile(const std::string& name) {
  v1::Profile profile;
  profile.set_name(name);
  profile.set_etag("e1");
  return profile;
}

// Verifies that CreateProfile builds the request from the profile, id and
// request id, and returns the created profile.
TEST(ProfileClientTest, CreateProfileBuildsRequest) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, CreateProfile(_)).WillOnce([](const v1::CreateProfileRequest& request) {
    EXPECT_EQ(request.profile().given_name(), "Ada");
    EXPECT_EQ(request.profile_id(), "ada");
    EXPECT_EQ(request.request_id(), "r-1");
    return NamedProfile("profiles/ada");
  });
  ProfileClient client(connection);

  v1::Profile profile;
  profile.set_given_name("Ada");
  absl::StatusOr<v1::Profile> created = client.CreateProfile(profile, "ada", "r-1");

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "profiles/ada");
}

// Verifies that GetProfile by name sends that name.
TEST(ProfileClientTest, GetProfileByName) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, GetProfile(_)).WillOnce([](const v1::GetProfileRequest& request) {
    return NamedProfile(request.name());
  });
  ProfileClient client(connection);

  absl::StatusOr<v1::Profile> profile = client.GetProfile("profiles/x");

  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->name(), "profiles/x");
}

// Verifies that UpdateProfile sends the profile (with its etag) and the mask.
TEST(ProfileClientTest, UpdateProfileSendsProfileAndMask) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, UpdateProfile(_)).WillOnce([](const v1::UpdateProfileRequest& request) {
    EXPECT_EQ(request.profile().name(), "profiles/x");
    EXPECT_EQ(request.profile().etag(), "e1");
    EXPECT_THAT(request.update_mask().paths(), ::testing::ElementsAre("given_name"));
    return request.profile();
  });
  ProfileClient client(connection);

  v1::Profile profile = NamedProfile("profiles/x");
  profile.set_given_name("Grace");
  google::protobuf::FieldMask mask;
  mask.add_paths("given_name");
  absl::StatusOr<v1::Profile> updated = client.UpdateProfile(profile, mask);

  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->given_name(), "Grace");
}

// Verifies that DeleteProfile and UndeleteProfile send the name and etag.
TEST(ProfileClientTest, DeleteAndUndeleteSendNameAndEtag) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, DeleteProfile(_)).WillOnce([](const v1::DeleteProfileRequest& request) {
    EXPECT_EQ(request.etag(), "e1");
    return NamedProfile(request.name());
  });
  EXPECT_CALL(*connection, UndeleteProfile(_))
      .WillOnce([](const v1::UndeleteProfileRequest& request) {
        EXPECT_EQ(request.etag(), "e2");
        return NamedProfile(request.name());
      });
  ProfileClient client(connection);

  EXPECT_EQ(client.DeleteProfile("profiles/x", "e1")->name(), "profiles/x");
  EXPECT_EQ(client.UndeleteProfile("profiles/x", "e2")->name(), "profiles/x");
}

// Verifies that BatchGetProfiles sends the names in order and allow_missing.
TEST(ProfileClientTest, BatchGetProfilesSendsNamesInOrder) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, BatchGetProfiles(_))
      .WillOnce([](const v1::BatchGetProfilesRequest& request) {
        EXPECT_EQ(request.names_size(), 2);
        EXPECT_EQ(request.names(0), "profiles/b");
        EXPECT_EQ(request.names(1), "profiles/a");
        EXPECT_TRUE(request.allow_missing());
        v1::BatchGetProfilesResponse response;
        *response.add_profiles() = NamedProfile("profiles/b");
        response.add_missing_names("profiles/a");
        return response;
      });
  ProfileClient client(connection);
  auto got = client.BatchGetProfiles({"profiles/b", "profiles/a"}, /*allow_missing=*/true);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->profiles(0).name(), "profiles/b");
  EXPECT_EQ(got->missing_names(0), "profiles/a");
}

// Verifies that LookupProfiles sends the request as given and returns the
// profiles and more_exist.
TEST(ProfileClientTest, LookupProfilesSendsTheIdentifier) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, LookupProfiles(_))
      .WillOnce([](const v1::LookupProfilesRequest& request) {
        EXPECT_EQ(request.phone(), "912 34 567");
        EXPECT_EQ(request.region_code(), "NO");
        v1::LookupProfilesResponse response;
        *response.add_profiles() = NamedProfile("profiles/new");
        *response.add_profiles() = NamedProfile("profiles/old");
        response.set_more_exist(true);
        return response;
      });
  ProfileClient client(connection);
  v1::LookupProfilesRequest request;
  request.set_phone("912 34 567");
  request.set_region_code("NO");
  auto got = client.LookupProfiles(request);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->profiles_size(), 2);
  EXPECT_EQ(got->profiles(0).name(), "profiles/new");
  EXPECT_EQ(got->profiles(1).name(), "profiles/old");
  EXPECT_TRUE(got->more_exist());
}

// Verifies that a connection error reaches the caller unchanged, details
// included.
TEST(ProfileClientTest, PassesErrorsThrough) {
  absl::Status error = absl::InvalidArgumentError("1 invalid field");
  google::rpc::BadRequest bad_request;
  bad_request.add_field_violations()->set_field("profile.given_name");
  error.SetPayload("type.googleapis.com/google.rpc.BadRequest",
                   absl::Cord(bad_request.SerializeAsString()));
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, ListProfiles(_)).WillOnce(Return(error));
  ProfileClient client(connection);

  absl::StatusOr<v1::ListProfilesResponse> page = client.ListProfiles({});

  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(GetBadRequest(page.status()).has_value());
  EXPECT_EQ(GetBadRequest(page.status())->field_violations(0).field(), "profile.given_name");
}

// Verifies that copies of a client share one connection.
TEST(ProfileClientTest, CopiesShareTheConnection) {
  auto connection = std::make_shared<StrictMock<MockProfileConnection>>();
  EXPECT_CALL(*connection, GetProfile(_)).Times(2).WillRepeatedly(Return(NamedProfile("p")));
  ProfileClient client(connection);
  ProfileClient copy = client;

  EXPECT_TRUE(client.GetProfile("profiles/p").ok());
  EXPECT_TRUE(copy.GetProfile("profiles/p").ok());
  EXPECT_EQ(connection.use_count(), 3);
}

}  // namespace
}  // namespace cp::client
