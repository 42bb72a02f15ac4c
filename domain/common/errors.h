#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/common/error_reasons.h"
#include "google/rpc/error_details.pb.h"
#include "storage/retry_info.h"

namespace cp::domain {

// kErrorDomain is the google.rpc.ErrorInfo domain of every error the service
// returns.
inline constexpr absl::string_view kErrorDomain = "customerprofile.example.com";

// Type URLs under which error details ride in absl::Status payloads; the
// server turns each payload into a google.protobuf.Any of google.rpc.Status.
inline constexpr absl::string_view kErrorInfoTypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kRetryInfoTypeUrl = storage::kRetryInfoTypeUrl;

// MakeError returns a status with `code`, `message` (which must not contain
// personal data) and a google.rpc.ErrorInfo with kErrorDomain, `reason`
// (UPPER_SNAKE) and `metadata`.
absl::Status MakeError(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                       const std::map<std::string, std::string>& metadata = {});

// FieldViolations collects every invalid field of a request, so that one
// INVALID_ARGUMENT names them all.
class FieldViolations {
 public:
  // Add records that `field` (a path such as "profile.emails[1].address") is
  // invalid, with a description that must not echo the value. A field is
  // listed once: the first description recorded for it stays.
  void Add(std::string field, std::string description);

  // AddAll records every field violation of `status` (an INVALID_ARGUMENT
  // made by ToStatus or InvalidField) and keeps its ErrorInfo reason for
  // ToStatus() when it is more specific than INVALID_ARGUMENT and no earlier
  // AddAll gave one, so that a reason such as INVALID_FILTER survives being
  // collected. False, recording
  // nothing, when `status` carries no google.rpc.BadRequest.
  bool AddAll(const absl::Status& status);

  bool empty() const { return violations_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& violations() const { return violations_; }

  // ToStatus returns OK when empty, else INVALID_ARGUMENT with a
  // google.rpc.BadRequest listing every violation and an ErrorInfo with
  // `reason`.
  absl::Status ToStatus(absl::string_view reason) const;

  // ToStatus is ToStatus(reason) with the reason AddAll kept, or
  // INVALID_ARGUMENT when it kept none.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
  std::string reason_;
};

// InvalidField is shorthand for a one-violation INVALID_ARGUMENT.
absl::Status InvalidField(absl::string_view field, absl::string_view description,
                          absl::string_view reason = kInvalidArgument);

// GetErrorInfo returns the ErrorInfo payload of `status`, if any.
std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status);

// GetBadRequest returns the BadRequest payload of `status`, if any.
std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status);

// DefaultReason returns the reason used for a status that carries no
// ErrorInfo (for example one made by a storage backend), e.g. "UNAVAILABLE".
std::string DefaultReason(absl::StatusCode code);

}  // namespace cp::domain
