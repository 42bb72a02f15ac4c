#include "server/auth/interaction_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/common/errors.h"

namespace cp::server::auth {

namespace v1 = ::customerprofile::v1;

absl::Status CheckInteractionKind(const domain::CallContext& context, v1::InteractionKind kind,
                                  absl::string_view field) {
  bool allowed = true;
  if (context.IsSelfService()) {
    allowed =
        kind == v1::INTERACTION_KIND_SURVEY_RESPONSE || kind == v1::INTERACTION_KIND_COMPLAINT;
  } else if (!context.interaction_kinds.empty()) {
    allowed = std::find(context.interaction_kinds.begin(), context.interaction_kinds.end(),
                        static_cast<int>(kind)) != context.interaction_kinds.end();
  }
  if (allowed) return absl::OkStatus();
  return domain::MakeError(
      absl::StatusCode::kPermissionDenied, "INTERACTION_KIND_NOT_ALLOWED",
      absl::StrCat("the caller may not record this kind of interaction (", field, ")"),
      {{"field", std::string(field)}});
}

}  // namespace cp::server::auth
