#pragma once

#include <memory>

#include "absl/time/clock.h"
#include "client/options.h"
#include "client/profile_connection.h"
#include "client/retry_policy.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"

namespace cp::client {

// ProfileStubConnection performs the calls on the generated stub: each call
// gets options.timeout as its deadline and options.metadata, and is retried
// per options.retry when it fails with UNAVAILABLE and is idempotent (see
// IdempotencyOf). A CreateProfile without request_id is given a random one,
// so that it can be retried without creating twice.
class ProfileStubConnection : public ProfileConnection {
 public:
  // `sleep` waits between attempts; tests pass one that only records.
  ProfileStubConnection(std::shared_ptr<customerprofile::v1::ProfileService::StubInterface> stub,
                        Options options, Sleeper sleep = absl::SleepFor);

  absl::StatusOr<customerprofile::v1::Profile> CreateProfile(
      const customerprofile::v1::CreateProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::Profile> GetProfile(
      const customerprofile::v1::GetProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::Profile> UpdateProfile(
      const customerprofile::v1::UpdateProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::Profile> DeleteProfile(
      const customerprofile::v1::DeleteProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::Profile> UndeleteProfile(
      const customerprofile::v1::UndeleteProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListProfilesResponse> ListProfiles(
      const customerprofile::v1::ListProfilesRequest& request) override;
  absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse> BatchGetProfiles(
      const customerprofile::v1::BatchGetProfilesRequest& request) override;
  absl::StatusOr<customerprofile::v1::LookupProfilesResponse> LookupProfiles(
      const customerprofile::v1::LookupProfilesRequest& request) override;
  absl::StatusOr<customerprofile::v1::FindDuplicatesResponse> FindDuplicates(
      const customerprofile::v1::FindDuplicatesRequest& request) override;
  absl::StatusOr<customerprofile::v1::MergeProfilesResponse> MergeProfiles(
      const customerprofile::v1::MergeProfilesRequest& request) override;
  absl::StatusOr<customerprofile::v1::UnmergeProfileResponse> UnmergeProfile(
      const customerprofile::v1::UnmergeProfileRequest& request) override;
  absl::StatusOr<customerprofile::v1::Merge> GetMerge(
      const customerprofile::v1::GetMergeRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListMergesResponse> ListMerges(
      const customerprofile::v1::ListMergesRequest& request) override;

 private:
  template <class Request, class Response>
  using StubMethod = grpc::Status (customerprofile::v1::ProfileService::StubInterface::*)(
      grpc::ClientContext*, const Request&, Response*);

  // Call runs `method` under the retry loop.
  template <class Request, class Response>
  absl::StatusOr<Response> Call(StubMethod<Request, Response> method, const Request& request);

  std::shared_ptr<customerprofile::v1::ProfileService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

// MakeProfileConnection returns a connection to options.endpoint.
std::shared_ptr<ProfileConnection> MakeProfileConnection(Options options);

}  // namespace cp::client
