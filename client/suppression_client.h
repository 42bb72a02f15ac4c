#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/suppression_connection.h"
#include "customerprofile/v1/suppression.pb.h"
#include "customerprofile/v1/suppression_service.pb.h"

namespace cp::client {

// SuppressionClient is the C++ API of the do-not-contact registers: lists,
// their entries, and the check whether an identifier is on one. A cheap
// value: copies share one connection, which does the work (and the
// retries; see suppression_stub_connection.h). A whole register file is
// streamed with ImportRegister (suppression_importer.h).
//
//   SuppressionClient registers(MakeSuppressionConnection(Options{}));
//   auto on_it = registers.CheckSuppression("+4791234567");
class SuppressionClient {
 public:
  explicit SuppressionClient(std::shared_ptr<SuppressionConnection> connection);

  // CheckSuppression tells whether `identifier` (a phone number, an e-mail
  // address, a domain) is on any list.
  absl::StatusOr<customerprofile::v1::CheckSuppressionResponse> CheckSuppression(
      absl::string_view identifier);
  // GetSuppressionList returns the list `name` ("suppressionLists/{list}").
  absl::StatusOr<customerprofile::v1::SuppressionList> GetSuppressionList(absl::string_view name);

  // Every unary RPC with its whole request.
  absl::StatusOr<customerprofile::v1::SuppressionList> CreateSuppressionList(
      const customerprofile::v1::CreateSuppressionListRequest& request);
  absl::StatusOr<customerprofile::v1::SuppressionList> GetSuppressionList(
      const customerprofile::v1::GetSuppressionListRequest& request);
  absl::StatusOr<customerprofile::v1::ListSuppressionListsResponse> ListSuppressionLists(
      const customerprofile::v1::ListSuppressionListsRequest& request);
  absl::StatusOr<customerprofile::v1::SuppressionList> UpdateSuppressionList(
      const customerprofile::v1::UpdateSuppressionListRequest& request);
  absl::StatusOr<customerprofile::v1::DeleteSuppressionListResponse> DeleteSuppressionList(
      const customerprofile::v1::DeleteSuppressionListRequest& request);
  absl::StatusOr<customerprofile::v1::SuppressionEntry> AddSuppressionEntry(
      const customerprofile::v1::AddSuppressionEntryRequest& request);
  absl::StatusOr<customerprofile::v1::RemoveSuppressionEntryResponse> RemoveSuppressionEntry(
      const customerprofile::v1::RemoveSuppressionEntryRequest& request);
  absl::StatusOr<customerprofile::v1::CheckSuppressionResponse> CheckSuppression(
      const customerprofile::v1::CheckSuppressionRequest& request);

 private:
  std::shared_ptr<SuppressionConnection> connection_;
};

}  // namespace cp::client
