#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace cp::server {

// ToGrpcStatus turns a domain status into the status a call finishes with:
// the same code and message, plus error_details holding a serialized
// google.rpc.Status whose details are every payload of `status`, each packed
// as a google.protobuf.Any under its payload type URL. A status without a
// google.rpc.ErrorInfo gets one (domain::kErrorDomain,
// domain::DefaultReason(code)). OK becomes grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// FromGrpcStatus is the inverse of ToGrpcStatus: code, message, and each
// google.protobuf.Any of the error_details as a payload under its type URL.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace cp::server
