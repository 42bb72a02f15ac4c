#include "server/auth/auth_config.h"

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "customerprofile/v1/interaction_enums.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/api_key.h"
#include "tests/support/temp_dir.h"

namespace cp::server::auth {
namespace {

using ::cp::testing::TempDir;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-config-secret";

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Verifies that a full YAML config is parsed: apps with key hashes, scopes
// and limits, client certificate subjects, and an HS256 self-service
// section whose secret file is read relative to the config's directory.
TEST(AuthConfigTest, ParsesYaml) {
  TempDir dir;
  WriteFile(dir.File("secret.txt"), absl::StrCat(kSecret, "\n"));
  std::string hash = HashApiKey("shop-key");
  std::string yaml = absl::StrCat(R"(
reflection: false
apps:
  - id: shop
    api_keys: [")",
                                  hash, R"("]
    scopes: [profiles.read, pii.read]
    rate_limit: {requests_per_second: 5, burst: 10}
    max_page_size: 50
    max_batch_size: 20
    max_deadline: 3s
    max_message_bytes: 65536
  - id: billing
    scopes: [profiles.read, interactions.write]
    interaction_kinds: [PAYMENT, INTERACTION_KIND_INVOICE]
client_certificates:
  - subject: billing.test
    app: billing
self_service:
  algorithm: HS256
  secret_file: secret.txt
  audience: customerprofile
  issuer: https://id.example.com
  rate_limit: {requests_per_second: 1}
)");
  WriteFile(dir.File("auth.yaml"), yaml);
  absl::StatusOr<AuthConfig> config = LoadAuthConfig(dir.File("auth.yaml"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->reflection);
  ASSERT_EQ(config->apps.size(), 2u);
  const AppConfig& shop = config->apps[0];
  EXPECT_EQ(shop.id, "shop");
  ASSERT_EQ(shop.key_hashes.size(), 1u);
  EXPECT_EQ(shop.key_hashes[0], hash);
  EXPECT_EQ(shop.scopes.size(), 2u);
  EXPECT_EQ(shop.scopes.count("pii.read"), 1u);
  ASSERT_TRUE(shop.limits.rate_limit.has_value());
  EXPECT_EQ(shop.limits.rate_limit->requests_per_second, 5);
  EXPECT_EQ(shop.limits.rate_limit->burst, 10);
  EXPECT_EQ(shop.limits.max_page_size, 50);
  EXPECT_EQ(shop.limits.max_batch_size, 20);
  EXPECT_EQ(shop.limits.max_deadline, absl::Seconds(3));
  EXPECT_EQ(shop.limits.max_message_bytes, 65536);
  EXPECT_EQ(config->apps[1].limits.max_message_bytes, 0);
  EXPECT_TRUE(config->apps[1].key_hashes.empty());
  EXPECT_FALSE(config->apps[1].limits.rate_limit.has_value());
  EXPECT_THAT(config->apps[1].interaction_kinds,
              ::testing::ElementsAre(customerprofile::v1::INTERACTION_KIND_PAYMENT,
                                     customerprofile::v1::INTERACTION_KIND_INVOICE));
  EXPECT_TRUE(shop.interaction_kinds.empty());
  EXPECT_EQ(config->client_certificates.at("billing.test"), "billing");
  ASSERT_TRUE(config->self_service.has_value());
  EXPECT_EQ(config->self_service->algorithm, "HS256");
  EXPECT_EQ(config->self_service->key, kSecret);
  EXPECT_EQ(config->self_service->audience, "customerprofile");
  EXPECT_EQ(config->self_service->issuer, "https://id.example.com");
  ASSERT_TRUE(config->self_service->limits.rate_limit.has_value());
  EXPECT_EQ(config->self_service->limits.rate_limit->burst, 1);
}

// Verifies that the same config written as JSON is accepted, and that
// reflection defaults to on.
TEST(AuthConfigTest, ParsesJson) {
  std::string json = absl::StrCat(R"({"apps": [{"id": "shop", "api_keys": [")", HashApiKey("k"),
                                  R"("], "scopes": ["consents.write"],
      "rate_limit": {"requests_per_second": 2.5, "burst": 4}}],
    "client_certificates": [{"subject": "shop.test", "app": "shop"}]})");
  absl::StatusOr<AuthConfig> config = ParseAuthConfig(json, "/nonexistent");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->reflection);
  ASSERT_EQ(config->apps.size(), 1u);
  EXPECT_EQ(config->apps[0].scopes.count("consents.write"), 1u);
  EXPECT_EQ(config->apps[0].limits.rate_limit->requests_per_second, 2.5);
  EXPECT_EQ(config->client_certificates.at("shop.test"), "shop");
  EXPECT_FALSE(config->self_service.has_value());
}

// Verifies that the example config in docs parses, with its example
// self-service secret file.
TEST(AuthConfigTest, DocumentedExampleParses) {
  std::ifstream in(std::string(CP_SOURCE_DIR) + "/docs/auth-config.example.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  // Beside the example's own secret file, as the README runs it.
  absl::StatusOr<AuthConfig> config = ParseAuthConfig(text, std::string(CP_SOURCE_DIR) + "/docs");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->apps.size(), 3u);
  EXPECT_TRUE(config->self_service.has_value());
}

