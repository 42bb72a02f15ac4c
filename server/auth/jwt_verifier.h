#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/auth_config.h"

namespace cp::server::auth {

// JwtVerifier checks customers' self-service tokens (libjwt): the header's
// alg must be the configured one (so `none` and HS256-signed-with-the-
// public-key confusion are refused before any key is used), then the
// signature, `exp` (required), `nbf`, `aud` and, when configured, `iss`.
class JwtVerifier {
 public:
  explicit JwtVerifier(SelfServiceConfig config) : config_(std::move(config)) {}

  // Verify returns the token's `sub` (the profile id) when `token` is valid
  // at `now`; otherwise UNAUTHENTICATED with a reason such as
  // TOKEN_EXPIRED. Messages never repeat the token.
  absl::StatusOr<std::string> Verify(absl::string_view token, absl::Time now) const;

 private:
  const SelfServiceConfig config_;
};

// LooksLikeJwt tells whether `credential` has the three dot-separated parts
// of a JWS compact token (API keys have none).
bool LooksLikeJwt(absl::string_view credential);

}  // namespace cp::server::auth
