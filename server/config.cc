#include "server/config.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve gRPC on; port 0 picks one.");
ABSL_FLAG(std::string, store, "sqlite:./var/profiles.db",
          "The database: sqlite:PATH (embedded, created when missing), memory: (an embedded "
          "database in RAM, private to this process and removed when it exits) or "
          "mysql://USER@HOST[:PORT]/DATABASE (MySQL/MariaDB).");
ABSL_FLAG(std::string, mysql_password_file, "",
          "File holding the password of a mysql:// store (trailing newline ignored); without it "
          "the password comes from PROFILE_SERVER_MYSQL_PASSWORD.");
ABSL_FLAG(std::string, migrate, "auto",
          "Schema migrations: auto (apply, then serve), off (serve without migrating; refuse to "
          "start unless the schema is migrated) or only (apply and exit).");
ABSL_FLAG(std::string, value_tiers, "",
          "Insights: the reporting currency and tiers of lifetime value, as "
          "NOK:bronze=0,silver=5000,gold=25000 (whole units); empty: no tiers.");
ABSL_FLAG(std::string, default_phone_region, "NO",
          "ISO 3166-1 alpha-2 region used to read phone numbers written without a country code.");
ABSL_FLAG(int32_t, workers, 0,
          "Threads that run database work; 0 means twice the CPU cores, at least 4.");
ABSL_FLAG(int32_t, max_queue, 1024,
          "Calls that may wait for a worker; beyond it calls fail with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int64_t, max_request_bytes, 256 * 1024,
          "Largest request the service accepts (bytes); larger ones are INVALID_ARGUMENT.");
ABSL_FLAG(int64_t, max_message_bytes, 4 * 1024 * 1024,
          "gRPC transport limit on a message (bytes), at least --max-request-bytes.");
ABSL_FLAG(int32_t, default_page_size, 50,
          "Page size of every List method when the request gives none.");
ABSL_FLAG(int32_t, max_page_size, 1000,
          "Largest page of every List method; larger requests are clamped.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long in-flight calls may run before they are cancelled.");
ABSL_FLAG(absl::Duration, max_call_time, absl::Seconds(30),
          "The longest any call may run, whatever deadline the client sets (or none); an app's "
          "max_deadline may lower it. Register imports are one call: raise it for very large "
          "files on a slow database.");
ABSL_FLAG(absl::Duration, stream_idle_timeout, absl::Seconds(30),
          "How long a streaming call (ImportSuppressionEntries) may wait for the client's next "
          "message before it ends with DEADLINE_EXCEEDED; the call's deadline ends it too.");
ABSL_FLAG(int32_t, max_concurrent_streams, 100,
          "Calls one client connection may have open at once; gRPC holds further calls of that "
          "connection back until one ends.");
ABSL_FLAG(std::string, change_retention, "7d",
          "How long changes stay in the change feed (WatchChanges, ListChanges): a number with "
          "d, h, m or s, e.g. 7d or 36h. A resume token older than this is RESUME_TOKEN_EXPIRED. "
          "Older changes are pruned in small batches in the background.");
ABSL_FLAG(std::string, audit_retention, "keep",
          "How long the audit trail keeps each customer's changes: keep (for ever) or a duration "
          "as for --change-retention; never less than --change-retention.");
ABSL_FLAG(bool, audit_pii_reads, false,
          "Record every read of personal data (GetProfile, BatchGetProfiles, LookupProfiles, "
          "ListProfiles by a caller with pii.read) in the customers' audit trails. Each such read "
          "then also commits a write, and GetProfile no longer answers from the profile cache.");
ABSL_FLAG(absl::Duration, change_poll_interval, absl::Milliseconds(100),
          "While a WatchChanges stream is open, how often the server reads the change log for "
          "changes other servers committed (its own commits wake it at once). Idle servers do "
          "not read it.");
ABSL_FLAG(absl::Duration, watch_heartbeat, absl::Seconds(15),
          "A quiet WatchChanges stream gets a heartbeat (with a resume token) this often.");
ABSL_FLAG(absl::Duration, watch_stall_timeout, absl::Seconds(60),
          "A WatchChanges client that takes no message for this long gets its stream ended with "
          "UNAVAILABLE CONSUMER_TOO_SLOW (resume from its last token).");
