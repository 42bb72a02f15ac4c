#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cp::domain {

// PurposeName returns "purposes/{id}".
std::string PurposeName(absl::string_view id);

// ParsePurposeName returns the {purpose} id of "purposes/{purpose}", or
// INVALID_ARGUMENT with a violation on `field`.
absl::StatusOr<std::string> ParsePurposeName(absl::string_view name, absl::string_view field);

// NoticeVersionName returns "purposes/{id}/noticeVersions/{version}".
std::string NoticeVersionName(absl::string_view purpose_id, int64_t version);

// ParseNoticeVersionName returns ({purpose}, {version}) of
// "purposes/{purpose}/noticeVersions/{version}" (version >= 1), or
// INVALID_ARGUMENT on `field`.
absl::StatusOr<std::pair<std::string, int64_t>> ParseNoticeVersionName(absl::string_view name,
                                                                       absl::string_view field);

// SuppressionListName returns "suppressionLists/{id}".
std::string SuppressionListName(absl::string_view id);

// ParseSuppressionListName returns the {list} id of
// "suppressionLists/{list}", or INVALID_ARGUMENT with a violation on
// `field`.
absl::StatusOr<std::string> ParseSuppressionListName(absl::string_view name,
                                                     absl::string_view field);

// ConsentEventName returns "profiles/{profile}/consentEvents/{event}".
std::string ConsentEventName(absl::string_view profile_id, absl::string_view event_id);

}  // namespace cp::domain
