#pragma once

#include "absl/strings/string_view.h"

namespace cp::domain {

// The lexical forms of the keys and labels a profile holds.

// IsTag returns whether `tag` is a lowercase slug of at most 64 characters:
// ^[a-z0-9]+(-[a-z0-9]+)*$, e.g. "vip" or "newsletter-2026".
bool IsTag(absl::string_view tag);

// IsExternalSystem returns whether `system` names an external system:
// ^[a-z][a-z0-9_-]{0,31}$, e.g. "billing".
bool IsExternalSystem(absl::string_view system);

// IsAttributeKey returns whether `key` is an attribute key:
// ^[a-z][a-z0-9_]{0,63}$, e.g. "loyalty_tier".
bool IsAttributeKey(absl::string_view key);

}  // namespace cp::domain
