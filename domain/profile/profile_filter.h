#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_query.h"

namespace cp::domain {

// ParseProfileFilter parses an AIP-160 filter over the profile fields
// region_code, display_name, create_time, update_time (RFC 3339 strings),
// tags, external_ids.system, external_ids.id, emails.address,
// phones.number, insights.value_tier and insights.last_interaction_time
// (a profile without interactions has none: only != matches it), with = != < <= > >= :,
// AND, OR, NOT, '-' (negation), parentheses and implicit AND by
// juxtaposition (the grammar of ParseFilter). Empty or blank text is
// nullopt (no filter). Errors are INVALID_ARGUMENT with reason
// INVALID_FILTER and a BadRequest violation on "filter" telling what and
// where (the character offset), never echoing values.
//
// emails.address and phones.number are normalised as LookupProfiles
// normalises its identifier before they are compared: an address trimmed and
// matched ASCII case-insensitively, a number read in E.164 or in the national
// format of `phone_region` (a wildcard value is compared as written, after
// lowercasing an address).
absl::StatusOr<std::optional<storage::FilterNode>> ParseProfileFilter(
    absl::string_view text, absl::string_view phone_region = "");

// ProfileOrder is a parsed order_by.
struct ProfileOrder {
  storage::ProfileOrderField field = storage::ProfileOrderField::kCreateTime;
  bool descending = false;
};

// ParseProfileOrderBy parses "", "create_time", "update_time desc",
// "display_name asc", "insights.last_interaction_time desc", ...; anything else is INVALID_ARGUMENT
// with reason INVALID_ORDER_BY and a violation on "order_by".
absl::StatusOr<ProfileOrder> ParseProfileOrderBy(absl::string_view text);

}  // namespace cp::domain
