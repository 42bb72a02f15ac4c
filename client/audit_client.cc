#include "client/audit_client.h"

#include <string>
#include <utility>

#include "client/channel.h"
#include "client/stub_call.h"

namespace cp::client {

namespace v1 = ::customerprofile::v1;

AuditClient::AuditClient(Options options)
    : AuditClient(v1::AuditService::NewStub(MakeChannel(options)), options) {}

AuditClient::AuditClient(std::shared_ptr<v1::AuditService::StubInterface> stub, Options options,
                         Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

absl::StatusOr<v1::ListAuditEventsResponse> AuditClient::ListAuditEvents(
    const v1::ListAuditEventsRequest& request) {
  return CallStub(*stub_, &v1::AuditService::StubInterface::ListAuditEvents, request,
                  Idempotency::kIdempotent, options_, sleep_);
}

absl::StatusOr<v1::ListAuditEventsResponse> AuditClient::ListAuditEvents(
    absl::string_view profile, int page_size, absl::string_view page_token) {
  v1::ListAuditEventsRequest request;
  request.set_parent(std::string(profile));
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return ListAuditEvents(request);
}

}  // namespace cp::client
