#include "server/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"

namespace cp::server {
namespace {

// HostOf returns HOST of "HOST:PORT".
std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

}  // namespace

ServerRunnerOptions RunnerOptionsFromConfig(const ServerConfig& config) {
  ServerRunnerOptions options;
  options.listen_address = config.listen;
  options.max_message_bytes = static_cast<int>(config.max_message_bytes);
  options.workers = config.workers;
  options.max_queue = static_cast<size_t>(config.max_queue);
  options.migrate = config.migrate;
  options.manager.validation.default_phone_region = config.default_phone_region;
  options.manager.validation.limits.max_request_bytes =
      static_cast<size_t>(config.max_request_bytes);
  options.manager.default_page_size = config.default_page_size;
  options.manager.max_page_size = config.max_page_size;
  return options;
}

ServerRunner::ServerRunner(ServerRunnerOptions options, storage::Store* store,
                           const domain::Clock* clock, domain::IdGenerator* ids, JsonLog* log)
    : options_(std::move(options)),
      store_(store),
      log_(log),
      pool_(options_.workers, options_.max_queue),
      manager_(store, clock, ids, options_.manager),
      service_(&manager_, &pool_, log, options_.service) {}

ServerRunner::~ServerRunner() { Shutdown(absl::ZeroDuration()); }

absl::Status ServerRunner::Start() {
  // The health service's descriptor lives in cp_proto; naming it keeps it in
  // the binary, so reflection can describe grpc.health.v1.Health too.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address,
                     ": the address is in use (is another profile-server running?) or not local"));
  }
  SetServing(false);
  address_ = absl::StrCat(HostOf(options_.listen_address), ":", port_);
  log_->Event(LogLevel::kInfo, "listening", {{"address", address_}});
  return absl::OkStatus();
}

absl::Status ServerRunner::MakeReady() {
  if (options_.migrate != MigrateMode::kOff) {
    absl::Time start = absl::Now();
    if (absl::Status status = store_->Migrate(); !status.ok()) return status;
    log_->Event(LogLevel::kInfo, "migrated",
                {{"store", store_->Describe()},
                 {"latency_ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}});
  }
  service_.SetReady(true);
  SetServing(true);
  log_->Event(LogLevel::kInfo, "serving", {{"address", address_}});
  return absl::OkStatus();
}

void ServerRunner::SetServing(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  health->SetServingStatus(customerprofile::v1::ProfileService::service_full_name(), serving);
}

void ServerRunner::Shutdown(absl::Duration drain_timeout) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    log_->Event(LogLevel::kInfo, "draining",
                {{"drain_timeout_ms", absl::StrCat(absl::ToInt64Milliseconds(drain_timeout))}});
    // Health's Shutdown marks every service NOT_SERVING for good.
    if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
      health->Shutdown();
    }
    server_->Shutdown(absl::ToChronoTime(absl::Now() + drain_timeout));
  }
  pool_.Shutdown();
  if (server_ != nullptr) {
    server_->Wait();
    log_->Event(LogLevel::kInfo, "stopped", {{"address", address_}});
  }
}

}  // namespace cp::server
