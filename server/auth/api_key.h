#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace cp::server::auth {

// HashApiKey returns "sha256:<hex>" of `key`, the form the auth config
// stores.
std::string HashApiKey(absl::string_view key);

// KeyHashMatches compares `hash` (of a presented key) with `stored` in time
// that does not depend on where they differ.
bool KeyHashMatches(absl::string_view hash, absl::string_view stored);

// GenerateApiKey returns a new random API key (32 random bytes, URL-safe
// base64, prefixed "cpk_").
std::string GenerateApiKey();

}  // namespace cp::server::auth
