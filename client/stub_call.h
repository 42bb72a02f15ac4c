#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "client/error_details.h"
#include "client/options.h"
#include "client/retry_policy.h"

namespace cp::client {

// CallStub runs one unary call of a generated stub the way every client of
// this library does: options.timeout is the deadline of the call and its
// retries, options.metadata goes with each attempt, and a transient failure
// is retried per options.retry when `idempotency` allows (RetryLoop).
template <class Stub, class Request, class Response>
absl::StatusOr<Response> CallStub(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, Idempotency idempotency, const Options& options, const Sleeper& sleep) {
  const absl::Time deadline = absl::Now() + options.timeout;
  Response response;
  absl::Status status =
      RetryLoop(options.retry, idempotency, deadline, sleep, [&]() -> absl::Status {
        grpc::ClientContext context;
        context.set_deadline(absl::ToChronoTime(deadline));
        for (const auto& [key, value] : options.metadata) context.AddMetadata(key, value);
        response.Clear();
        return FromGrpcStatus((stub.*method)(&context, request, &response));
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cp::client
