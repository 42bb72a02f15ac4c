#pragma once

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace cp::domain {

// ParseRfc3339Micros parses an RFC 3339 date-time such as
// "2026-01-01T00:00:00Z", "2026-01-01t01:30:00.25+01:30" or
// "2025-12-31T19:00:00-05:00" into microseconds since the Unix epoch.
// Requires every field (date, time, and Z or a numeric offset), checks the
// calendar (no 2025-02-29, no leap second 60) and accepts up to nine
// fractional digits as long as nothing below a microsecond is set, since
// times are stored with microsecond precision. nullopt when invalid.
std::optional<int64_t> ParseRfc3339Micros(absl::string_view text);

}  // namespace cp::domain
