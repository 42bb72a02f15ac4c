#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/interaction/insights.h"

namespace cp::server {

// MigrateMode says what the server does with schema migrations at start.
enum class MigrateMode {
  // Apply pending migrations, then serve.
  kAuto,
  // Serve without migrating (the schema is managed elsewhere).
  kOff,
  // Apply pending migrations and exit.
  kOnly,
};

// LogLevel is the least severe level the JSON log writes.
enum class LogLevel { kDebug, kInfo, kWarn, kError };

// ServerConfig is the validated configuration of profile-server.
struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  std::string store = "sqlite:./var/profiles.db";
  std::string mysql_password_file;
  // The password for a mysql:// store from PROFILE_SERVER_MYSQL_PASSWORD.
  std::string mysql_password_env;
  MigrateMode migrate = MigrateMode::kAuto;
  std::string default_phone_region = "NO";
  int workers = 4;
  int max_queue = 1024;
  int64_t max_request_bytes = 256 * 1024;
  int64_t max_message_bytes = 4 * 1024 * 1024;
  int default_page_size = 50;
  int max_page_size = 1000;
  // The longest a call may run (CallDispatcherOptions::max_call_time).
  absl::Duration max_call_time = absl::Seconds(30);
  absl::Duration drain_timeout = absl::Seconds(10);
  // How long a stream may wait for its client's next message.
  absl::Duration stream_idle_timeout = absl::Seconds(30);
  // Streams (calls) one connection may have open at once.
  int max_concurrent_streams = 100;
  // --change-retention, --audit-retention (InfiniteDuration: keep).
  absl::Duration change_retention = absl::Hours(24 * 7);
  absl::Duration audit_retention = absl::InfiniteDuration();
  // --audit-pii-reads: reads of personal data go into the audit trail.
  bool audit_pii_reads = false;
  absl::Duration change_poll_interval = absl::Milliseconds(100);
  absl::Duration watch_heartbeat = absl::Seconds(15);
  absl::Duration watch_stall_timeout = absl::Seconds(60);
  int sqlite_pool_size = 4;
  // MiB of profile rows a sqlite: store caches (0 = no cache, no file lock).
  int64_t profile_cache_mb = 128;
  // --value-tiers: the reporting currency and tier thresholds of insights.
  domain::ValueTiers value_tiers;
  LogLevel log_level = LogLevel::kInfo;
  // Apps, keys, scopes and self-service token settings (YAML or JSON);
  // empty = development mode (loopback only).
  std::string auth_config;
  // PEM files: server certificate and key (TLS), and the CA that signs
  // client certificates (mutual TLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // With auth_config and no TLS: allow a non-loopback listen address.
  bool insecure_plaintext = false;
  // Without auth_config: allow a non-loopback listen address (test setups).
  bool insecure_no_auth = false;
  // HOST:PORT of the Prometheus endpoint; empty = no metrics.
  std::string metrics_listen;
};

// EnvLookup returns the value of an environment variable, or nullopt when it
// is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// ProcessEnv is the EnvLookup of this process's environment.
std::optional<std::string> ProcessEnv(const std::string& name);

// kEnvPrefix starts the environment variable of every flag:
// --default-phone-region comes from PROFILE_SERVER_DEFAULT_PHONE_REGION.
inline constexpr absl::string_view kEnvPrefix = "PROFILE_SERVER_";

// kMysqlPasswordEnv holds the MySQL password when no password file is given.
inline constexpr absl::string_view kMysqlPasswordEnv = "PROFILE_SERVER_MYSQL_PASSWORD";

// EnvName returns the environment variable for `flag` ("max_queue" or
// "max-queue" -> "PROFILE_SERVER_MAX_QUEUE").
std::string EnvName(absl::string_view flag);

// FlagNames returns the names of the server's flags in --help order, with
// underscores ("default_phone_region").
std::vector<std::string> FlagNames();

// NormalizeFlagArgs returns `args` with dashes in flag names turned into
// underscores ("--max-queue=5" -> "--max_queue=5"), so that both spellings
// work. Values and arguments after "--" are left alone.
std::vector<std::string> NormalizeFlagArgs(const std::vector<std::string>& args);

// ApplyEnvironment sets every flag whose environment variable is set to that
// value; a later command-line parse overrides it, so flags win over the
// environment. INVALID_ARGUMENT naming the variable when a value does not
// parse.
absl::Status ApplyEnvironment(const EnvLookup& env);

// ConfigFromFlags reads and validates the current flag values (plus the
// MySQL password variable from `env`). INVALID_ARGUMENT with a one-line
// message naming the flag on the first bad value.
absl::StatusOr<ServerConfig> ConfigFromFlags(const EnvLookup& env);

// ParseConfig applies the environment, then the command-line `args`
// (without the program name; "--name=value" or "--name value", dashes or
// underscores), to the global flags and returns the validated config.
// INVALID_ARGUMENT with a one-line message on an unknown flag, a value that
// does not parse or an invalid configuration.
absl::StatusOr<ServerConfig> ParseConfig(const std::vector<std::string>& args,
                                         const EnvLookup& env);

// HelpText returns the --help output: usage, then every flag with its
// default and its environment variable.
std::string HelpText();

// ParseCommandLineOrExit parses `argv` (and the environment): prints
// HelpText() and exits 0 on --help or -h; prints one error line and exits 2
// on a bad flag, a bad environment value or an invalid configuration.
ServerConfig ParseCommandLineOrExit(int argc, char** argv);

}  // namespace cp::server
