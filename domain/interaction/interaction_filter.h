#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_query.h"

namespace cp::domain {

// ParseInteractionFilter parses an AIP-160 ListInteractions filter over
// channel, direction and kind (enum value names such as
// INTERACTION_KIND_ORDER, bare or quoted; = and != only), occur_time (a
// quoted RFC 3339 time; = != < <= > >=), source_system and campaign
// (strings; = != : and a trailing '*' wildcard). Empty text is nullopt.
// Errors are INVALID_ARGUMENT, reason INVALID_FILTER, on "filter".
absl::StatusOr<std::optional<storage::FilterNode>> ParseInteractionFilter(absl::string_view text);

}  // namespace cp::domain
