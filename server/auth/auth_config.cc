#include "server/auth/auth_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "customerprofile/v1/interaction_enums.pb.h"
#include "server/auth/method_policy.h"

namespace cp::server::auth {
namespace {

absl::Status Bad(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("auth config: ", where, ": ", why));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Value returns `node`[key] as T, `fallback` when the key is absent or
// null, and INVALID_ARGUMENT when it holds something else (a fallback must
// never hide a typo such as "reflection: maybe").
template <typename T>
absl::StatusOr<T> Value(const YAML::Node& node, const char* key, T fallback,
                        absl::string_view where) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return fallback;
  try {
    return value.as<T>();
  } catch (const YAML::Exception&) {
    return Bad(where, absl::StrCat(key, " has the wrong type"));
  }
}

// CheckKeys refuses a map holding a key outside `known`, so that a
// misspelt setting (say "rate_limits") is not silently ignored.
absl::Status CheckKeys(const YAML::Node& node, absl::string_view where,
                       std::initializer_list<absl::string_view> known) {
  if (!node.IsMap()) return Bad(where, "must be a map");
  for (const auto& entry : node) {
    std::string key = entry.first.as<std::string>("");
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Bad(where, absl::StrCat("unknown setting \"", key,
                                     "\"; known: ", absl::StrJoin(known, ", ")));
    }
  }
  return absl::OkStatus();
}

// Sequence returns `node`[key] when it is a list (or absent),
// INVALID_ARGUMENT otherwise.
absl::StatusOr<YAML::Node> Sequence(const YAML::Node& node, const char* key,
                                    absl::string_view where) {
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
  if (!value.IsSequence()) return Bad(where, absl::StrCat(key, " must be a list"));
  return value;
}

