#include "server/status_conversion.h"

#include <string>

#include "absl/strings/cord.h"
#include "domain/common/errors.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/status.pb.h"

namespace cp::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  bool has_error_info = false;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    google::protobuf::Any* any = rpc_status.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
    has_error_info = has_error_info || type_url == domain::kErrorInfoTypeUrl;
  });
  if (!has_error_info) {
    google::rpc::ErrorInfo info;
    info.set_domain(std::string(domain::kErrorDomain));
    info.set_reason(domain::DefaultReason(status.code()));
    rpc_status.add_details()->PackFrom(info);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rpc_status;
  if (status.error_details().empty() || !rpc_status.ParseFromString(status.error_details())) {
    return result;
  }
  for (const google::protobuf::Any& any : rpc_status.details()) {
    result.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return result;
}

}  // namespace cp::server
