#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "customerprofile/v1/audit_service.grpc.pb.h"

namespace cp::client {

// AuditClient is the C++ API of the audit trail (AuditService): read only,
// so every call is retried after UNAVAILABLE.
//
//   AuditClient audit(options);
//   auto page = audit.ListAuditEvents("profiles/ada");
class AuditClient {
 public:
  explicit AuditClient(Options options);
  AuditClient(std::shared_ptr<customerprofile::v1::AuditService::StubInterface> stub,
              Options options, Sleeper sleep = absl::SleepFor);

  absl::StatusOr<customerprofile::v1::ListAuditEventsResponse> ListAuditEvents(
      const customerprofile::v1::ListAuditEventsRequest& request);
  // ListAuditEvents returns one page of `profile`'s trail, newest first.
  absl::StatusOr<customerprofile::v1::ListAuditEventsResponse> ListAuditEvents(
      absl::string_view profile, int page_size = 0, absl::string_view page_token = "");

 private:
  std::shared_ptr<customerprofile::v1::AuditService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

}  // namespace cp::client
