#include "domain/common/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace cp::domain {

absl::Status MakeError(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                       const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_domain(std::string(kErrorDomain));
  info.set_reason(std::string(reason));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

void FieldViolations::Add(std::string field, std::string description) {
  for (const auto& [listed, unused] : violations_) {
    if (listed == field) return;
  }
  violations_.emplace_back(std::move(field), std::move(description));
}

bool FieldViolations::AddAll(const absl::Status& status) {
  std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(status);
  if (!bad_request.has_value()) return false;
  for (const auto& violation : bad_request->field_violations()) {
    Add(violation.field(), violation.description());
  }
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status);
  if (reason_.empty() && info.has_value() && info->reason() != kInvalidArgument) {
    reason_ = info->reason();
  }
  return true;
}

absl::Status FieldViolations::ToStatus() const {
  return ToStatus(reason_.empty() ? kInvalidArgument : absl::string_view(reason_));
}

absl::Status FieldViolations::ToStatus(absl::string_view reason) const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message =
      violations_.size() == 1
          ? absl::StrCat("invalid ", violations_[0].first, ": ", violations_[0].second)
          : absl::StrCat(violations_.size(), " invalid fields, first ", violations_[0].first, ": ",
                         violations_[0].second);
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, reason, message);
  google::rpc::BadRequest bad_request;
  // Error details travel in a trailer that proxies and gRPC limit to a few
  // KiB, so a request with hundreds of bad entries reports the first ones.
  constexpr size_t kMaxReported = 50;
  for (size_t i = 0; i < violations_.size() && i < kMaxReported; ++i) {
    const auto& [field, description] = violations_[i];
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
  }
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description,
                          absl::string_view reason) {
  FieldViolations violations;
  violations.Add(std::string(field), std::string(description));
  return violations.ToStatus(reason);
}

std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  if (!payload) return std::nullopt;
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}

std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return std::nullopt;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return std::nullopt;
  return bad_request;
}

std::string DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kInvalidArgument:
      return std::string(kInvalidArgument);
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kAborted:
      return "CONCURRENT_MODIFICATION";
    case absl::StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    default:
      return "INTERNAL";
  }
}

}  // namespace cp::domain
