#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/profile_connection.h"
#include "customerprofile/v1/profile.pb.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace cp::client {

// ProfileClient is the C++ API of the profile service. It is a cheap value:
// copies share one connection, which does the work (and the retries).
//
//   ProfileClient client(MakeProfileConnection(Options{}));
//   absl::StatusOr<Profile> profile = client.GetProfile("profiles/ada");
//
// Errors keep the server's code and google.rpc details; read them with
// GetBadRequest / GetErrorInfo (error_details.h).
class ProfileClient {
 public:
  explicit ProfileClient(std::shared_ptr<ProfileConnection> connection);

  // CreateProfile creates `profile`, named "profiles/{profile_id}" (an id is
  // generated when empty). A non-empty `request_id` makes a replay return the
  // first result; without one the connection picks one per call.
  absl::StatusOr<customerprofile::v1::Profile> CreateProfile(customerprofile::v1::Profile profile,
                                                             std::string profile_id = "",
                                                             std::string request_id = "");
  absl::StatusOr<customerprofile::v1::Profile> CreateProfile(
      const customerprofile::v1::CreateProfileRequest& request);

  // GetProfile returns the profile `name` ("profiles/{profile}").
  absl::StatusOr<customerprofile::v1::Profile> GetProfile(absl::string_view name);
  absl::StatusOr<customerprofile::v1::Profile> GetProfile(
      const customerprofile::v1::GetProfileRequest& request);

  // UpdateProfile changes the fields of `profile` (named by profile.name)
  // listed in `update_mask`; with profile.etag set, only if unchanged since.
  absl::StatusOr<customerprofile::v1::Profile> UpdateProfile(
      customerprofile::v1::Profile profile, google::protobuf::FieldMask update_mask);
  absl::StatusOr<customerprofile::v1::Profile> UpdateProfile(
      const customerprofile::v1::UpdateProfileRequest& request);

  // DeleteProfile soft-deletes `name`; with an `etag`, only if unchanged since.
  absl::StatusOr<customerprofile::v1::Profile> DeleteProfile(absl::string_view name,
                                                             absl::string_view etag = "");
  absl::StatusOr<customerprofile::v1::Profile> DeleteProfile(
      const customerprofile::v1::DeleteProfileRequest& request);

  // UndeleteProfile brings back the soft-deleted profile `name`.
  absl::StatusOr<customerprofile::v1::Profile> UndeleteProfile(absl::string_view name,
                                                               absl::string_view etag = "");
  absl::StatusOr<customerprofile::v1::Profile> UndeleteProfile(
      const customerprofile::v1::UndeleteProfileRequest& request);

  // ListProfiles returns one page of profiles.
  absl::StatusOr<customerprofile::v1::ListProfilesResponse> ListProfiles(
      const customerprofile::v1::ListProfilesRequest& request);

  // BatchGetProfiles returns up to 1,000 profiles by name, in request order;
  // NOT_FOUND for a missing one unless `allow_missing` (then the response
  // lists the missing names).
  absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse> BatchGetProfiles(
      const std::vector<std::string>& names, bool allow_missing = false);

  // LookupProfiles returns the live profiles holding the request's one
  // identifier (email, phone or external id), most recently updated first,
  // at most 100 (more_exist when there are more); INVALID_ARGUMENT for none
  // or one that cannot be parsed.
  absl::StatusOr<customerprofile::v1::LookupProfilesResponse> LookupProfiles(
      const customerprofile::v1::LookupProfilesRequest& request);

  // FindDuplicates returns the live profiles that look like the same person
  // as `name`, best first, each with the rules that matched; one page.
  absl::StatusOr<customerprofile::v1::FindDuplicatesResponse> FindDuplicates(
      absl::string_view name, int page_size = 0, absl::string_view page_token = "");

  // MergeProfiles merges 1 to 10 profiles into a survivor in one
  // transaction; the response holds the survivor and the Merge to undo it
  // with. Without a request_id the connection sets one, so that a retry is a
  // replay.
  absl::StatusOr<customerprofile::v1::MergeProfilesResponse> MergeProfiles(
      const customerprofile::v1::MergeProfilesRequest& request);

  // UnmergeProfile undoes the merge `merge_name`
  // ("profiles/{survivor}/merges/{merge}"); with a survivor `etag`, only if
  // the survivor is unchanged since.
  absl::StatusOr<customerprofile::v1::UnmergeProfileResponse> UnmergeProfile(
      absl::string_view merge_name, absl::string_view etag = "");
  absl::StatusOr<customerprofile::v1::UnmergeProfileResponse> UnmergeProfile(
      const customerprofile::v1::UnmergeProfileRequest& request);

  // GetMerge returns one merge.
  absl::StatusOr<customerprofile::v1::Merge> GetMerge(absl::string_view merge_name);

  // ListMerges returns one page of the merges into `survivor`, newest first.
  absl::StatusOr<customerprofile::v1::ListMergesResponse> ListMerges(
      absl::string_view survivor, int page_size = 0, absl::string_view page_token = "");

 private:
  std::shared_ptr<ProfileConnection> connection_;
};

}  // namespace cp::client