bool IsKeyHash(absl::string_view hash) {
  if (!absl::ConsumePrefix(&hash, "sha256:") || hash.size() != 64) return false;
  return std::all_of(hash.begin(), hash.end(),
                     [](char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'); });
}

absl::StatusOr<CallerLimits> ParseLimits(const YAML::Node& node, const std::string& where) {
  CallerLimits limits;
  if (const YAML::Node rate = node["rate_limit"]; rate) {
    if (absl::Status s = CheckKeys(rate, where + " rate_limit", {"requests_per_second", "burst"});
        !s.ok()) {
      return s;
    }
    absl::StatusOr<double> per_second = Value<double>(rate, "requests_per_second", 0, where);
    if (!per_second.ok()) return per_second.status();
    absl::StatusOr<double> burst = Value<double>(rate, "burst", *per_second, where);
    if (!burst.ok()) return burst.status();
    RateLimit limit{*per_second, *burst};
    if (limit.requests_per_second <= 0 || limit.burst < 1) {
      return Bad(where, "rate_limit needs requests_per_second > 0 and burst >= 1");
    }
    limits.rate_limit = limit;
  }
  absl::StatusOr<int> page = Value<int>(node, "max_page_size", 0, where);
  if (!page.ok()) return page.status();
  absl::StatusOr<int> batch = Value<int>(node, "max_batch_size", 0, where);
  if (!batch.ok()) return batch.status();
  limits.max_page_size = *page;
  limits.max_batch_size = *batch;
  if (limits.max_page_size < 0 || limits.max_batch_size < 0) {
    return Bad(where, "max_page_size and max_batch_size must be positive");
  }
  absl::StatusOr<int64_t> message_bytes = Value<int64_t>(node, "max_message_bytes", 0, where);
  if (!message_bytes.ok()) return message_bytes.status();
  if (node["max_message_bytes"] && *message_bytes <= 0) {
    return Bad(where, "max_message_bytes must be a positive number of bytes");
  }
  limits.max_message_bytes = *message_bytes;
  if (const YAML::Node deadline = node["max_deadline"]; deadline) {
    absl::StatusOr<std::string> text = Value<std::string>(node, "max_deadline", "", where);
    if (!text.ok() || !absl::ParseDuration(*text, &limits.max_deadline) ||
        limits.max_deadline <= absl::ZeroDuration()) {
      return Bad(where, "max_deadline must be a positive duration such as 10s");
    }
  }
  return limits;
}

absl::StatusOr<AppConfig> ParseApp(const YAML::Node& node, size_t index) {
  AppConfig app;
  std::string where = absl::StrCat("apps[", index, "]");
  if (!node.IsMap()) return Bad(where, "must be a map");
  absl::StatusOr<std::string> id = Value<std::string>(node, "id", "", where);
  if (!id.ok()) return id.status();
  app.id = *std::move(id);
  if (app.id.empty()) return Bad(where, "needs an id");
  where = absl::StrCat("app ", app.id);
  if (absl::Status s =
          CheckKeys(node, where,
                    {"id", "api_keys", "scopes", "rate_limit", "max_page_size", "max_batch_size",
                     "max_deadline", "max_message_bytes", "interaction_kinds"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<YAML::Node> keys = Sequence(node, "api_keys", where);
  if (!keys.ok()) return keys.status();
  for (const YAML::Node& hash : *keys) {
    std::string value = absl::AsciiStrToLower(hash.IsScalar() ? hash.Scalar() : "");
    if (!IsKeyHash(value)) {
      return Bad(where, "api_keys must be sha256:<64 hex digits> (see profile-server --hash-key)");
    }
    app.key_hashes.push_back(std::move(value));
  }
  absl::StatusOr<YAML::Node> scopes = Sequence(node, "scopes", where);
  if (!scopes.ok()) return scopes.status();
  const std::vector<std::string>& known = KnownScopes();
  for (const YAML::Node& scope : *scopes) {
    std::string value = scope.IsScalar() ? scope.Scalar() : "";
    if (std::find(known.begin(), known.end(), value) == known.end()) {
      return Bad(where, absl::StrCat("unknown scope \"", value,
                                     "\"; known: ", absl::StrJoin(known, ", ")));
    }
    app.scopes.insert(std::move(value));
  }
  absl::StatusOr<CallerLimits> limits = ParseLimits(node, where);
  if (!limits.ok()) return limits.status();
  app.limits = *limits;
  if (node["interaction_kinds"]) {
    absl::StatusOr<YAML::Node> kinds = Sequence(node, "interaction_kinds", where);
    if (!kinds.ok()) return kinds.status();
    for (const YAML::Node& kind : *kinds) {
      std::string value = kind.IsScalar() ? kind.Scalar() : "";
      if (!absl::StartsWith(value, "INTERACTION_KIND_")) value = "INTERACTION_KIND_" + value;
      customerprofile::v1::InteractionKind parsed;
      if (!customerprofile::v1::InteractionKind_Parse(value, &parsed) ||
          parsed == customerprofile::v1::INTERACTION_KIND_UNSPECIFIED) {
        return Bad(where, "interaction_kinds holds InteractionKind names such as PAYMENT");
      }
      app.interaction_kinds.push_back(parsed);
    }
  }
  return app;
}

absl::StatusOr<SelfServiceConfig> ParseSelfService(const YAML::Node& node,
                                                   absl::string_view base_dir) {
  SelfServiceConfig config;
  if (absl::Status s = CheckKeys(
          node, "self_service",
          {"algorithm", "secret_file", "public_key_file", "audience", "issuer", "rate_limit",
           "max_page_size", "max_batch_size", "max_deadline", "max_message_bytes"});
      !s.ok()) {
    return s;
  }
  for (const char* key : {"algorithm", "secret_file", "public_key_file", "audience", "issuer"}) {
    if (node[key] && !node[key].IsScalar()) {
      return Bad("self_service", absl::StrCat(key, " must be a string"));
    }
  }
  config.algorithm = node["algorithm"].as<std::string>("");
  std::string key_file;
  if (config.algorithm == "HS256") {
    key_file = node["secret_file"].as<std::string>("");
    if (key_file.empty()) return Bad("self_service", "HS256 needs secret_file");
  } else if (config.algorithm == "RS256" || config.algorithm == "ES256") {
    key_file = node["public_key_file"].as<std::string>("");
    if (key_file.empty()) return Bad("self_service", "RS256/ES256 need public_key_file");
  } else {
    return Bad("self_service", "algorithm must be HS256, RS256 or ES256");
  }
  std::filesystem::path path(key_file);
  if (path.is_relative()) path = std::filesystem::path(std::string(base_dir)) / path;
  absl::StatusOr<std::string> key = ReadFile(path.string());
  if (!key.ok()) return Bad("self_service", key.status().message());
  config.key = *std::move(key);
  if (config.algorithm == "HS256") {
    while (!config.key.empty() && (config.key.back() == '\n' || config.key.back() == '\r')) {
      config.key.pop_back();
    }
    if (config.key.size() < 32) return Bad("self_service", "the HS256 secret needs 32+ bytes");
  }
  config.audience = node["audience"].as<std::string>("");
  if (config.audience.empty()) return Bad("self_service", "needs an audience");
  config.issuer = node["issuer"].as<std::string>("");
  absl::StatusOr<CallerLimits> limits = ParseLimits(node, "self_service");
  if (!limits.ok()) return limits.status();
  config.limits = *limits;
  return config;
}

}  // namespace

absl::StatusOr<AuthConfig> ParseAuthConfig(absl::string_view text, absl::string_view base_dir) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return Bad("top level", "must be a map with apps, client_certificates, ...");
    if (absl::Status s = CheckKeys(root, "top level",
                                   {"reflection", "apps", "client_certificates", "self_service"});
        !s.ok()) {
      return s;
    }
    AuthConfig config;
    absl::StatusOr<bool> reflection = Value<bool>(root, "reflection", true, "reflection");
    if (!reflection.ok()) return reflection.status();
    config.reflection = *reflection;
    std::set<std::string> ids;
    size_t index = 0;
    absl::StatusOr<YAML::Node> apps = Sequence(root, "apps", "top level");
    if (!apps.ok()) return apps.status();
    for (const YAML::Node& node : *apps) {
      absl::StatusOr<AppConfig> app = ParseApp(node, index++);
      if (!app.ok()) return app.status();
      if (!ids.insert(app->id).second) return Bad(absl::StrCat("app ", app->id), "duplicate id");
      config.apps.push_back(*std::move(app));
    }
    absl::StatusOr<YAML::Node> certificates = Sequence(root, "client_certificates", "top level");
    if (!certificates.ok()) return certificates.status();
    for (const YAML::Node& node : *certificates) {
      if (absl::Status s = CheckKeys(node, "client_certificates", {"subject", "app"}); !s.ok()) {
        return s;
      }
      std::string subject = node["subject"].as<std::string>("");
      std::string app = node["app"].as<std::string>("");
      if (subject.empty() || ids.count(app) == 0) {
        return Bad("client_certificates", "each entry needs a subject and the id of an app");
      }
      config.client_certificates[subject] = app;
    }
    if (const YAML::Node self = root["self_service"]; self) {
      absl::StatusOr<SelfServiceConfig> self_service = ParseSelfService(self, base_dir);
      if (!self_service.ok()) return self_service.status();
      config.self_service = *std::move(self_service);
    }
    return config;
  } catch (const YAML::Exception& e) {
    return Bad("syntax", e.what());
  }
}

absl::StatusOr<AuthConfig> LoadAuthConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return absl::InvalidArgumentError(text.status().message());
  return ParseAuthConfig(*text, std::filesystem::path(path).parent_path().string());
}

}  // namespace cp::server::auth
