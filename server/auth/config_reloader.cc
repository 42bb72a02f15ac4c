#include "server/auth/config_reloader.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>
#include <utility>

#include "server/auth/auth_config.h"

namespace cp::server::auth {
namespace {

sigset_t ReloadSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockReloadSignal() {
  sigset_t set = ReloadSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ConfigReloader::ConfigReloader(std::string path, AccessControl* access, JsonLog* log)
    : path_(std::move(path)), access_(access), log_(log), thread_([this] { Run(); }) {}

ConfigReloader::~ConfigReloader() {
  stop_.store(true);
  thread_.join();
}

void ConfigReloader::Run() {
  sigset_t set = ReloadSignals();
  // A short timeout lets the destructor stop the thread without a signal.
  const timespec timeout{0, 200'000'000};
  while (!stop_.load()) {
    if (sigtimedwait(&set, nullptr, &timeout) != SIGHUP) continue;
    absl::StatusOr<AuthConfig> config = LoadAuthConfig(path_);
    if (!config.ok()) {
      log_->Event(LogLevel::kError, "auth_config_reload_failed",
                  {{"path", path_}, {"error", std::string(config.status().message())}});
      continue;
    }
    size_t apps = config->apps.size();
    access_->Reload(*std::move(config));
    log_->Event(LogLevel::kInfo, "auth_config_reloaded",
                {{"path", path_}, {"apps", std::to_string(apps)}});
  }
}

}  // namespace cp::server::auth
