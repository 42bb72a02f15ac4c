#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace cp::testing {

// HttpGet sends "GET `path`" over HTTP/1.0 to `address` (HOST:PORT of an
// IPv4 host) and returns the response body when the status is 200.
absl::StatusOr<std::string> HttpGet(const std::string& address, const std::string& path);

}  // namespace cp::testing
