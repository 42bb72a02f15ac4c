#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/interaction_enums.pb.h"
#include "domain/common/call_context.h"

namespace cp::server::auth {

// CheckInteractionKind says whether the caller may record an interaction of
// `kind`: an app whose config lists interaction_kinds only those (billing:
// PAYMENT and INVOICE, say); a customer with a self-service token only
// SURVEY_RESPONSE and COMPLAINT (on their own profile, which
// CheckOwnProfile checks). PERMISSION_DENIED, reason
// INTERACTION_KIND_NOT_ALLOWED, naming `field`, otherwise.
absl::Status CheckInteractionKind(const domain::CallContext& context,
                                  customerprofile::v1::InteractionKind kind,
                                  absl::string_view field);

}  // namespace cp::server::auth
