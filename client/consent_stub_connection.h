#pragma once

#include <memory>

#include "absl/time/clock.h"
#include "client/consent_connection.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"

namespace cp::client {

// ConsentStubConnection is ConsentConnection over the generated stub. Each
// call gets options.timeout as its deadline and options.metadata, and is
// retried per options.retry after UNAVAILABLE when that is safe (see
// idempotency_policy.h): reads and checks always; RecordConsent always,
// since the connection gives it a request_id when the caller did not (the
// server answers a replay with the first event); UpdatePurpose with an
// etag; CreatePurpose and ConfirmConsent never (a repeat would fail, not
// apply twice, but it would hide the first answer).
class ConsentStubConnection : public ConsentConnection {
 public:
  // `sleep` waits between attempts; tests pass one that only records.
  ConsentStubConnection(std::shared_ptr<customerprofile::v1::ConsentService::StubInterface> stub,
                        Options options, Sleeper sleep = absl::SleepFor);

  absl::StatusOr<customerprofile::v1::Purpose> CreatePurpose(
      const customerprofile::v1::CreatePurposeRequest& request) override;
  absl::StatusOr<customerprofile::v1::Purpose> GetPurpose(
      const customerprofile::v1::GetPurposeRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListPurposesResponse> ListPurposes(
      const customerprofile::v1::ListPurposesRequest& request) override;
  absl::StatusOr<customerprofile::v1::Purpose> UpdatePurpose(
      const customerprofile::v1::UpdatePurposeRequest& request) override;
  absl::StatusOr<customerprofile::v1::NoticeVersion> GetNoticeVersion(
      const customerprofile::v1::GetNoticeVersionRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListNoticeVersionsResponse> ListNoticeVersions(
      const customerprofile::v1::ListNoticeVersionsRequest& request) override;
  absl::StatusOr<customerprofile::v1::RecordConsentResponse> RecordConsent(
      const customerprofile::v1::RecordConsentRequest& request) override;
  absl::StatusOr<customerprofile::v1::ConsentEvent> ConfirmConsent(
      const customerprofile::v1::ConfirmConsentRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListConsentEventsResponse> ListConsentEvents(
      const customerprofile::v1::ListConsentEventsRequest& request) override;
  absl::StatusOr<customerprofile::v1::ListConsentsResponse> ListConsents(
      const customerprofile::v1::ListConsentsRequest& request) override;
  absl::StatusOr<customerprofile::v1::CheckConsentResponse> CheckConsent(
      const customerprofile::v1::CheckConsentRequest& request) override;
  absl::StatusOr<customerprofile::v1::BatchCheckConsentResponse> BatchCheckConsent(
      const customerprofile::v1::BatchCheckConsentRequest& request) override;

 private:
  template <class Request, class Response>
  using StubMethod = grpc::Status (customerprofile::v1::ConsentService::StubInterface::*)(
      grpc::ClientContext*, const Request&, Response*);

  template <class Request, class Response>
  absl::StatusOr<Response> Call(StubMethod<Request, Response> method, const Request& request);

  std::shared_ptr<customerprofile::v1::ConsentService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

// MakeConsentConnection returns a connection to options.endpoint.
std::shared_ptr<ConsentConnection> MakeConsentConnection(Options options);

}  // namespace cp::client
