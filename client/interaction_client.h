#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"

namespace cp::client {

// InteractionClient is the C++ API of the timeline (InteractionService).
// Each call gets options.timeout as its deadline and options.metadata, and
// is retried per options.retry after UNAVAILABLE when that is safe: reads
// always; a RecordInteraction with an external_ref (the server answers a
// replay with the first interaction); a batch whose every item has one.
// Errors keep the server's code and details (error_details.h).
//
//   InteractionClient timeline(Options{});
//   auto page = timeline.ListInteractions("profiles/ada");
class InteractionClient {
 public:
  explicit InteractionClient(Options options);
  // `sleep` waits between attempts; tests pass one that only records.
  InteractionClient(std::shared_ptr<customerprofile::v1::InteractionService::StubInterface> stub,
                    Options options, Sleeper sleep = absl::SleepFor);

  absl::StatusOr<customerprofile::v1::Interaction> RecordInteraction(
      absl::string_view profile, const customerprofile::v1::Interaction& interaction);
  absl::StatusOr<customerprofile::v1::BatchRecordInteractionsResponse> BatchRecordInteractions(
      const customerprofile::v1::BatchRecordInteractionsRequest& request);
  absl::StatusOr<customerprofile::v1::Interaction> GetInteraction(absl::string_view name);
  // ListInteractions returns one page, newest first unless order_by says
  // "occur_time".
  absl::StatusOr<customerprofile::v1::ListInteractionsResponse> ListInteractions(
      const customerprofile::v1::ListInteractionsRequest& request);
  absl::StatusOr<customerprofile::v1::ListInteractionsResponse> ListInteractions(
      absl::string_view parent, int page_size = 0, absl::string_view page_token = "");
  absl::Status DeleteInteraction(absl::string_view name);
  // GetProfileInsights returns what `profile`'s timeline says.
  absl::StatusOr<customerprofile::v1::ProfileInsights> GetProfileInsights(
      absl::string_view profile);

 private:
  template <class Request, class Response>
  using StubMethod = grpc::Status (customerprofile::v1::InteractionService::StubInterface::*)(
      grpc::ClientContext*, const Request&, Response*);

  template <class Request, class Response>
  absl::StatusOr<Response> Call(StubMethod<Request, Response> method, const Request& request,
                                Idempotency idempotency);

  std::shared_ptr<customerprofile::v1::InteractionService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

}  // namespace cp::client
