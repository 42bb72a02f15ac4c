#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace cp::testing {

// Details returns the google.rpc.Status carried in a failed call's error
// details (adding a test failure when there is none).
google::rpc::Status Details(const grpc::Status& status);

// ErrorInfoOf returns the google.rpc.ErrorInfo of a failed call (empty when
// there is none).
google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status);

// ReasonOf returns the google.rpc.ErrorInfo reason of a failed call, or "".
std::string ReasonOf(const grpc::Status& status);

// BadRequestFields returns the fields a failed call's google.rpc.BadRequest
// names, in order.
std::vector<std::string> BadRequestFields(const grpc::Status& status);

}  // namespace cp::testing
