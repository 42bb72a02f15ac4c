#include "client/profile_stub_connection.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <cstdint>
#include <string>
#include <utility>

#include "client/channel.h"
#include "client/error_details.h"
#include "client/idempotency_policy.h"
#include "client/request_id.h"
#include "client/stub_call.h"

namespace cp::client {
namespace v1 = ::customerprofile::v1;

ProfileStubConnection::ProfileStubConnection(
    std::shared_ptr<v1::ProfileService::StubInterface> stub, Options options, Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

template <class Request, class Response>
absl::StatusOr<Response> ProfileStubConnection::Call(StubMethod<Request, Response> method,
                                                     const Request& request) {
  return CallStub(*stub_, method, request, IdempotencyOf(request), options_, sleep_);
}

absl::StatusOr<v1::Profile> ProfileStubConnection::CreateProfile(
    const v1::CreateProfileRequest& request) {
  if (!request.request_id().empty()) {
    return Call(&v1::ProfileService::StubInterface::CreateProfile, request);
  }
  v1::CreateProfileRequest with_id = request;
  with_id.set_request_id(NewRequestId());
  return Call(&v1::ProfileService::StubInterface::CreateProfile, with_id);
}

absl::StatusOr<v1::Profile> ProfileStubConnection::GetProfile(
    const v1::GetProfileRequest& request) {
  return Call(&v1::ProfileService::StubInterface::GetProfile, request);
}

absl::StatusOr<v1::Profile> ProfileStubConnection::UpdateProfile(
    const v1::UpdateProfileRequest& request) {
  return Call(&v1::ProfileService::StubInterface::UpdateProfile, request);
}

absl::StatusOr<v1::Profile> ProfileStubConnection::DeleteProfile(
    const v1::DeleteProfileRequest& request) {
  return Call(&v1::ProfileService::StubInterface::DeleteProfile, request);
}

absl::StatusOr<v1::Profile> ProfileStubConnection::UndeleteProfile(
    const v1::UndeleteProfileRequest& request) {
  return Call(&v1::ProfileService::StubInterface::UndeleteProfile, request);
}

absl::StatusOr<v1::ListProfilesResponse> ProfileStubConnection::ListProfiles(
    const v1::ListProfilesRequest& request) {
  return Call(&v1::ProfileService::StubInterface::ListProfiles, request);
}

absl::StatusOr<v1::BatchGetProfilesResponse> ProfileStubConnection::BatchGetProfiles(
    const v1::BatchGetProfilesRequest& request) {
  return Call(&v1::ProfileService::StubInterface::BatchGetProfiles, request);
}

absl::StatusOr<v1::LookupProfilesResponse> ProfileStubConnection::LookupProfiles(
    const v1::LookupProfilesRequest& request) {
  return Call(&v1::ProfileService::StubInterface::LookupProfiles, request);
}

absl::StatusOr<v1::FindDuplicatesResponse> ProfileStubConnection::FindDuplicates(
    const v1::FindDuplicatesRequest& request) {
  return Call(&v1::ProfileService::StubInterface::FindDuplicates, request);
}

absl::StatusOr<v1::MergeProfilesResponse> ProfileStubConnection::MergeProfiles(
    const v1::MergeProfilesRequest& request) {
  // With a request_id a retry is a replay: the server returns the first
  // result instead of applying the call twice.
  if (!request.request_id().empty())
    return Call(&v1::ProfileService::StubInterface::MergeProfiles, request);
  v1::MergeProfilesRequest with_id = request;
  with_id.set_request_id(NewRequestId());
  return Call(&v1::ProfileService::StubInterface::MergeProfiles, with_id);
}

absl::StatusOr<v1::UnmergeProfileResponse> ProfileStubConnection::UnmergeProfile(
    const v1::UnmergeProfileRequest& request) {
  // With a request_id a retry is a replay: the server returns the first
  // result instead of applying the call twice.
  if (!request.request_id().empty())
    return Call(&v1::ProfileService::StubInterface::UnmergeProfile, request);
  v1::UnmergeProfileRequest with_id = request;
  with_id.set_request_id(NewRequestId());
  return Call(&v1::ProfileService::StubInterface::UnmergeProfile, with_id);
}

absl::StatusOr<v1::Merge> ProfileStubConnection::GetMerge(const v1::GetMergeRequest& request) {
  return Call(&v1::ProfileService::StubInterface::GetMerge, request);
}

absl::StatusOr<v1::ListMergesResponse> ProfileStubConnection::ListMerges(
    const v1::ListMergesRequest& request) {
  return Call(&v1::ProfileService::StubInterface::ListMerges, request);
}

std::shared_ptr<ProfileConnection> MakeProfileConnection(Options options) {
  std::shared_ptr<v1::ProfileService::StubInterface> stub =
      v1::ProfileService::NewStub(MakeChannel(options));
  return std::make_shared<ProfileStubConnection>(std::move(stub), std::move(options));
}

}  // namespace cp::client
