#include "tests/support/rpc_status.h"

#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace cp::testing {

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << "no google.rpc.Status";
  return details;
}

google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details = Details(status);
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info;
  }
  return google::rpc::ErrorInfo();
}

std::string ReasonOf(const grpc::Status& status) { return ErrorInfoOf(status).reason(); }

std::vector<std::string> BadRequestFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details = Details(status);
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations())
      fields.push_back(violation.field());
  }
  return fields;
}

}  // namespace cp::testing
