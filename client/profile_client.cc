#include "client/profile_client.h"

#include <utility>

namespace cp::client {

namespace v1 = ::customerprofile::v1;

ProfileClient::ProfileClient(std::shared_ptr<ProfileConnection> connection)
    : connection_(std::move(connection)) {}

absl::StatusOr<v1::Profile> ProfileClient::CreateProfile(v1::Profile profile,
                                                         std::string profile_id,
                                                         std::string request_id) {
  v1::CreateProfileRequest request;
  *request.mutable_profile() = std::move(profile);
  request.set_profile_id(std::move(profile_id));
  request.set_request_id(std::move(request_id));
  return connection_->CreateProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::CreateProfile(const v1::CreateProfileRequest& request) {
  return connection_->CreateProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::GetProfile(absl::string_view name) {
  v1::GetProfileRequest request;
  request.set_name(std::string(name));
  return connection_->GetProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::GetProfile(const v1::GetProfileRequest& request) {
  return connection_->GetProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::UpdateProfile(v1::Profile profile,
                                                         google::protobuf::FieldMask update_mask) {
  v1::UpdateProfileRequest request;
  *request.mutable_profile() = std::move(profile);
  *request.mutable_update_mask() = std::move(update_mask);
  return connection_->UpdateProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::UpdateProfile(const v1::UpdateProfileRequest& request) {
  return connection_->UpdateProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::DeleteProfile(absl::string_view name,
                                                         absl::string_view etag) {
  v1::DeleteProfileRequest request;
  request.set_name(std::string(name));
  request.set_etag(std::string(etag));
  return connection_->DeleteProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::DeleteProfile(const v1::DeleteProfileRequest& request) {
  return connection_->DeleteProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::UndeleteProfile(absl::string_view name,
                                                           absl::string_view etag) {
  v1::UndeleteProfileRequest request;
  request.set_name(std::string(name));
  request.set_etag(std::string(etag));
  return connection_->UndeleteProfile(request);
}

absl::StatusOr<v1::Profile> ProfileClient::UndeleteProfile(
    const v1::UndeleteProfileRequest& request) {
  return connection_->UndeleteProfile(request);
}

absl::StatusOr<v1::ListProfilesResponse> ProfileClient::ListProfiles(
    const v1::ListProfilesRequest& request) {
  return connection_->ListProfiles(request);
}

absl::StatusOr<v1::BatchGetProfilesResponse> ProfileClient::BatchGetProfiles(
    const std::vector<std::string>& names, bool allow_missing) {
  v1::BatchGetProfilesRequest request;
  for (const std::string& name : names) request.add_names(name);
  request.set_allow_missing(allow_missing);
  return connection_->BatchGetProfiles(request);
}

absl::StatusOr<v1::LookupProfilesResponse> ProfileClient::LookupProfiles(
    const v1::LookupProfilesRequest& request) {
  return connection_->LookupProfiles(request);
}

absl::StatusOr<v1::FindDuplicatesResponse> ProfileClient::FindDuplicates(
    absl::string_view name, int page_size, absl::string_view page_token) {
  v1::FindDuplicatesRequest request;
  request.set_name(std::string(name));
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return connection_->FindDuplicates(request);
}

absl::StatusOr<v1::MergeProfilesResponse> ProfileClient::MergeProfiles(
    const v1::MergeProfilesRequest& request) {
  return connection_->MergeProfiles(request);
}

absl::StatusOr<v1::UnmergeProfileResponse> ProfileClient::UnmergeProfile(
    absl::string_view merge_name, absl::string_view etag) {
  v1::UnmergeProfileRequest request;
  request.set_name(std::string(merge_name));
  request.set_etag(std::string(etag));
  return connection_->UnmergeProfile(request);
}

absl::StatusOr<v1::UnmergeProfileResponse> ProfileClient::UnmergeProfile(
    const v1::UnmergeProfileRequest& request) {
  return connection_->UnmergeProfile(request);
}

absl::StatusOr<v1::Merge> ProfileClient::GetMerge(absl::string_view merge_name) {
  v1::GetMergeRequest request;
  request.set_name(std::string(merge_name));
  return connection_->GetMerge(request);
}

absl::StatusOr<v1::ListMergesResponse> ProfileClient::ListMerges(absl::string_view survivor,
                                                                 int page_size,
                                                                 absl::string_view page_token) {
  v1::ListMergesRequest request;
  request.set_parent(std::string(survivor));
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return connection_->ListMerges(request);
}

}  // namespace cp::client
