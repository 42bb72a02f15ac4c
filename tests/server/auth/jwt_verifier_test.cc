#include "server/auth/jwt_verifier.h"

#include <jwt.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/common/errors.h"
#include "gtest/gtest.h"
#include "tests/support/status_reason.h"
#include "tests/support/temp_dir.h"

namespace cp::server::auth {
namespace {

using ::cp::testing::TempDir;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr char kAudience[] = "customerprofile";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// KeyPair is a PEM private key and its public key, made by openssl.
struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

// MakeKeyPair runs openssl to make an RSA ("rsa") or P-256 ("ec") key pair.
std::optional<KeyPair> MakeKeyPair(const TempDir& dir, const std::string& name,
                                   const std::string& type) {
  std::string key = dir.File(name + ".key");
  std::string pub = dir.File(name + ".pub");
  std::string generate =
      type == "rsa"
          ? absl::StrCat("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ", key)
          : absl::StrCat("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ",
                         key);
  std::string command = absl::StrCat(generate, " 2>/dev/null && openssl pkey -in ", key,
                                     " -pubout -out ", pub, " 2>/dev/null");
  if (std::system(command.c_str()) != 0) return std::nullopt;
  return KeyPair{ReadAll(key), ReadAll(pub)};
}

// Claims are the grants of a test token.
struct Claims {
  std::string sub = "kari";
  std::string aud = kAudience;
  std::string iss;
  std::optional<int64_t> exp = absl::ToUnixSeconds(kNow + absl::Minutes(5));
  std::optional<int64_t> nbf;
};

// Sign returns a compact JWT over `claims`, signed with `alg` and `key`.
std::string Sign(jwt_alg_t alg, const std::string& key, const Claims& claims = {}) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  if (!claims.sub.empty()) jwt_add_grant(jwt, "sub", claims.sub.c_str());
  jwt_add_grant(jwt, "aud", claims.aud.c_str());
  if (!claims.iss.empty()) jwt_add_grant(jwt, "iss", claims.iss.c_str());
  if (claims.exp.has_value()) jwt_add_grant_int(jwt, "exp", *claims.exp);
  if (claims.nbf.has_value()) jwt_add_grant_int(jwt, "nbf", *claims.nbf);
  if (alg == JWT_ALG_NONE) {
    jwt_set_alg(jwt, JWT_ALG_NONE, nullptr, 0);
  } else {
    jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
                static_cast<int>(key.size()));
  }
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

std::string Reason(const absl::StatusOr<std::string>& result) {
  if (result.ok()) return "OK";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  return ::cp::testing::ReasonOf(result.status());
}

JwtVerifier Verifier(const std::string& algorithm, const std::string& key,
                     const std::string& issuer = "") {
  SelfServiceConfig config;
  config.algorithm = algorithm;
  config.key = key;
  config.audience = kAudience;
  config.issuer = issuer;
  return JwtVerifier(config);
}

class AsymmetricJwtTest : public ::testing::TestWithParam<const char*> {
 protected:
  bool rsa() const { return std::string(GetParam()) == "RS256"; }
  jwt_alg_t alg() const { return rsa() ? JWT_ALG_RS256 : JWT_ALG_ES256; }
  std::optional<KeyPair> Pair(const std::string& name) {
    return MakeKeyPair(dir_, name, rsa() ? "rsa" : "ec");
  }
  TempDir dir_;
};

// Verifies RS256 / ES256 tokens checked with the configured public key:
// a good token yields its sub; another key's signature, a tampered payload,
// an HS256 token keyed with the public key (algorithm confusion), alg none,
// expiry, nbf, audience, issuer and a missing sub or exp are refused.
TEST_P(AsymmetricJwtTest, VerifiesWithThePublicKey) {
  std::optional<KeyPair> keys = Pair("idp");
  std::optional<KeyPair> rogue = Pair("rogue");
  ASSERT_TRUE(keys.has_value() && rogue.has_value()) << "openssl failed";
  JwtVerifier verifier = Verifier(GetParam(), keys->public_pem, "https://id.example.com");
  Claims claims;
  claims.iss = "https://id.example.com";

  absl::StatusOr<std::string> good = verifier.Verify(Sign(alg(), keys->private_pem, claims), kNow);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(*good, "kari");

  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), rogue->private_pem, claims), kNow)),
            "TOKEN_SIGNATURE_INVALID");
  std::string token = Sign(alg(), keys->private_pem, claims);
  Claims other = claims;
  other.sub = "ola";
  std::string forged_payload = Sign(alg(), rogue->private_pem, other);
  size_t p1 = token.find('.');
  size_t p2 = token.find('.', p1 + 1);
  size_t q1 = forged_payload.find('.');
  size_t q2 = forged_payload.find('.', q1 + 1);
  std::string tampered = absl::StrCat(token.substr(0, p1 + 1),
                                      forged_payload.substr(q1 + 1, q2 - q1 - 1), token.substr(p2));
  EXPECT_EQ(Reason(verifier.Verify(tampered, kNow)), "TOKEN_SIGNATURE_INVALID");
  EXPECT_EQ(Reason(verifier.Verify(Sign(JWT_ALG_HS256, keys->public_pem, claims), kNow)),
            "TOKEN_ALGORITHM_REJECTED");
  EXPECT_EQ(Reason(verifier.Verify(Sign(JWT_ALG_NONE, "", claims), kNow)),
            "TOKEN_ALGORITHM_REJECTED");
  EXPECT_EQ(Reason(verifier.Verify(token, kNow + absl::Minutes(6))), "TOKEN_EXPIRED");

  Claims early = claims;
  early.nbf = absl::ToUnixSeconds(kNow + absl::Minutes(1));
  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), keys->private_pem, early), kNow)),
            "TOKEN_NOT_YET_VALID");
  Claims audience = claims;
  audience.aud = "billing";
  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), keys->private_pem, audience), kNow)),
            "TOKEN_AUDIENCE_MISMATCH");
  Claims issuer = claims;
  issuer.iss = "https://evil.example.com";
  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), keys->private_pem, issuer), kNow)),
            "TOKEN_ISSUER_MISMATCH");
  Claims no_exp = claims;
  no_exp.exp.reset();
  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), keys->private_pem, no_exp), kNow)),
            "TOKEN_MALFORMED");
  Claims no_sub = claims;
  no_sub.sub.clear();
  EXPECT_EQ(Reason(verifier.Verify(Sign(alg(), keys->private_pem, no_sub), kNow)),
            "TOKEN_MALFORMED");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, AsymmetricJwtTest, ::testing::Values("RS256", "ES256"));