// Verifies that every kind of bad entry is INVALID_ARGUMENT with a message
// naming it, and that no message repeats a secret.
TEST(AuthConfigTest, RejectsBadEntries) {
  TempDir dir;
  WriteFile(dir.File("short.txt"), "too-short");
  WriteFile(dir.File("secret.txt"), kSecret);
  std::string hash = HashApiKey("k");
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"apps: [ {id: ", "syntax"},
      {"- just\n- a list\n", "top level"},
      {"apps:\n  - scopes: [profiles.read]\n", "apps[0]"},
      {"apps:\n  - id: a\n    api_keys: [plain-text-key]\n", "api_keys"},
      {"apps:\n  - id: a\n    api_keys: [\"sha256:abc\"]\n", "api_keys"},
      {"apps:\n  - id: a\n    scopes: [profiles.readall]\n", "unknown scope"},
      {"apps:\n  - id: a\n    interaction_kinds: [PIZZA]\n", "interaction_kinds"},
      {"apps:\n  - id: a\n  - id: a\n", "duplicate"},
      {"apps:\n  - id: a\n    rate_limit: {requests_per_second: 0}\n", "rate_limit"},
      {"apps:\n  - id: a\n    rate_limit: {requests_per_second: 5, burst: 0.5}\n", "rate_limit"},
      {"apps:\n  - id: a\n    max_page_size: -1\n", "max_page_size"},
      {"apps:\n  - id: a\n    max_deadline: soon\n", "max_deadline"},
      {"apps:\n  - id: a\n    max_deadline: 0s\n", "max_deadline"},
      {"apps:\n  - id: a\n    max_message_bytes: 0\n", "max_message_bytes"},
      {"apps:\n  - id: a\n    max_message_bytes: 64k\n", "max_message_bytes"},
      {"apps:\n  - id: a\nclient_certificates:\n  - subject: x\n    app: b\n",
       "client_certificates"},
      {"client_certificates:\n  - app: a\n", "client_certificates"},
      {"self_service: {algorithm: none, audience: a}\n", "algorithm"},
      {"self_service: {algorithm: HS256, audience: a}\n", "secret_file"},
      {"self_service: {algorithm: RS256, audience: a, secret_file: secret.txt}\n",
       "public_key_file"},
      {"self_service: {algorithm: HS256, audience: a, secret_file: missing.txt}\n", "self_service"},
      {"self_service: {algorithm: HS256, audience: a, secret_file: short.txt}\n", "32"},
      {"self_service: {algorithm: HS256, secret_file: secret.txt}\n", "audience"},
      {"reflection: maybe\n", "reflection"},
      {"app:\n  - id: a\n", "unknown setting \"app\""},
      {"apps:\n  - id: a\n    rate_limits: {requests_per_second: 1}\n",
       "unknown setting \"rate_limits\""},
      {"apps:\n  - id: a\n    rate_limit: {rps: 1}\n", "unknown setting \"rps\""},
      {"apps:\n  - id: a\n    max_page_size: lots\n", "max_page_size"},
      {"apps:\n  - id: a\n    rate_limit: {requests_per_second: fast}\n", "requests_per_second"},
      {"apps: {id: a}\n", "apps must be a list"},
      {"apps:\n  - id: a\n    scopes: profiles.read\n", "scopes must be a list"},
      {"apps:\n  - just-a-name\n", "apps[0]"},
      {"apps:\n  - id: a\n    scopes: [[profiles.read]]\n", "unknown scope"},
      {"self_service: {algorithm: HS256, audience: a, secret_file: secret.txt, aud: b}\n",
       "unknown setting \"aud\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<AuthConfig> config = ParseAuthConfig(c.text, dir.path());
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(config.status().message(), c.expected))
        << config.status().message();
    EXPECT_FALSE(absl::StrContains(config.status().message(), kSecret));
    EXPECT_FALSE(absl::StrContains(config.status().message(), "too-short"));
  }
}

// Verifies that a missing file is INVALID_ARGUMENT naming the path.
TEST(AuthConfigTest, MissingFile) {
  absl::StatusOr<AuthConfig> config = LoadAuthConfig("/nonexistent/auth.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), "/nonexistent/auth.yaml"));
}

// Verifies that key hashes are stored lower-case, so an upper-case hash
// from another tool still matches.
TEST(AuthConfigTest, KeyHashesAreNormalized) {
  std::string hash = HashApiKey("k");
  std::string upper = "sha256:";
  for (char c : hash.substr(7)) upper.push_back(static_cast<char>(std::toupper(c)));
  absl::StatusOr<AuthConfig> config =
      ParseAuthConfig(absl::StrCat("apps:\n  - id: a\n    api_keys: [\"", upper, "\"]\n"), "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->apps[0].key_hashes[0], hash);
}

}  // namespace
}  // namespace cp::server::auth
