#include "server/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "server/auth/reflection_gate.h"

namespace cp::server {
namespace {

// HostOf returns HOST of "HOST:PORT".
std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read --", flag, " ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

namespace {

constexpr char kNoAuthWarning[] =
    "--insecure-no-auth: NO AUTHENTICATION on a network address; every caller that reaches "
    "the port has every scope, personal data included. For test setups only";

}  // namespace

bool IsLoopbackHost(const std::string& listen_address) {
  std::string host = HostOf(listen_address);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerRunner::Credentials() const {
  if (options_.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert = ReadPem(options_.tls_cert_file, "tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(options_.tls_key_file, "tls-key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (!options_.tls_client_ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(options_.tls_client_ca_file, "tls-client-ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    ssl.client_certificate_request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

ServerRunnerOptions RunnerOptionsFromConfig(const ServerConfig& config) {
  ServerRunnerOptions options;
  options.listen_address = config.listen;
  options.max_message_bytes = static_cast<int>(config.max_message_bytes);
  options.stream_idle_timeout = config.stream_idle_timeout;
  options.dispatcher.max_call_time = config.max_call_time;
  options.max_concurrent_streams = config.max_concurrent_streams;
  options.workers = config.workers;
  options.max_queue = static_cast<size_t>(config.max_queue);
  options.migrate = config.migrate;
  const domain::PagingOptions paging{config.default_page_size, config.max_page_size};
  options.profile.validation.default_phone_region = config.default_phone_region;
  options.profile.validation.limits.max_request_bytes =
      static_cast<size_t>(config.max_request_bytes);
  options.profile.paging = paging;
  options.consent.purposes.paging = paging;
  options.consent.ledger.paging = paging;
  options.consent.ledger.default_phone_region = config.default_phone_region;
  options.consent.checker.default_phone_region = config.default_phone_region;
  options.suppression.manager.paging = paging;
  options.suppression.default_phone_region = config.default_phone_region;
  options.interactions.paging = paging;
  options.interactions.value_tiers = config.value_tiers;
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.tls_client_ca_file = config.tls_client_ca;
  options.insecure_plaintext = config.insecure_plaintext;
  options.insecure_no_auth = config.insecure_no_auth;
  options.metrics_listen = config.metrics_listen;
  options.changes.retention = config.change_retention;
  options.changes.audit_retention = config.audit_retention;
  options.change_poller.poll_interval = config.change_poll_interval;
  options.watch.heartbeat = config.watch_heartbeat;
  options.watch.stall_timeout = config.watch_stall_timeout;
  options.audit_paging = paging;
  options.audit_pii_reads = config.audit_pii_reads;
  return options;
}

ServerRunner::ServerRunner(ServerRunnerOptions options, storage::Store* store,
                           const domain::Clock* clock, domain::IdGenerator* ids, JsonLog* log)
    : options_(std::move(options)),
      store_(store),
      log_(log),
      pool_(options_.workers, options_.max_queue),
      watchdog_(options_.stream_idle_timeout),
      access_(options_.access != nullptr ? options_.access
                                         : std::make_shared<auth::AccessControl>(std::nullopt)),
      metrics_(options_.metrics_listen.empty() ? nullptr
                                               : std::make_unique<ServerMetrics>(&pool_, store)),
      dispatcher_(&pool_, &watchdog_, log, access_.get(), options_.dispatcher, metrics_.get()),
      interaction_manager_(store, clock, ids, options_.interactions),
      profile_manager_(store, clock, ids, options_.profile),
      merge_manager_(store, clock, ids, &profile_manager_.validator(), options_.profile.paging,
                     &interaction_manager_),
      duplicate_finder_(store, options_.profile.paging),
      read_auditor_(store, clock),
      profile_service_(&profile_manager_, &merge_manager_, &duplicate_finder_, &dispatcher_,
                       options_.audit_pii_reads ? &read_auditor_ : nullptr),
      purpose_manager_(store, clock, options_.consent.purposes),
      consent_ledger_(store, clock, ids, options_.consent.ledger),
      consent_checker_(store, clock, &do_not_contact_registers_, options_.consent.checker),
      consent_service_(&purpose_manager_, &consent_ledger_, &consent_checker_, &dispatcher_),
      suppression_identifiers_(options_.suppression.default_phone_region),
      suppression_manager_(store, clock, &suppression_identifiers_, options_.suppression.manager),
      suppression_service_(&suppression_manager_, &dispatcher_),
      interaction_service_(&interaction_manager_, &dispatcher_),
      change_tail_(store, clock),
      change_feed_(store, clock, &change_tail_, options_.changes),
      change_poller_(&change_feed_, log, options_.change_poller),
      change_service_(&change_feed_, &change_poller_, &dispatcher_, options_.watch),
      audit_trail_(store, options_.audit_paging),
      audit_service_(&audit_trail_, &dispatcher_),
      reflection_v1_service_({customerprofile::v1::ProfileService::service_full_name(),
                              customerprofile::v1::ConsentService::service_full_name(),
                              customerprofile::v1::SuppressionService::service_full_name(),
                              customerprofile::v1::InteractionService::service_full_name(),
                              customerprofile::v1::ChangeService::service_full_name(),
                              customerprofile::v1::AuditService::service_full_name(),
                              "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection",
                              "grpc.reflection.v1.ServerReflection"}),
      suppression_cleaner_(&suppression_manager_, log) {
  suppression_service_.SetChangeCallback([this]() { suppression_cleaner_.Notify(); });
  // This server's own commits reach its watchers at once.
  store_->SetChangeListener([this]() { change_poller_.Notify(); });
}

ServerRunner::~ServerRunner() { Shutdown(absl::ZeroDuration()); }

std::string ServerRunner::metrics_address() const {
  return metrics_endpoint_ != nullptr ? metrics_endpoint_->address() : "";
}

absl::Status ServerRunner::Start() {
  // The health service's descriptor lives in cp_proto; naming it keeps it in
  // the binary, so reflection can describe grpc.health.v1.Health too.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(true);

  if (access_->development_mode()) {
    if (!IsLoopbackHost(options_.listen_address)) {
      if (!options_.insecure_no_auth) {
        return absl::FailedPreconditionError(absl::StrCat(
            "refusing to listen on ", options_.listen_address,
            " without --auth-config: development mode (authentication off) is only allowed on a "
            "loopback address such as 127.0.0.1 (or, for a test setup only, with "
            "--insecure-no-auth)"));
      }
      log_->Event(LogLevel::kWarn, "auth_disabled",
                  {{"address", options_.listen_address}, {"detail", kNoAuthWarning}});
    } else {
      log_->Event(LogLevel::kWarn, "auth_disabled",
                  {{"detail", "no --auth-config: development mode, every caller has every scope"}});
    }
  } else if (options_.tls_cert_file.empty() && !IsLoopbackHost(options_.listen_address)) {
    if (!options_.insecure_plaintext) {
      return absl::FailedPreconditionError(
          absl::StrCat("refusing to listen on ", options_.listen_address,
                       " in plaintext: API keys and tokens would cross the network in clear; give "
                       "--tls-cert and --tls-key, listen on a loopback address, or pass "
                       "--insecure-plaintext behind a TLS-terminating proxy"));
    }
    log_->Event(
        LogLevel::kWarn, "plaintext",
        {{"address", options_.listen_address},
         {"detail", "--insecure-plaintext: API keys and tokens cross the network unencrypted"}});
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials();
  if (!credentials.ok()) return credentials.status();

  grpc::ServerBuilder builder;
  // Reflection is always registered; with an auth config the gate lets
  // calls through while the (reloadable) config allows it. Development mode
  // always allows it, and skips the gate's per-call cost.
  if (!access_->development_mode()) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> gate;
    gate.push_back(std::make_unique<auth::ReflectionGateFactory>(access_, log_));
    builder.experimental().SetInterceptorCreators(std::move(gate));
  }
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Every call is a stream of its connection: bounding them bounds what one
  // client can make the server hold.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.AddListeningPort(options_.listen_address, *credentials, &port_);
  builder.RegisterService(&profile_service_);
  builder.RegisterService(&consent_service_);
  builder.RegisterService(&suppression_service_);
  builder.RegisterService(&interaction_service_);
  builder.RegisterService(&change_service_);
  builder.RegisterService(&audit_service_);
  builder.RegisterService(&reflection_v1_service_);
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
  if (metrics_ != nullptr) {
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
        MetricsEndpoint::Start(options_.metrics_listen, *metrics_);
    if (!endpoint.ok()) return endpoint.status();
    metrics_endpoint_ = *std::move(endpoint);
    log_->Event(LogLevel::kInfo, "metrics_listening",
                {{"address", metrics_endpoint_->address()}, {"path", "/metrics"}});
  }
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
  {
    // Insights stored before their running totals were kept, or tiered by
    // other --value-tiers, are brought up to date before serving.
    absl::Time start = absl::Now();
    if (absl::Status status = interaction_manager_.RefreshInsights(start + absl::Minutes(30));
        !status.ok()) {
      return status;
    }
    log_->Event(LogLevel::kInfo, "insights_refreshed",
                {{"latency_ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}});
  }
  dispatcher_.SetReady(true);
  suppression_cleaner_.Start();
  change_poller_.Start();
  SetServing(true);
  if (access_->development_mode() && !IsLoopbackHost(options_.listen_address)) {
    log_->Event(LogLevel::kWarn, "serving",
                {{"address", address_}, {"warning", std::string(kNoAuthWarning)}});
  } else {
    log_->Event(LogLevel::kInfo, "serving", {{"address", address_}});
  }
  return absl::OkStatus();
}

void ServerRunner::SetServing(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  health->SetServingStatus(customerprofile::v1::ProfileService::service_full_name(), serving);
  health->SetServingStatus(customerprofile::v1::ConsentService::service_full_name(), serving);
  health->SetServingStatus(customerprofile::v1::SuppressionService::service_full_name(), serving);
  health->SetServingStatus(customerprofile::v1::InteractionService::service_full_name(), serving);
  health->SetServingStatus(customerprofile::v1::ChangeService::service_full_name(), serving);
  health->SetServingStatus(customerprofile::v1::AuditService::service_full_name(), serving);
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
    // Watch streams never end by themselves: they end now, resumably, so
    // that the drain waits only for calls that do.
    change_poller_.Close();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + drain_timeout));
  }
  change_poller_.Stop();
  suppression_cleaner_.Stop();
  pool_.Shutdown();
  // Nothing of this server commits any more; the store may outlive it.
  store_->SetChangeListener(nullptr);
  if (server_ != nullptr) {
    server_->Wait();
    log_->Event(LogLevel::kInfo, "stopped", {{"address", address_}});
  }
}

}  // namespace cp::server
