#pragma once

#include <memory>

#include "absl/time/clock.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "client/suppression_connection.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"

namespace cp::client {

// SuppressionStubConnection is SuppressionConnection over the generated
// stub. Each call gets options.timeout as its deadline and
// options.metadata, and is retried per options.retry after UNAVAILABLE when
// that is safe (see idempotency_policy.h): reads and checks;
// AddSuppressionEntry (adding an entry that is there changes nothing); an
// UpdateSuppressionList or DeleteSuppressionList with an etag. Creating a
// list and removing an entry are not retried.
class SuppressionStubConnection : public SuppressionConnection {
 public:
  // `sleep` waits between attempts; tests pass one that only records.
  SuppressionStubConnection(
      std::shared_ptr<customerprofile::v1::SuppressionService::StubInterface> stub, Options options,
      Sleeper sleep = absl::SleepFor);

  absl::StatusOr<customerprofile::v1::SuppressionList> CreateSuppressionList(
      const customerprofile::v1::CreateSuppressionListRequest& request) override;
  absl::StatusOr<customerprofile::v1::SuppressionList> GetSuppressionList(
      const customerprofile::v1::GetSuppressionListRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListSuppressionListsResponse> ListSuppressionLists(
      const customerprofile::v1::ListSuppressionListsRequest& request) override;
  absl::StatusOr<customerprofile::v1::SuppressionList> UpdateSuppressionList(
      const customerprofile::v1::UpdateSuppressionListRequest& request) override;
  absl::StatusOr<customerprofile::v1::DeleteSuppressionListResponse> DeleteSuppressionList(
      const customerprofile::v1::DeleteSuppressionListRequest& request) override;
  absl::StatusOr<customerprofile::v1::SuppressionEntry> AddSuppressionEntry(
      const customerprofile::v1::AddSuppressionEntryRequest& request) override;
  absl::StatusOr<customerprofile::v1::RemoveSuppressionEntryResponse> RemoveSuppressionEntry(
      const customerprofile::v1::RemoveSuppressionEntryRequest& request) override;
  absl::StatusOr<customerprofile::v1::CheckSuppressionResponse> CheckSuppression(
      const customerprofile::v1::CheckSuppressionRequest& request) override;

 private:
  template <class Request, class Response>
  using StubMethod = grpc::Status (customerprofile::v1::SuppressionService::StubInterface::*)(
      grpc::ClientContext*, const Request&, Response*);

  template <class Request, class Response>
  absl::StatusOr<Response> Call(StubMethod<Request, Response> method, const Request& request);

  std::shared_ptr<customerprofile::v1::SuppressionService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

// MakeSuppressionConnection returns a connection to options.endpoint.
std::shared_ptr<SuppressionConnection> MakeSuppressionConnection(Options options);

}  // namespace cp::client