ABSL_FLAG(int32_t, sqlite_pool_size, 4, "Connections of a sqlite: store.");
ABSL_FLAG(int64_t, profile_cache_mb, 128,
          "Memory for recently read profiles of a sqlite: store (MiB), answered without the "
          "database; the server then locks the database file against other processes. 0 turns "
          "the cache off (servers without one may share a file). mysql:// stores have no cache "
          "(other servers write too).");
ABSL_FLAG(std::string, log_level, "info", "Least severe JSON log level: debug, info, warn, error.");
ABSL_FLAG(std::string, auth_config, "",
          "YAML or JSON file of client apps (API key hashes, scopes, limits), client certificate "
          "subjects and self-service JWT settings; re-read on SIGHUP. Without it the server runs "
          "in development mode (no authentication), on a loopback address only.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain of the server; enables TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls-cert.");
ABSL_FLAG(bool, insecure_plaintext, false,
          "With --auth-config and no TLS, listen on a non-loopback address anyway (API keys and "
          "tokens then cross the network in clear: only behind a TLS-terminating proxy on the "
          "same host or network namespace). Logged as a warning at start.");
ABSL_FLAG(bool, insecure_no_auth, false,
          "Without --auth-config, listen on a non-loopback address anyway (e.g. 0.0.0.0 in a "
          "container of a test setup): every caller reaching the port gets every scope, personal "
          "data included. Logged as a warning at start and on the serving line. Never in "
          "production: mount an --auth-config file instead.");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus metrics on at /metrics over plain HTTP (e.g. "
          "127.0.0.1:9464; port 0 picks one); empty = no metrics. The metrics hold no personal "
          "data and no profile ids.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates of client certificates (mutual TLS); a client certificate is "
          "requested, and verified when sent.");

namespace cp::server {
namespace {

// FlagDoc names one of the server's flags and the metavariable --help shows
// for its value.
struct FlagDoc {
  const char* name;
  const char* metavar;
};

constexpr FlagDoc kFlagDocs[] = {
    {"listen", "HOST:PORT"},
    {"store", "URI"},
    {"mysql_password_file", "PATH"},
    {"migrate", "auto|off|only"},
    {"default_phone_region", "REGION"},
    {"value_tiers", "CUR:TIER=AMOUNT,..."},
    {"workers", "N"},
    {"max_queue", "N"},
    {"max_request_bytes", "BYTES"},
    {"max_message_bytes", "BYTES"},
    {"default_page_size", "N"},
    {"max_page_size", "N"},
    {"drain_timeout", "DURATION"},
    {"max_call_time", "DURATION"},
    {"stream_idle_timeout", "DURATION"},
    {"max_concurrent_streams", "N"},
    {"change_retention", "DURATION"},
    {"audit_retention", "keep|DURATION"},
    {"audit_pii_reads", "BOOL"},
    {"change_poll_interval", "DURATION"},
    {"watch_heartbeat", "DURATION"},
    {"watch_stall_timeout", "DURATION"},
    {"sqlite_pool_size", "N"},
    {"profile_cache_mb", "MIB"},
    {"log_level", "LEVEL"},
    {"auth_config", "PATH"},
    {"tls_cert", "PATH"},
    {"tls_key", "PATH"},
    {"tls_client_ca", "PATH"},
    {"insecure_plaintext", "BOOL"},
    {"insecure_no_auth", "BOOL"},
    {"metrics_listen", "HOST:PORT"},
};

// ParseRetention reads "7d", "36h", "90m", "3600s" (or any absl duration);
// "keep" (when allowed) is for ever.
absl::StatusOr<absl::Duration> ParseRetention(absl::string_view text, bool keep_allowed) {
  if (keep_allowed && text == "keep") return absl::InfiniteDuration();
  absl::Duration duration;
  int64_t days = 0;
  if (absl::EndsWith(text, "d") && absl::SimpleAtoi(text.substr(0, text.size() - 1), &days) &&
      days > 0 && days <= 100 * 365) {
    return absl::Hours(24 * days);
  }
  if (absl::ParseDuration(text, &duration) && duration >= absl::Minutes(1) &&
      duration != absl::InfiniteDuration()) {
    return duration;
  }
  return absl::InvalidArgumentError(
      keep_allowed ? "must be keep or a duration of at least 1m, e.g. 365d or 36h"
                   : "must be a duration of at least 1m, e.g. 7d or 36h");
}

std::string Dashed(absl::string_view flag) { return absl::StrReplaceAll(flag, {{"_", "-"}}); }

absl::Status Invalid(absl::string_view flag, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid --", Dashed(flag), ": ", why));
}

absl::Status CheckRange(absl::string_view flag, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return Invalid(flag, absl::StrCat("must be between ", min, " and ", max, ", got ", value));
  }
  return absl::OkStatus();
}

absl::Status CheckListen(absl::string_view listen) {
  size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return Invalid("listen", "want HOST:PORT, e.g. 127.0.0.1:50051");
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &port) || port > 65535) {
    return Invalid("listen", "the port must be a number from 0 to 65535");
  }
  return absl::OkStatus();
}

