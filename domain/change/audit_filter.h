#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/change_repository.h"

namespace cp::domain {

// ParseAuditFilter parses a ListAuditEvents filter (ParseFilter's grammar):
// an AND of at most one each of `resource_type = NAME` and `kind = NAME`
// (ChangeResourceType / ChangeKind values, with or without their prefix),
// `app_id = "..."`, `actor = "..."`, `read = true|false`, and `time >=` /
// `time <` an RFC 3339 string. It sets those restrictions on `query`.
// Anything else is INVALID_ARGUMENT, reason INVALID_FILTER.
absl::Status ParseAuditFilter(absl::string_view text, storage::AuditQuery* query);

}  // namespace cp::domain
