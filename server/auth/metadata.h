#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/string_view.h"

namespace cp::server::auth {

// Metadata returns the first value of the call's client metadata `key`
// (lower case), or "" when absent.
std::string Metadata(const grpc::ServerContextBase& ctx, absl::string_view key);

}  // namespace cp::server::auth