// CheckStore checks the scheme only: the URI may hold a password, so it is
// never echoed.
absl::Status CheckStore(absl::string_view store) {
  if (store == "memory:") return absl::OkStatus();
  if (absl::ConsumePrefix(&store, "sqlite:")) {
    if (store.empty()) return Invalid("store", "sqlite: needs a file path, e.g. sqlite:./var/p.db");
    return absl::OkStatus();
  }
  if (absl::StartsWith(store, "mysql://")) return absl::OkStatus();
  return Invalid("store", "unknown scheme; use sqlite:PATH, memory: or mysql://USER@HOST/DATABASE");
}

absl::StatusOr<MigrateMode> ParseMigrate(absl::string_view value) {
  if (value == "auto") return MigrateMode::kAuto;
  if (value == "off") return MigrateMode::kOff;
  if (value == "only") return MigrateMode::kOnly;
  return Invalid("migrate", "must be auto, off or only");
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view value) {
  if (value == "debug") return LogLevel::kDebug;
  if (value == "info") return LogLevel::kInfo;
  if (value == "warn") return LogLevel::kWarn;
  if (value == "error") return LogLevel::kError;
  return Invalid("log_level", "must be debug, info, warn or error");
}

int DefaultWorkers() {
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(4, 2 * cores);
}

// ParseArgs sets the flags named in `args` (without the program name):
// "--name=value" or "--name value".
absl::Status ParseArgs(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\"; flags look like --name=value"));
    }
    std::string name(arg.substr(0, arg.find('=')));
    bool known = false;
    for (const FlagDoc& doc : kFlagDocs) known = known || name == doc.name;
    absl::CommandLineFlag* flag = known ? absl::FindCommandLineFlag(name) : nullptr;
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", Dashed(name), "; see --help"));
    }
    std::string value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      // A switch: "--insecure-plaintext" alone means true.
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Invalid(name, "missing value");
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) return Invalid(name, error);
  }
  return absl::OkStatus();
}

bool IsHelp(absl::string_view arg) { return arg == "--help" || arg == "-h" || arg == "-help"; }

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string EnvName(absl::string_view flag) {
  return absl::StrCat(kEnvPrefix, absl::AsciiStrToUpper(absl::StrReplaceAll(flag, {{"-", "_"}})));
}

std::vector<std::string> FlagNames() {
  std::vector<std::string> names;
  for (const FlagDoc& doc : kFlagDocs) names.emplace_back(doc.name);
  return names;
}

std::vector<std::string> NormalizeFlagArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool flags_done = false;
  for (const std::string& arg : args) {
    if (arg == "--") flags_done = true;
    if (flags_done || arg.size() < 3 || arg.rfind("--", 0) != 0) {
      out.push_back(arg);
      continue;
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    absl::StrReplaceAll({{"-", "_"}}, &name);
    out.push_back(absl::StrCat("--", name, eq == std::string::npos ? "" : arg.substr(eq)));
  }
  return out;
}

