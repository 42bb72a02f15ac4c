#include "client/consent_stub_connection.h"

#include <grpcpp/create_channel.h>

#include <utility>

#include "client/channel.h"
#include "client/idempotency_policy.h"
#include "client/request_id.h"
#include "client/stub_call.h"

namespace cp::client {
namespace v1 = ::customerprofile::v1;

ConsentStubConnection::ConsentStubConnection(
    std::shared_ptr<v1::ConsentService::StubInterface> stub, Options options, Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

template <class Request, class Response>
absl::StatusOr<Response> ConsentStubConnection::Call(StubMethod<Request, Response> method,
                                                     const Request& request) {
  return CallStub(*stub_, method, request, IdempotencyOf(request), options_, sleep_);
}

absl::StatusOr<v1::Purpose> ConsentStubConnection::CreatePurpose(
    const v1::CreatePurposeRequest& request) {
  return Call(&v1::ConsentService::StubInterface::CreatePurpose, request);
}

absl::StatusOr<v1::Purpose> ConsentStubConnection::GetPurpose(
    const v1::GetPurposeRequest& request) {
  return Call(&v1::ConsentService::StubInterface::GetPurpose, request);
}

absl::StatusOr<v1::ListPurposesResponse> ConsentStubConnection::ListPurposes(
    const v1::ListPurposesRequest& request) {
  return Call(&v1::ConsentService::StubInterface::ListPurposes, request);
}

absl::StatusOr<v1::Purpose> ConsentStubConnection::UpdatePurpose(
    const v1::UpdatePurposeRequest& request) {
  return Call(&v1::ConsentService::StubInterface::UpdatePurpose, request);
}

absl::StatusOr<v1::NoticeVersion> ConsentStubConnection::GetNoticeVersion(
    const v1::GetNoticeVersionRequest& request) {
  return Call(&v1::ConsentService::StubInterface::GetNoticeVersion, request);
}

absl::StatusOr<v1::ListNoticeVersionsResponse> ConsentStubConnection::ListNoticeVersions(
    const v1::ListNoticeVersionsRequest& request) {
  return Call(&v1::ConsentService::StubInterface::ListNoticeVersions, request);
}

absl::StatusOr<v1::RecordConsentResponse> ConsentStubConnection::RecordConsent(
    const v1::RecordConsentRequest& request) {
  // With a request_id a retry is a replay: the server returns the first
  // event instead of recording the decision twice.
  if (!request.request_id().empty()) {
    return Call(&v1::ConsentService::StubInterface::RecordConsent, request);
  }
  v1::RecordConsentRequest with_id = request;
  with_id.set_request_id(NewRequestId());
  return Call(&v1::ConsentService::StubInterface::RecordConsent, with_id);
}

absl::StatusOr<v1::ConsentEvent> ConsentStubConnection::ConfirmConsent(
    const v1::ConfirmConsentRequest& request) {
  return Call(&v1::ConsentService::StubInterface::ConfirmConsent, request);
}

absl::StatusOr<v1::ListConsentEventsResponse> ConsentStubConnection::ListConsentEvents(
    const v1::ListConsentEventsRequest& request) {
  return Call(&v1::ConsentService::StubInterface::ListConsentEvents, request);
}

absl::StatusOr<v1::ListConsentsResponse> ConsentStubConnection::ListConsents(
    const v1::ListConsentsRequest& request) {
  return Call(&v1::ConsentService::StubInterface::ListConsents, request);
}

absl::StatusOr<v1::CheckConsentResponse> ConsentStubConnection::CheckConsent(
    const v1::CheckConsentRequest& request) {
  return Call(&v1::ConsentService::StubInterface::CheckConsent, request);
}

absl::StatusOr<v1::BatchCheckConsentResponse> ConsentStubConnection::BatchCheckConsent(
    const v1::BatchCheckConsentRequest& request) {
  return Call(&v1::ConsentService::StubInterface::BatchCheckConsent, request);
}

std::shared_ptr<ConsentConnection> MakeConsentConnection(Options options) {
  std::shared_ptr<v1::ConsentService::StubInterface> stub =
      v1::ConsentService::NewStub(MakeChannel(options));
  return std::make_shared<ConsentStubConnection>(std::move(stub), std::move(options));
}

}  // namespace cp::client
