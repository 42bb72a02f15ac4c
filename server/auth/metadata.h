#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cp::server::auth {

// Metadata returns the first value of the call's client metadata `key`
// (lower case), or "" when absent.
std::string Metadata(const grpc::ServerContextBase& ctx, absl::string_view key);

// WithRetryInfo returns `status` with a google.rpc.RetryInfo payload asking
// the client to wait `delay` before retrying.
absl::Status WithRetryInfo(absl::Status status, absl::Duration delay);

}  // namespace cp::server::auth
