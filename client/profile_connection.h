#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/profile.pb.h"
#include "customerprofile/v1/profile_service.pb.h"

namespace cp::client {

// ProfileConnection performs the ProfileService calls, one method per RPC.
// Errors carry the server's google.rpc details as payloads (see
// error_details.h). ProfileClient wraps one; tests substitute a mock.
class ProfileConnection {
 public:
  virtual ~ProfileConnection() = default;

  virtual absl::StatusOr<customerprofile::v1::Profile> CreateProfile(
      const customerprofile::v1::CreateProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Profile> GetProfile(
      const customerprofile::v1::GetProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Profile> UpdateProfile(
      const customerprofile::v1::UpdateProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Profile> DeleteProfile(
      const customerprofile::v1::DeleteProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Profile> UndeleteProfile(
      const customerprofile::v1::UndeleteProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListProfilesResponse> ListProfiles(
      const customerprofile::v1::ListProfilesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse> BatchGetProfiles(
      const customerprofile::v1::BatchGetProfilesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::LookupProfilesResponse> LookupProfiles(
      const customerprofile::v1::LookupProfilesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::FindDuplicatesResponse> FindDuplicates(
      const customerprofile::v1::FindDuplicatesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::MergeProfilesResponse> MergeProfiles(
      const customerprofile::v1::MergeProfilesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::UnmergeProfileResponse> UnmergeProfile(
      const customerprofile::v1::UnmergeProfileRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Merge> GetMerge(
      const customerprofile::v1::GetMergeRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListMergesResponse> ListMerges(
      const customerprofile::v1::ListMergesRequest& request) = 0;
};

}  // namespace cp::client
