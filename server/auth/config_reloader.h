#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "server/auth/access_control.h"
#include "server/json_log.h"

namespace cp::server::auth {

// BlockReloadSignal blocks SIGHUP in the calling thread and every thread it
// starts afterwards, so that only ConfigReloader takes it. Call it before
// any thread is started.
void BlockReloadSignal();

// ConfigReloader re-reads the auth config file on every SIGHUP and swaps it
// into `access`. A file that does not load keeps the old config and logs an
// error. SIGHUP must be blocked (BlockReloadSignal).
class ConfigReloader {
 public:
  ConfigReloader(std::string path, AccessControl* access, JsonLog* log);
  // ~ConfigReloader stops the reload thread.
  ~ConfigReloader();

  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

 private:
  void Run();

  const std::string path_;
  AccessControl* const access_;
  JsonLog* const log_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace cp::server::auth
