#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/consent.pb.h"

namespace cp::domain {

// ConsentEventFilter is a parsed ListConsentEvents filter.
struct ConsentEventFilter {
  // Only events of this {purpose} id, when not empty.
  std::string purpose_id;
  // Only events on this channel, when not CHANNEL_UNSPECIFIED.
  customerprofile::v1::Channel channel = customerprofile::v1::CHANNEL_UNSPECIFIED;
};

// ParseConsentEventFilter parses an AIP-160 filter (ParseFilter's grammar)
// that is an AND of at most one `purpose = "purposes/{purpose}"` and at
// most one `channel = NAME` (a Channel value, with or without its CHANNEL_
// prefix). Empty or blank text filters nothing. Anything else is
// INVALID_ARGUMENT with reason INVALID_FILTER and a violation on "filter".
absl::StatusOr<ConsentEventFilter> ParseConsentEventFilter(absl::string_view text);

}  // namespace cp::domain
