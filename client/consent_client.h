#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/consent_connection.h"
#include "customerprofile/v1/consent.pb.h"
#include "customerprofile/v1/consent_service.pb.h"

namespace cp::client {

// ConsentClient is the C++ API of the consent service: purposes and their
// notices, the consent ledger, and the checks a campaign asks before it
// contacts anyone. It is a cheap value: copies share one connection, which
// does the work (and the retries; see consent_stub_connection.h).
//
//   ConsentClient consent(MakeConsentConnection(Options{}));
//   auto answer = consent.CheckConsent("profiles/ada", "purposes/sms-offers",
//                                      customerprofile::v1::CHANNEL_SMS);
//
// Errors keep the server's code and google.rpc details; read them with
// GetBadRequest / GetErrorInfo (error_details.h).
class ConsentClient {
 public:
  explicit ConsentClient(std::shared_ptr<ConsentConnection> connection);

  // CheckConsent asks whether `profile` may be contacted for `purpose` on
  // `channel` now (the answer names its reason and the event behind it).
  absl::StatusOr<customerprofile::v1::CheckConsentResponse> CheckConsent(
      absl::string_view profile, absl::string_view purpose, customerprofile::v1::Channel channel);
  // RecordConsent records `event` on `parent` ("profiles/{profile}"). A
  // non-empty `request_id` makes a replay return the first event; without
  // one the connection picks one per call.
  absl::StatusOr<customerprofile::v1::RecordConsentResponse> RecordConsent(
      absl::string_view parent, customerprofile::v1::ConsentEvent event,
      std::string request_id = "");
  // GetPurpose returns the purpose `name` ("purposes/{purpose}").
  absl::StatusOr<customerprofile::v1::Purpose> GetPurpose(absl::string_view name);
  // ListConsents returns the current state of every purpose and channel of
  // `parent` ("profiles/{profile}").
  absl::StatusOr<customerprofile::v1::ListConsentsResponse> ListConsents(absl::string_view parent);

  // Every RPC with its whole request.
  absl::StatusOr<customerprofile::v1::Purpose> CreatePurpose(
      const customerprofile::v1::CreatePurposeRequest& request);
  absl::StatusOr<customerprofile::v1::Purpose> GetPurpose(
      const customerprofile::v1::GetPurposeRequest& request);
  absl::StatusOr<customerprofile::v1::ListPurposesResponse> ListPurposes(
      const customerprofile::v1::ListPurposesRequest& request);
  absl::StatusOr<customerprofile::v1::Purpose> UpdatePurpose(
      const customerprofile::v1::UpdatePurposeRequest& request);
  absl::StatusOr<customerprofile::v1::NoticeVersion> GetNoticeVersion(
      const customerprofile::v1::GetNoticeVersionRequest& request);
  absl::StatusOr<customerprofile::v1::ListNoticeVersionsResponse> ListNoticeVersions(
      const customerprofile::v1::ListNoticeVersionsRequest& request);
  absl::StatusOr<customerprofile::v1::RecordConsentResponse> RecordConsent(
      const customerprofile::v1::RecordConsentRequest& request);
  absl::StatusOr<customerprofile::v1::ConsentEvent> ConfirmConsent(
      const customerprofile::v1::ConfirmConsentRequest& request);
  absl::StatusOr<customerprofile::v1::ListConsentEventsResponse> ListConsentEvents(
      const customerprofile::v1::ListConsentEventsRequest& request);
  absl::StatusOr<customerprofile::v1::ListConsentsResponse> ListConsents(
      const customerprofile::v1::ListConsentsRequest& request);
  absl::StatusOr<customerprofile::v1::CheckConsentResponse> CheckConsent(
      const customerprofile::v1::CheckConsentRequest& request);
  absl::StatusOr<customerprofile::v1::BatchCheckConsentResponse> BatchCheckConsent(
      const customerprofile::v1::BatchCheckConsentRequest& request);

 private:
  std::shared_ptr<ConsentConnection> connection_;
};

}  // namespace cp::client
