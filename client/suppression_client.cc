#include "client/suppression_client.h"

#include <utility>

namespace cp::client {
namespace v1 = ::customerprofile::v1;

SuppressionClient::SuppressionClient(std::shared_ptr<SuppressionConnection> connection)
    : connection_(std::move(connection)) {}

absl::StatusOr<v1::CheckSuppressionResponse> SuppressionClient::CheckSuppression(
    absl::string_view identifier) {
  v1::CheckSuppressionRequest request;
  request.set_identifier(std::string(identifier));
  return connection_->CheckSuppression(request);
}

absl::StatusOr<v1::SuppressionList> SuppressionClient::GetSuppressionList(absl::string_view name) {
  v1::GetSuppressionListRequest request;
  request.set_name(std::string(name));
  return connection_->GetSuppressionList(request);
}

absl::StatusOr<v1::SuppressionList> SuppressionClient::CreateSuppressionList(
    const v1::CreateSuppressionListRequest& request) {
  return connection_->CreateSuppressionList(request);
}

absl::StatusOr<v1::SuppressionList> SuppressionClient::GetSuppressionList(
    const v1::GetSuppressionListRequest& request) {
  return connection_->GetSuppressionList(request);
}

absl::StatusOr<v1::ListSuppressionListsResponse> SuppressionClient::ListSuppressionLists(
    const v1::ListSuppressionListsRequest& request) {
  return connection_->ListSuppressionLists(request);
}

absl::StatusOr<v1::SuppressionList> SuppressionClient::UpdateSuppressionList(
    const v1::UpdateSuppressionListRequest& request) {
  return connection_->UpdateSuppressionList(request);
}

absl::StatusOr<v1::DeleteSuppressionListResponse> SuppressionClient::DeleteSuppressionList(
    const v1::DeleteSuppressionListRequest& request) {
  return connection_->DeleteSuppressionList(request);
}

absl::StatusOr<v1::SuppressionEntry> SuppressionClient::AddSuppressionEntry(
    const v1::AddSuppressionEntryRequest& request) {
  return connection_->AddSuppressionEntry(request);
}

absl::StatusOr<v1::RemoveSuppressionEntryResponse> SuppressionClient::RemoveSuppressionEntry(
    const v1::RemoveSuppressionEntryRequest& request) {
  return connection_->RemoveSuppressionEntry(request);
}

absl::StatusOr<v1::CheckSuppressionResponse> SuppressionClient::CheckSuppression(
    const v1::CheckSuppressionRequest& request) {
  return connection_->CheckSuppression(request);
}

}  // namespace cp::client
