#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cp::storage {

// kRetryInfoTypeUrl is the type URL under which a google.rpc.RetryInfo rides
// in an absl::Status payload (the server turns payloads into error details).
inline constexpr absl::string_view kRetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

// WithRetryInfo returns `status` with a google.rpc.RetryInfo payload asking
// the client to wait `delay` before retrying. Here, below the domain and the
// server, so that a store's transient errors can carry one too.
absl::Status WithRetryInfo(absl::Status status, absl::Duration delay);

}  // namespace cp::storage
