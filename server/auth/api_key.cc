#include "server/auth/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace cp::server::auth {

std::string HashApiKey(absl::string_view key) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest.data());
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest.data()), digest.size())));
}

bool KeyHashMatches(absl::string_view hash, absl::string_view stored) {
  if (hash.size() != stored.size()) return false;
  return CRYPTO_memcmp(hash.data(), stored.data(), hash.size()) == 0;
}

std::string GenerateApiKey() {
  std::array<unsigned char, 32> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes for an API key");
  }
  return absl::StrCat("cpk_", absl::WebSafeBase64Escape(absl::string_view(
                                  reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

}  // namespace cp::server::auth
