// profile-server: the customer profile gRPC service.

#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "server/auth/access_control.h"
#include "server/auth/api_key.h"
#include "server/auth/auth_config.h"
#include "server/auth/config_reloader.h"
#include "server/config.h"
#include "server/json_log.h"
#include "server/protobuf_log_route.h"
#include "server/server_runner.h"
#include "server/signals.h"
#include "server/store_factory.h"
#include "storage/store.h"

namespace {

// Fail logs `status` as `event` and prints it as one line to stderr.
int Fail(cp::server::JsonLog& log, const char* event, const absl::Status& status) {
  log.Event(cp::server::LogLevel::kError, event, {{"error", std::string(status.message())}});
  std::cerr << "profile-server: " << status.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // Debian's is a debug build
  if (argc == 2 && std::strcmp(argv[1], "--hash-key") == 0) {
    std::string key = cp::server::auth::GenerateApiKey();
    std::cout << "key:  " << key << "\nhash: " << cp::server::auth::HashApiKey(key) << std::endl;
    return 0;
  }
  cp::server::ServerConfig config = cp::server::ParseCommandLineOrExit(argc, argv);
  cp::server::BlockTerminationSignals();
  cp::server::auth::BlockReloadSignal();
  cp::server::JsonLog log(config.log_level);
  cp::server::RouteProtobufLog(&log);

  std::optional<cp::server::auth::AuthConfig> auth_config;
  if (!config.auth_config.empty()) {
    absl::StatusOr<cp::server::auth::AuthConfig> loaded =
        cp::server::auth::LoadAuthConfig(config.auth_config);
    if (!loaded.ok()) return Fail(log, "auth_config_invalid", loaded.status());
    auth_config = *std::move(loaded);
  }

  cp::server::StoreSettings store_settings;
  store_settings.uri = config.store;
  store_settings.mysql_password_file = config.mysql_password_file;
  store_settings.mysql_password = config.mysql_password_env;
  store_settings.sqlite_pool_size = config.sqlite_pool_size;
  // Only a serving process caches (and so locks the file); --migrate=only
  // just migrates.
  if (config.migrate != cp::server::MigrateMode::kOnly) {
    store_settings.sqlite_profile_cache_bytes = static_cast<size_t>(config.profile_cache_mb) << 20;
  }
  absl::StatusOr<std::unique_ptr<cp::storage::Store>> store = cp::server::OpenStore(store_settings);
  if (!store.ok()) return Fail(log, "store_open_failed", store.status());

  if (config.migrate == cp::server::MigrateMode::kOnly) {
    if (absl::Status status = (*store)->Migrate(); !status.ok()) {
      return Fail(log, "migrate_failed", status);
    }
    log.Event(cp::server::LogLevel::kInfo, "migrated", {{"store", (*store)->Describe()}});
    std::cout << "profile-server migrated store " << (*store)->Describe() << std::endl;
    return 0;
  }

  if (config.migrate == cp::server::MigrateMode::kOff) {
    // Before listening: serving a schema that is not there fails every call.
    if (absl::Status status = (*store)->CheckSchema(); !status.ok()) {
      return Fail(log, "schema_check_failed", status);
    }
  }

  cp::domain::SystemClock clock;
  cp::domain::RandomIdGenerator ids;
  cp::server::ServerRunnerOptions options = cp::server::RunnerOptionsFromConfig(config);
  auto access = std::make_shared<cp::server::auth::AccessControl>(std::move(auth_config));
  options.access = access;
  std::optional<cp::server::auth::ConfigReloader> reloader;
  if (!config.auth_config.empty()) reloader.emplace(config.auth_config, access.get(), &log);
  cp::server::ServerRunner runner(std::move(options), store->get(), &clock, &ids, &log);
  if (absl::Status status = runner.Start(); !status.ok()) {
    return Fail(log, "listen_failed", status);
  }
  if (absl::Status status = runner.MakeReady(); !status.ok()) {
    runner.Shutdown(absl::ZeroDuration());
    return Fail(log, "migrate_failed", status);
  }
  std::cout << "profile-server listening on " << runner.address() << ", store "
            << (*store)->Describe() << std::endl;

  int signal = cp::server::WaitForTerminationSignal();
  log.Event(cp::server::LogLevel::kInfo, "signal",
            {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
  runner.Shutdown(config.drain_timeout);
  if (const cp::storage::ProfileCache* cache = (*store)->profile_cache(); cache != nullptr) {
    cp::storage::ProfileCacheStats stats = cache->Stats();
    log.Event(cp::server::LogLevel::kInfo, "profile_cache",
              {{"hits", absl::StrCat(stats.hits)},
               {"misses", absl::StrCat(stats.misses)},
               {"fills", absl::StrCat(stats.fills)},
               {"refused_fills", absl::StrCat(stats.refused_fills)},
               {"evictions", absl::StrCat(stats.evictions)},
               {"entries", absl::StrCat(stats.entries)},
               {"bytes", absl::StrCat(stats.bytes)}});
  }
  store->reset();
  log.Event(cp::server::LogLevel::kInfo, "exit", {{"code", "0"}});
  return 0;
}
