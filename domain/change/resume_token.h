#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cp::domain {

// FeedPosition is a place in the change feed: after `sequence`, reached at
// `time` (which decides whether it is still within the retention).
struct FeedPosition {
  int64_t sequence = 0;
  absl::Time time;
};

// EncodeResumeToken returns the opaque resume token of `position`.
std::string EncodeResumeToken(const FeedPosition& position);

// DecodeResumeToken reads a token EncodeResumeToken made; INVALID_ARGUMENT
// (a violation on `field`) for anything else.
absl::StatusOr<FeedPosition> DecodeResumeToken(absl::string_view token, absl::string_view field);

}  // namespace cp::domain
