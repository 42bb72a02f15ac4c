#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "domain/common/call_context.h"

namespace cp::server::auth {

// CheckQueryFields refuses (PERMISSION_DENIED, reason PII_FIELD_NOT_ALLOWED)
// a filter or order_by naming a Profile field marked as personal data (see
// pii_redaction.h), or a field nested in one, when `context` lacks pii.read.
// Unparsable text is left to the domain's validation.
absl::Status CheckQueryFields(const domain::CallContext& context, absl::string_view filter,
                              absl::string_view order_by);

// CheckOwnProfile refuses (PERMISSION_DENIED, reason NOT_OWN_PROFILE) a
// self-service caller naming any resource outside "profiles/<own id>";
// other callers pass. Checked before the resource is looked up, so the
// answer says nothing about whether it exists.
absl::Status CheckOwnProfile(const domain::CallContext& context, absl::string_view name);

// CheckSelfServiceUpdate refuses (PERMISSION_DENIED, reason
// FIELD_NOT_WRITABLE) a self-service update touching any field outside
// given_name, family_name, display_name, emails, phones, addresses and
// language_code, by its update_mask or (without one) its populated fields.
absl::Status CheckSelfServiceUpdate(const domain::CallContext& context,
                                    const customerprofile::v1::UpdateProfileRequest& request);

// CheckBatchSize refuses (INVALID_ARGUMENT) a batch of `size` items above
// the caller's max_batch_size.
absl::Status CheckBatchSize(const domain::CallContext& context, absl::string_view field, int size);

}  // namespace cp::server::auth
