#include "client/error_details.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cp::client {
namespace {

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

// GetDetail returns the payload of `status` that holds a T, if any.
template <class T>
std::optional<T> GetDetail(const absl::Status& status) {
  auto payload = status.GetPayload(absl::StrCat(kTypeUrlPrefix, T::descriptor()->full_name()));
  if (!payload) return std::nullopt;
  T detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& detail : details.details()) {
      result.SetPayload(detail.type_url(), absl::Cord(detail.value()));
    }
  }
  return result;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status result;
  result.set_code(static_cast<int>(status.code()));
  result.set_message(std::string(status.message()));
  status.ForEachPayload([&result](absl::string_view type_url, const absl::Cord& value) {
    google::protobuf::Any* detail = result.add_details();
    detail->set_type_url(std::string(type_url));
    detail->set_value(std::string(value));
  });
  return result;
}

std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status) {
  return GetDetail<google::rpc::ErrorInfo>(status);
}

std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status) {
  return GetDetail<google::rpc::BadRequest>(status);
}

std::optional<google::rpc::RetryInfo> GetRetryInfo(const absl::Status& status) {
  return GetDetail<google::rpc::RetryInfo>(status);
}

std::string DescribeError(const absl::Status& status) {
  std::string text =
      absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message(), "\n");
  if (std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status)) {
    absl::StrAppend(&text, "  reason: ", info->reason(), "\n");
  }
  if (std::optional<google::rpc::BadRequest> bad = GetBadRequest(status)) {
    for (const google::rpc::BadRequest::FieldViolation& violation : bad->field_violations()) {
      absl::StrAppend(&text, "  ", violation.field(), ": ", violation.description(), "\n");
    }
  }
  return text;
}

}  // namespace cp::client
