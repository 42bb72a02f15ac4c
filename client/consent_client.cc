#include "client/consent_client.h"

#include <utility>

namespace cp::client {
namespace v1 = ::customerprofile::v1;

ConsentClient::ConsentClient(std::shared_ptr<ConsentConnection> connection)
    : connection_(std::move(connection)) {}

absl::StatusOr<v1::CheckConsentResponse> ConsentClient::CheckConsent(absl::string_view profile,
                                                                     absl::string_view purpose,
                                                                     v1::Channel channel) {
  v1::CheckConsentRequest request;
  request.set_profile(std::string(profile));
  request.set_purpose(std::string(purpose));
  request.set_channel(channel);
  return connection_->CheckConsent(request);
}

absl::StatusOr<v1::RecordConsentResponse> ConsentClient::RecordConsent(absl::string_view parent,
                                                                       v1::ConsentEvent event,
                                                                       std::string request_id) {
  v1::RecordConsentRequest request;
  request.set_parent(std::string(parent));
  *request.mutable_consent_event() = std::move(event);
  request.set_request_id(std::move(request_id));
  return connection_->RecordConsent(request);
}

absl::StatusOr<v1::Purpose> ConsentClient::GetPurpose(absl::string_view name) {
  v1::GetPurposeRequest request;
  request.set_name(std::string(name));
  return connection_->GetPurpose(request);
}

absl::StatusOr<v1::ListConsentsResponse> ConsentClient::ListConsents(absl::string_view parent) {
  v1::ListConsentsRequest request;
  request.set_parent(std::string(parent));
  return connection_->ListConsents(request);
}

absl::StatusOr<v1::Purpose> ConsentClient::CreatePurpose(const v1::CreatePurposeRequest& request) {
  return connection_->CreatePurpose(request);
}

absl::StatusOr<v1::Purpose> ConsentClient::GetPurpose(const v1::GetPurposeRequest& request) {
  return connection_->GetPurpose(request);
}

absl::StatusOr<v1::ListPurposesResponse> ConsentClient::ListPurposes(
    const v1::ListPurposesRequest& request) {
  return connection_->ListPurposes(request);
}

absl::StatusOr<v1::Purpose> ConsentClient::UpdatePurpose(const v1::UpdatePurposeRequest& request) {
  return connection_->UpdatePurpose(request);
}

absl::StatusOr<v1::NoticeVersion> ConsentClient::GetNoticeVersion(
    const v1::GetNoticeVersionRequest& request) {
  return connection_->GetNoticeVersion(request);
}

absl::StatusOr<v1::ListNoticeVersionsResponse> ConsentClient::ListNoticeVersions(
    const v1::ListNoticeVersionsRequest& request) {
  return connection_->ListNoticeVersions(request);
}

absl::StatusOr<v1::RecordConsentResponse> ConsentClient::RecordConsent(
    const v1::RecordConsentRequest& request) {
  return connection_->RecordConsent(request);
}

absl::StatusOr<v1::ConsentEvent> ConsentClient::ConfirmConsent(
    const v1::ConfirmConsentRequest& request) {
  return connection_->ConfirmConsent(request);
}

absl::StatusOr<v1::ListConsentEventsResponse> ConsentClient::ListConsentEvents(
    const v1::ListConsentEventsRequest& request) {
  return connection_->ListConsentEvents(request);
}

absl::StatusOr<v1::ListConsentsResponse> ConsentClient::ListConsents(
    const v1::ListConsentsRequest& request) {
  return connection_->ListConsents(request);
}

absl::StatusOr<v1::CheckConsentResponse> ConsentClient::CheckConsent(
    const v1::CheckConsentRequest& request) {
  return connection_->CheckConsent(request);
}

absl::StatusOr<v1::BatchCheckConsentResponse> ConsentClient::BatchCheckConsent(
    const v1::BatchCheckConsentRequest& request) {
  return connection_->BatchCheckConsent(request);
}

}  // namespace cp::client