absl::Status ApplyEnvironment(const EnvLookup& env) {
  for (const std::string& name : FlagNames()) {
    std::optional<std::string> value = env(EnvName(name));
    if (!value.has_value()) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(*value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid ", EnvName(name), ": ", error));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ServerConfig> ConfigFromFlags(const EnvLookup& env) {
  ServerConfig config;
  config.listen = absl::GetFlag(FLAGS_listen);
  if (absl::Status s = CheckListen(config.listen); !s.ok()) return s;
  config.store = absl::GetFlag(FLAGS_store);
  if (absl::Status s = CheckStore(config.store); !s.ok()) return s;
  config.mysql_password_file = absl::GetFlag(FLAGS_mysql_password_file);
  config.mysql_password_env = env(std::string(kMysqlPasswordEnv)).value_or("");

  absl::StatusOr<MigrateMode> migrate = ParseMigrate(absl::GetFlag(FLAGS_migrate));
  if (!migrate.ok()) return migrate.status();
  config.migrate = *migrate;

  std::string region = absl::AsciiStrToUpper(absl::GetFlag(FLAGS_default_phone_region));
  if (region.size() != 2 || !absl::ascii_isalpha(region[0]) || !absl::ascii_isalpha(region[1])) {
    return Invalid("default_phone_region", "must be an ISO 3166-1 alpha-2 code such as NO");
  }
  config.default_phone_region = region;

  absl::StatusOr<domain::ValueTiers> tiers =
      domain::ParseValueTiers(absl::GetFlag(FLAGS_value_tiers));
  if (!tiers.ok()) return Invalid("value_tiers", tiers.status().message());
  config.value_tiers = *std::move(tiers);

  int workers = absl::GetFlag(FLAGS_workers);
  if (absl::Status s = CheckRange("workers", workers, 0, 1024); !s.ok()) return s;
  config.workers = workers == 0 ? DefaultWorkers() : workers;
  config.max_queue = absl::GetFlag(FLAGS_max_queue);
  if (absl::Status s = CheckRange("max_queue", config.max_queue, 1, 1'000'000); !s.ok()) return s;

  config.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
  if (absl::Status s = CheckRange("max_request_bytes", config.max_request_bytes, 1024, kMaxInt);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("max_message_bytes", config.max_message_bytes,
                                  config.max_request_bytes, kMaxInt);
      !s.ok()) {
    return Invalid("max_message_bytes",
                   absl::StrCat("must be at least --max-request-bytes (", config.max_request_bytes,
                                ") and at most ", kMaxInt));
  }

  config.max_page_size = absl::GetFlag(FLAGS_max_page_size);
  if (absl::Status s = CheckRange("max_page_size", config.max_page_size, 1, 10'000); !s.ok()) {
    return s;
  }
  config.default_page_size = absl::GetFlag(FLAGS_default_page_size);
  if (absl::Status s =
          CheckRange("default_page_size", config.default_page_size, 1, config.max_page_size);
      !s.ok()) {
    return s;
  }

  config.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  if (config.drain_timeout < absl::ZeroDuration() ||
      config.drain_timeout == absl::InfiniteDuration()) {
    return Invalid("drain_timeout", "must be a finite duration of 0s or more, e.g. 10s");
  }
  config.max_call_time = absl::GetFlag(FLAGS_max_call_time);
  if (config.max_call_time <= absl::ZeroDuration() ||
      config.max_call_time == absl::InfiniteDuration()) {
    return Invalid("max_call_time", "must be a finite duration of more than 0s, e.g. 30s");
  }
  config.stream_idle_timeout = absl::GetFlag(FLAGS_stream_idle_timeout);
  if (config.stream_idle_timeout <= absl::ZeroDuration() ||
      config.stream_idle_timeout == absl::InfiniteDuration()) {
    return Invalid("stream_idle_timeout", "must be a finite duration of more than 0s, e.g. 30s");
  }
  config.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  if (absl::Status s =
          CheckRange("max_concurrent_streams", config.max_concurrent_streams, 1, 1'000'000);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<absl::Duration> change_retention =
      ParseRetention(absl::GetFlag(FLAGS_change_retention), /*keep_allowed=*/false);
  if (!change_retention.ok()) {
    return Invalid("change_retention", change_retention.status().message());
  }
  config.change_retention = *change_retention;
  absl::StatusOr<absl::Duration> audit_retention =
      ParseRetention(absl::GetFlag(FLAGS_audit_retention), /*keep_allowed=*/true);
  if (!audit_retention.ok()) return Invalid("audit_retention", audit_retention.status().message());
  config.audit_retention = *audit_retention;
  for (auto [flag, value] : {std::pair<absl::string_view, absl::Duration>{
                                 "change_poll_interval", absl::GetFlag(FLAGS_change_poll_interval)},
                             {"watch_heartbeat", absl::GetFlag(FLAGS_watch_heartbeat)},
                             {"watch_stall_timeout", absl::GetFlag(FLAGS_watch_stall_timeout)}}) {
    if (value < absl::Milliseconds(1) || value > absl::Hours(1)) {
      return Invalid(flag, "must be a duration between 1ms and 1h, e.g. 15s");
    }
  }
  config.audit_pii_reads = absl::GetFlag(FLAGS_audit_pii_reads);
  config.change_poll_interval = absl::GetFlag(FLAGS_change_poll_interval);
  config.watch_heartbeat = absl::GetFlag(FLAGS_watch_heartbeat);
  config.watch_stall_timeout = absl::GetFlag(FLAGS_watch_stall_timeout);
  config.sqlite_pool_size = absl::GetFlag(FLAGS_sqlite_pool_size);
  if (absl::Status s = CheckRange("sqlite_pool_size", config.sqlite_pool_size, 1, 64); !s.ok()) {
    return s;
  }
  config.profile_cache_mb = absl::GetFlag(FLAGS_profile_cache_mb);
  if (absl::Status s = CheckRange("profile_cache_mb", config.profile_cache_mb, 0, 1 << 20);
      !s.ok()) {
    return s;
  }

  absl::StatusOr<LogLevel> level = ParseLogLevel(absl::GetFlag(FLAGS_log_level));
  if (!level.ok()) return level.status();
  config.log_level = *level;

  config.auth_config = absl::GetFlag(FLAGS_auth_config);
  config.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  config.tls_key = absl::GetFlag(FLAGS_tls_key);
  config.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  config.insecure_plaintext = absl::GetFlag(FLAGS_insecure_plaintext);
  config.insecure_no_auth = absl::GetFlag(FLAGS_insecure_no_auth);
  if (config.insecure_no_auth && !config.auth_config.empty()) {
    return Invalid("insecure_no_auth",
                   "turns authentication off, which contradicts --auth-config: give one of them");
  }
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (!config.metrics_listen.empty() && (config.metrics_listen.rfind(':') == std::string::npos ||
                                         config.metrics_listen.rfind(':') == 0)) {
    return Invalid("metrics_listen", "must be HOST:PORT, e.g. 127.0.0.1:9464");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return Invalid("tls_key", "--tls-cert and --tls-key go together");
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    return Invalid("tls_client_ca", "mutual TLS needs --tls-cert and --tls-key too");
  }
  return config;
}

std::string HelpText() {
  std::string text =
      "Usage: profile-server [--flag=value ...]\n"
      "\n"
      "Serves customerprofile.v1.ProfileService over gRPC, with server reflection and\n"
      "grpc.health.v1.Health. SIGTERM or SIGINT drains in-flight calls and exits 0.\n"
      "\n"
      "Every flag can also be set through the environment variable named below it;\n"
      "a flag on the command line wins over the environment. Flag names may be\n"
      "written with dashes or underscores.\n"
      "\n"
      "Flags:\n";
  for (const FlagDoc& doc : kFlagDocs) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(doc.name);
    absl::StrAppend(
        &text, "  --", Dashed(doc.name), "=", doc.metavar, "\n      ", flag->Help(),
        "\n      default: ", flag->DefaultValue().empty() ? "(none)" : flag->DefaultValue(),
        "; env: ", EnvName(doc.name), "\n");
  }
  absl::StrAppend(&text, "  ", kMysqlPasswordEnv,
                  " (environment only)\n      The password of a mysql:// store when "
                  "--mysql-password-file is not given.\n"
                  "\nprofile-server --hash-key prints a new random API key and the sha256 hash "
                  "to put in --auth-config.\n");
  return text;
}

absl::StatusOr<ServerConfig> ParseConfig(const std::vector<std::string>& args,
                                         const EnvLookup& env) {
  if (absl::Status status = ApplyEnvironment(env); !status.ok()) return status;
  if (absl::Status status = ParseArgs(NormalizeFlagArgs(args)); !status.ok()) return status;
  return ConfigFromFlags(env);
}

ServerConfig ParseCommandLineOrExit(int argc, char** argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  for (const std::string& arg : args) {
    if (IsHelp(arg)) {
      std::cout << HelpText();
      std::exit(0);
    }
  }
  absl::StatusOr<ServerConfig> config = ParseConfig(args, ProcessEnv);
  if (!config.ok()) {
    std::cerr << "profile-server: " << config.status().message() << "\n";
    std::exit(2);
  }
  return *std::move(config);
}

}  // namespace cp::server
