#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/consent.pb.h"
#include "customerprofile/v1/consent_service.pb.h"

namespace cp::client {

// ConsentConnection performs the ConsentService calls, one method per RPC.
// Errors carry the server's google.rpc details as payloads (see
// error_details.h). ConsentClient wraps one; unit tests of code that uses
// ConsentClient substitute a mock (tests/client/mock_consent_connection.h
// shows one).
class ConsentConnection {
 public:
  virtual ~ConsentConnection() = default;

  virtual absl::StatusOr<customerprofile::v1::Purpose> CreatePurpose(
      const customerprofile::v1::CreatePurposeRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Purpose> GetPurpose(
      const customerprofile::v1::GetPurposeRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListPurposesResponse> ListPurposes(
      const customerprofile::v1::ListPurposesRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::Purpose> UpdatePurpose(
      const customerprofile::v1::UpdatePurposeRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::NoticeVersion> GetNoticeVersion(
      const customerprofile::v1::GetNoticeVersionRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListNoticeVersionsResponse> ListNoticeVersions(
      const customerprofile::v1::ListNoticeVersionsRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::RecordConsentResponse> RecordConsent(
      const customerprofile::v1::RecordConsentRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ConsentEvent> ConfirmConsent(
      const customerprofile::v1::ConfirmConsentRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListConsentEventsResponse> ListConsentEvents(
      const customerprofile::v1::ListConsentEventsRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::ListConsentsResponse> ListConsents(
      const customerprofile::v1::ListConsentsRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::CheckConsentResponse> CheckConsent(
      const customerprofile::v1::CheckConsentRequest& request) = 0;
  virtual absl::StatusOr<customerprofile::v1::BatchCheckConsentResponse> BatchCheckConsent(
      const customerprofile::v1::BatchCheckConsentRequest& request) = 0;
};

}  // namespace cp::client
