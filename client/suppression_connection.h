#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/suppression.pb.h"
#include "customerprofile/v1/suppression_service.pb.h"

namespace cp::client {

// SuppressionConnection performs the unary SuppressionService calls, one
// method per RPC (the client-streaming ImportSuppressionEntries is
// ImportRegister, suppression_importer.h). Errors carry the server's
// google.rpc details as payloads (see error_details.h). SuppressionClient
// wraps one; unit tests substitute a mock
// (tests/client/mock_suppression_connection.h shows one).
class SuppressionConnection {
 public:
  virtual ~SuppressionConnection() = default;

  virtual absl::StatusOr<customerprofile::v1::SuppressionList> CreateSuppressionList(
      const customerprofile::v1::CreateSuppressionListRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::SuppressionList> GetSuppressionList(
      const customerprofile::v1::GetSuppressionListRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListSuppressionListsResponse> ListSuppressionLists(
      const customerprofile::v1::ListSuppressionListsRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::SuppressionList> UpdateSuppressionList(
      const customerprofile::v1::UpdateSuppressionListRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::DeleteSuppressionListResponse> DeleteSuppressionList(
      const customerprofile::v1::DeleteSuppressionListRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::SuppressionEntry> AddSuppressionEntry(
      const customerprofile::v1::AddSuppressionEntryRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::RemoveSuppressionEntryResponse>
  RemoveSuppressionEntry(const customerprofile::v1::RemoveSuppressionEntryRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::CheckSuppressionResponse> CheckSuppression(
      const customerprofile::v1::CheckSuppressionRequest& request) = 0;
};

}  // namespace cp::client
