#include "client/suppression_stub_connection.h"

#include <grpcpp/create_channel.h>

#include <utility>

#include "client/channel.h"
#include "client/idempotency_policy.h"
#include "client/stub_call.h"

namespace cp::client {
namespace v1 = ::customerprofile::v1;

SuppressionStubConnection::SuppressionStubConnection(
    std::shared_ptr<v1::SuppressionService::StubInterface> stub, Options options, Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

template <class Request, class Response>
absl::StatusOr<Response> SuppressionStubConnection::Call(StubMethod<Request, Response> method,
                                                         const Request& request) {
  return CallStub(*stub_, method, request, IdempotencyOf(request), options_, sleep_);
}

absl::StatusOr<v1::SuppressionList> SuppressionStubConnection::CreateSuppressionList(
    const v1::CreateSuppressionListRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::CreateSuppressionList, request);
}

absl::StatusOr<v1::SuppressionList> SuppressionStubConnection::GetSuppressionList(
    const v1::GetSuppressionListRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::GetSuppressionList, request);
}

absl::StatusOr<v1::ListSuppressionListsResponse> SuppressionStubConnection::ListSuppressionLists(
    const v1::ListSuppressionListsRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::ListSuppressionLists, request);
}

absl::StatusOr<v1::SuppressionList> SuppressionStubConnection::UpdateSuppressionList(
    const v1::UpdateSuppressionListRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::UpdateSuppressionList, request);
}

absl::StatusOr<v1::DeleteSuppressionListResponse> SuppressionStubConnection::DeleteSuppressionList(
    const v1::DeleteSuppressionListRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::DeleteSuppressionList, request);
}

absl::StatusOr<v1::SuppressionEntry> SuppressionStubConnection::AddSuppressionEntry(
    const v1::AddSuppressionEntryRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::AddSuppressionEntry, request);
}

absl::StatusOr<v1::RemoveSuppressionEntryResponse>
SuppressionStubConnection::RemoveSuppressionEntry(
    const v1::RemoveSuppressionEntryRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::RemoveSuppressionEntry, request);
}

absl::StatusOr<v1::CheckSuppressionResponse> SuppressionStubConnection::CheckSuppression(
    const v1::CheckSuppressionRequest& request) {
  return Call(&v1::SuppressionService::StubInterface::CheckSuppression, request);
}

std::shared_ptr<SuppressionConnection> MakeSuppressionConnection(Options options) {
  std::shared_ptr<v1::SuppressionService::StubInterface> stub =
      v1::SuppressionService::NewStub(MakeChannel(options));
  return std::make_shared<SuppressionStubConnection>(std::move(stub), std::move(options));
}

}  // namespace cp::client
