#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"
#include "domain/common/clock.h"
#include "domain/common/errors.h"
#include "google/protobuf/field_mask.pb.h"

namespace cp::domain {

// ValidationLimits bounds what one profile may hold.
struct ValidationLimits {
  int max_emails = 10;
  int max_phones = 10;
  int max_addresses = 10;
  int max_address_lines = 5;
  int max_external_ids = 20;
  int max_tags = 50;
  int max_attributes = 100;
  // In Unicode code points.
  int max_name_length = 200;
  int max_string_length = 1024;
  // The serialized size of a request the domain accepts; larger requests
  // are INVALID_ARGUMENT (gRPC's own transport limit is set higher).
  size_t max_request_bytes = 256 * 1024;
};

// ValidationOptions configures profile validation.
struct ValidationOptions {
  // ISO 3166-1 alpha-2 region used to parse phone numbers in national form.
  std::string default_phone_region = "NO";
  ValidationLimits limits;
};

// ProfileValidator checks and normalises the writable fields of profiles.
// Thread-safe.
class ProfileValidator {
 public:
  ProfileValidator(const Clock* clock, ValidationOptions options);

  // Normalize validates every writable field of `profile` and normalises it
  // in place: emails trimmed with the domain lowercased, phones in E.164,
  // region and language codes in canonical case, duplicate tags dropped.
  // Every violation is added to `violations` with its path under `prefix`
  // (e.g. "profile.emails[1].address"); descriptions never echo values.
  // Output-only fields (name, etag, times) are neither checked nor changed.
  void Normalize(absl::string_view prefix, customerprofile::v1::Profile* profile,
                 FieldViolations* violations) const;

  // ValidateUpdateMask adds a violation on "update_mask.paths[i]" for every path that
  // is not a writable Profile field ("attributes.<key>" is allowed).
  // Output-only paths are accepted and ignored.
  void ValidateUpdateMask(const google::protobuf::FieldMask& mask,
                          FieldViolations* violations) const;

  // CheckRequestSize adds a violation on `field` when `bytes` is above
  // limits.max_request_bytes.
  void CheckRequestSize(absl::string_view field, size_t bytes, FieldViolations* violations) const;

  // NormalizeEmail trims `address` and lowercases its domain; false when it
  // is not a valid address.
  static bool NormalizeEmail(std::string* address);

  // NormalizePhone turns `number` (E.164 or national in `region`) into
  // E.164; false when libphonenumber cannot parse it as a valid number.
  static bool NormalizePhone(absl::string_view region, std::string* number);

  const ValidationOptions& options() const { return options_; }

 private:
  const Clock* clock_;
  ValidationOptions options_;
};

}  // namespace cp::domain
