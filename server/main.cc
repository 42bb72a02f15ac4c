// profile-server: the customer profile gRPC service.

#include <signal.h>

#include <iostream>
#include <memory>

#include "domain/clock.h"
#include "domain/id_generator.h"
#include "server/config.h"
#include "server/json_log.h"
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
  cp::server::ServerConfig config = cp::server::ParseCommandLineOrExit(argc, argv);
  cp::server::BlockTerminationSignals();
  cp::server::JsonLog log(config.log_level);

  cp::server::StoreSettings store_settings;
  store_settings.uri = config.store;
  store_settings.mysql_password_file = config.mysql_password_file;
  store_settings.mysql_password = config.mysql_password_env;
  store_settings.sqlite_pool_size = config.sqlite_pool_size;
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

  cp::domain::SystemClock clock;
  cp::domain::RandomIdGenerator ids;
  cp::server::ServerRunner runner(cp::server::RunnerOptionsFromConfig(config), store->get(), &clock,
                                  &ids, &log);
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
  store->reset();
  log.Event(cp::server::LogLevel::kInfo, "exit", {{"code", "0"}});
  return 0;
}
