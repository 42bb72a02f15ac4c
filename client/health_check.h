#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/options.h"
#include "grpc/health/v1/health.pb.h"

namespace cp::client {

// CheckHealth asks the server's grpc.health.v1.Health/Check for `service`
// ("" = the server as a whole) and returns its serving status; the call's
// own failure (UNAVAILABLE when nothing listens, NOT_FOUND for a service the
// server does not know) as the status. One attempt, within options.timeout:
// a probe must answer for now, not after retries.
absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> CheckHealth(
    const Options& options, absl::string_view service);

}  // namespace cp::client
