#pragma once

#include <gmock/gmock.h>

#include "client/profile_connection.h"

namespace cp::client {

// MockProfileConnection is a ProfileConnection whose calls tests script.
class MockProfileConnection : public ProfileConnection {
 public:
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Profile>, CreateProfile,
              (const customerprofile::v1::CreateProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Profile>, GetProfile,
              (const customerprofile::v1::GetProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Profile>, UpdateProfile,
              (const customerprofile::v1::UpdateProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Profile>, DeleteProfile,
              (const customerprofile::v1::DeleteProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Profile>, UndeleteProfile,
              (const customerprofile::v1::UndeleteProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListProfilesResponse>, ListProfiles,
              (const customerprofile::v1::ListProfilesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse>, BatchGetProfiles,
              (const customerprofile::v1::BatchGetProfilesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::LookupProfilesResponse>, LookupProfiles,
              (const customerprofile::v1::LookupProfilesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::FindDuplicatesResponse>, FindDuplicates,
              (const customerprofile::v1::FindDuplicatesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::MergeProfilesResponse>, MergeProfiles,
              (const customerprofile::v1::MergeProfilesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::UnmergeProfileResponse>, UnmergeProfile,
              (const customerprofile::v1::UnmergeProfileRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Merge>, GetMerge,
              (const customerprofile::v1::GetMergeRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListMergesResponse>, ListMerges,
              (const customerprofile::v1::ListMergesRequest&), (override));
};

}  // namespace cp::client
