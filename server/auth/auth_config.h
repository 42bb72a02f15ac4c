#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cp::server::auth {

// RateLimit is a token bucket: `requests_per_second` tokens flow in, at
// most `burst` are kept.
struct RateLimit {
  double requests_per_second = 0;
  double burst = 0;
};

// CallerLimits bound what one caller may ask for; 0 / nullopt = only the
// server-wide limits apply.
struct CallerLimits {
  std::optional<RateLimit> rate_limit;
  int max_page_size = 0;
  int max_batch_size = 0;
  absl::Duration max_deadline = absl::ZeroDuration();
  // The largest request message, serialized, in bytes; the server-wide
  // --max-message-bytes stays the ceiling.
  int64_t max_message_bytes = 0;
};

// AppConfig is one client app.
struct AppConfig {
  std::string id;
  // "sha256:<64 lower-case hex digits>" of each valid API key.
  std::vector<std::string> key_hashes;
  std::set<std::string, std::less<>> scopes;
  CallerLimits limits;
  // The InteractionKind numbers the app may record; empty: every kind.
  std::vector<int> interaction_kinds;
};

// SelfServiceConfig says how customers' tokens are verified.
struct SelfServiceConfig {
  // HS256, RS256 or ES256: the only algorithm accepted.
  std::string algorithm;
  // The HS256 secret, or the PEM public key of RS256/ES256.
  std::string key;
  std::string audience;
  // Empty = any issuer.
  std::string issuer;
  CallerLimits limits;
};

// AuthConfig is the parsed --auth-config file.
struct AuthConfig {
  std::vector<AppConfig> apps;
  // A client certificate's subject (SAN or CN) -> app id.
  std::map<std::string, std::string, std::less<>> client_certificates;
  std::optional<SelfServiceConfig> self_service;
  // Whether server reflection may be called (without credential); follows
  // the file across reloads.
  bool reflection = true;
};

// ParseAuthConfig parses the YAML (or JSON, a subset of YAML) text of an
// auth config. Relative key file paths are read from `base_dir`.
// INVALID_ARGUMENT with a message naming the bad entry (never a secret).
absl::StatusOr<AuthConfig> ParseAuthConfig(absl::string_view text, absl::string_view base_dir);

// LoadAuthConfig reads and parses the auth config file at `path`.
absl::StatusOr<AuthConfig> LoadAuthConfig(const std::string& path);

}  // namespace cp::server::auth
