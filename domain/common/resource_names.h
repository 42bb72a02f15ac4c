#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cp::domain {

// IsValidResourceId tells whether `id` is a valid AIP-122 id segment:
// 1-63 characters of [a-z0-9-], starting with a letter, not ending with '-'.
bool IsValidResourceId(absl::string_view id);

// ProfileName returns "profiles/{id}".
std::string ProfileName(absl::string_view id);

// ParseProfileName returns the {profile} id of "profiles/{profile}", or
// INVALID_ARGUMENT with a violation on `field`.
absl::StatusOr<std::string> ParseProfileName(absl::string_view name, absl::string_view field);

// MergeName returns "profiles/{survivor_id}/merges/{merge_id}".
std::string MergeName(absl::string_view survivor_id, absl::string_view merge_id);

// ParseMergeName returns the (survivor id, merge id) of
// "profiles/{profile}/merges/{merge}", or INVALID_ARGUMENT on `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseMergeName(absl::string_view name,
                                                                   absl::string_view field);

// InteractionName returns "profiles/{profile_id}/interactions/{interaction_id}".
std::string InteractionName(absl::string_view profile_id, absl::string_view interaction_id);

// ParseInteractionName returns the (profile id, interaction id) of
// "profiles/{profile}/interactions/{interaction}", or INVALID_ARGUMENT on
// `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseInteractionName(absl::string_view name,
                                                                         absl::string_view field);

// ComputeEtag returns the opaque etag of revision `revision` of resource `id`.
std::string ComputeEtag(absl::string_view id, int64_t revision);

}  // namespace cp::domain
