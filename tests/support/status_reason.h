#pragma once

#include <string>

#include "absl/status/status.h"
#include "domain/common/errors.h"

namespace cp::testing {

// ReasonOf returns the google.rpc.ErrorInfo reason an absl::Status carries
// (as the domain and server build them), or "". Header-only, so that unit
// tests of the domain link no server; tests of calls over the wire use
// rpc_status.h.
inline std::string ReasonOf(const absl::Status& status) {
  auto info = domain::GetErrorInfo(status);
  return info.has_value() ? info->reason() : "";
}

}  // namespace cp::testing