// Verifies that an RS256 verifier refuses an ES256 token and vice versa.
TEST(JwtVerifierTest, OtherAsymmetricAlgorithmIsRefused) {
  TempDir dir;
  std::optional<KeyPair> ec = MakeKeyPair(dir, "ec", "ec");
  std::optional<KeyPair> rsa = MakeKeyPair(dir, "rsa", "rsa");
  ASSERT_TRUE(ec.has_value() && rsa.has_value());
  EXPECT_EQ(
      Reason(Verifier("RS256", rsa->public_pem).Verify(Sign(JWT_ALG_ES256, ec->private_pem), kNow)),
      "TOKEN_ALGORITHM_REJECTED");
  EXPECT_EQ(
      Reason(Verifier("ES256", ec->public_pem).Verify(Sign(JWT_ALG_RS256, rsa->private_pem), kNow)),
      "TOKEN_ALGORITHM_REJECTED");
}

// Verifies HS256 with the shared secret, and that garbage is malformed.
TEST(JwtVerifierTest, Hs256AndGarbage) {
  const std::string secret = "0123456789abcdef0123456789abcdef-jwt-secret";
  JwtVerifier verifier = Verifier("HS256", secret);
  absl::StatusOr<std::string> good = verifier.Verify(Sign(JWT_ALG_HS256, secret), kNow);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(*good, "kari");
  EXPECT_EQ(Reason(verifier.Verify("a.b", kNow)), "TOKEN_MALFORMED");
  EXPECT_EQ(Reason(verifier.Verify("!!.??.##", kNow)), "TOKEN_ALGORITHM_REJECTED");
  EXPECT_TRUE(LooksLikeJwt("x.y.z"));
  EXPECT_FALSE(LooksLikeJwt("cpk_abcdef"));
}

}  // namespace
}  // namespace cp::server::auth
