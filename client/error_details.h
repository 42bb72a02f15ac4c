#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace cp::client {

// FromGrpcStatus converts a call's status to absl::Status with the same code
// and message. Each detail of the google.rpc.Status the server sent in
// error_details() becomes a payload: its type URL (such as
// "type.googleapis.com/google.rpc.BadRequest") maps to the serialized detail.
absl::Status FromGrpcStatus(const grpc::Status& status);

// ToRpcStatus returns `status` as a google.rpc.Status whose details are its
// payloads, e.g. to print it.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// GetErrorInfo returns the google.rpc.ErrorInfo detail of `status`, if any.
std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status);

// GetBadRequest returns the google.rpc.BadRequest detail of `status`, if any.
std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status);

// DescribeError is `status` for a person: "CODE: message", then a line
// "  reason: REASON" for its ErrorInfo and "  FIELD: description" for each
// field violation of its BadRequest, each line ending in a newline.
std::string DescribeError(const absl::Status& status);

// GetRetryInfo returns the google.rpc.RetryInfo detail of `status`, if any.
std::optional<google::rpc::RetryInfo> GetRetryInfo(const absl::Status& status);

}  // namespace cp::client
