#include "server/auth/jwt_verifier.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"

namespace cp::server::auth {
namespace {

absl::Status Reject(absl::string_view reason, absl::string_view message) {
  return domain::MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};

// HeaderAlg returns the "alg" of the token's header, or "" when the header
// is not a JSON object with a string alg.
std::string HeaderAlg(absl::string_view header_b64) {
  std::string header;
  if (!absl::WebSafeBase64Unescape(header_b64, &header)) return "";
  nlohmann::json json = nlohmann::json::parse(header, nullptr, false);
  if (!json.is_object() || !json.contains("alg") || !json["alg"].is_string()) return "";
  return json["alg"].get<std::string>();
}

bool AudienceMatches(jwt_t* jwt, const std::string& audience) {
  std::unique_ptr<char, FreeDeleter> aud(jwt_get_grants_json(jwt, "aud"));
  if (aud == nullptr) return false;
  nlohmann::json json = nlohmann::json::parse(aud.get(), nullptr, false);
  if (json.is_string()) return json.get<std::string>() == audience;
  if (!json.is_array()) return false;
  for (const nlohmann::json& item : json) {
    if (item.is_string() && item.get<std::string>() == audience) return true;
  }
  return false;
}

}  // namespace

bool LooksLikeJwt(absl::string_view credential) {
  std::vector<absl::string_view> parts = absl::StrSplit(credential, '.');
  return parts.size() == 3 && !parts[0].empty();
}

absl::StatusOr<std::string> JwtVerifier::Verify(absl::string_view token, absl::Time now) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Reject(domain::kTokenMalformed, "the bearer token is not a signed JWT");
  }
  std::string alg = HeaderAlg(parts[0]);
  if (alg != config_.algorithm) {
    return Reject(domain::kTokenAlgorithmRejected,
                  "the token's algorithm is not the one this server accepts");
  }
  if (parts[2].empty()) return Reject(domain::kTokenSignatureInvalid, "the token is not signed");
  jwt_t* raw = nullptr;
  std::string text(token);
  int rc =
      jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(config_.key.data()),
                 static_cast<int>(config_.key.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || jwt == nullptr) {
    return Reject(domain::kTokenSignatureInvalid, "the token's signature does not verify");
  }
  if (jwt_str_alg(config_.algorithm.c_str()) != jwt_get_alg(jwt.get())) {
    return Reject(domain::kTokenAlgorithmRejected,
                  "the token's algorithm is not the one this server accepts");
  }
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || exp <= 0) return Reject(domain::kTokenMalformed, "the token has no exp claim");
  int64_t now_seconds = absl::ToUnixSeconds(now);
  if (now_seconds >= exp) return Reject("TOKEN_EXPIRED", "the token has expired");
  errno = 0;
  long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0 && nbf > now_seconds) {
    return Reject("TOKEN_NOT_YET_VALID", "the token is not valid yet");
  }
  if (!AudienceMatches(jwt.get(), config_.audience)) {
    return Reject("TOKEN_AUDIENCE_MISMATCH", "the token is meant for another audience");
  }
  if (!config_.issuer.empty()) {
    const char* iss = jwt_get_grant(jwt.get(), "iss");
    if (iss == nullptr || config_.issuer != iss) {
      return Reject("TOKEN_ISSUER_MISMATCH", "the token comes from an unexpected issuer");
    }
  }
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  if (sub == nullptr || *sub == '\0') {
    return Reject(domain::kTokenMalformed, "the token has no sub claim");
  }
  return std::string(sub);
}

}  // namespace cp::server::auth
