#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cp::server::auth {

// The scopes an app may be granted (see docs/security.md).
inline constexpr absl::string_view kProfilesRead = "profiles.read";
inline constexpr absl::string_view kProfilesWrite = "profiles.write";
inline constexpr absl::string_view kProfilesDelete = "profiles.delete";
// MergeProfiles and UnmergeProfile.
inline constexpr absl::string_view kProfilesMerge = "profiles.merge";
// The InteractionService: reading, recording, deleting.
inline constexpr absl::string_view kInteractionsRead = "interactions.read";
inline constexpr absl::string_view kInteractionsWrite = "interactions.write";
inline constexpr absl::string_view kInteractionsAdmin = "interactions.admin";
inline constexpr absl::string_view kPiiRead = "pii.read";
inline constexpr absl::string_view kConsentsRead = "consents.read";
inline constexpr absl::string_view kConsentsWrite = "consents.write";
inline constexpr absl::string_view kPurposesAdmin = "purposes.admin";
inline constexpr absl::string_view kSuppressionsAdmin = "suppressions.admin";
inline constexpr absl::string_view kChangesRead = "changes.read";
inline constexpr absl::string_view kAuditRead = "audit.read";

// KnownScopes returns every scope above, in the order of the docs.
const std::vector<std::string>& KnownScopes();

// MethodPolicy says who may call one RPC.
struct MethodPolicy {
  // The scope an app needs.
  std::string scope;
  // Whether a self-service customer may call it (on their own profile only).
  bool self_service = false;
};

// MethodPolicies returns the policy of every RPC of the API, keyed by full
// method name ("/customerprofile.v1.ProfileService/GetProfile"). A method
// without an entry cannot be called by anyone (deny by default); a test
// checks that every method of the generated descriptors has one.
const std::map<std::string, MethodPolicy, std::less<>>& MethodPolicies();

// FindMethodPolicy returns the policy of `full_method`, or nullptr when it
// has none.
const MethodPolicy* FindMethodPolicy(absl::string_view full_method);

}  // namespace cp::server::auth
