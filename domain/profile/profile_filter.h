#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_query.h"

namespace cp::domain {

// ParseProfileFilter parses an AIP-160 filter over the profile fields
// region_code, display_name, create_time, update_time (RFC 3339 strings),
// tags, external_ids.system and external_ids.id, with = != < <= > >= :,
// AND, OR, NOT, '-' (negation), parentheses and implicit AND by
// juxtaposition (the grammar of ParseFilter). Empty or blank text is
// nullopt (no filter). Errors are INVALID_ARGUMENT with reason
// INVALID_FILTER and a BadRequest violation on "filter" telling what and
// where (the character offset), never echoing values.
absl::StatusOr<std::optional<storage::FilterNode>> ParseProfileFilter(absl::string_view text);

// ProfileOrder is a parsed order_by.
struct ProfileOrder {
  storage::ProfileOrderField field = storage::ProfileOrderField::kCreateTime;
  bool descending = false;
};

// ParseProfileOrderBy parses "", "create_time", "update_time desc",
// "display_name asc", ...; anything else is INVALID_ARGUMENT with reason
// INVALID_ORDER_BY and a violation on "order_by".
absl::StatusOr<ProfileOrder> ParseProfileOrderBy(absl::string_view text);

}  // namespace cp::domain
