#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/change/audit_trail.h"
#include "domain/change/change_feed.h"
#include "domain/change/change_tail.h"
#include "domain/change/read_auditor.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "domain/consent/consent_checker.h"
#include "domain/consent/consent_ledger.h"
#include "domain/consent/purpose_manager.h"
#include "domain/interaction/interaction_manager.h"
#include "domain/profile/duplicate_finder.h"
#include "domain/profile/merge_manager.h"
#include "domain/profile/profile_manager.h"
#include "domain/suppression/store_do_not_contact_registers.h"
#include "domain/suppression/suppression_identifier.h"
#include "domain/suppression/suppression_manager.h"
#include "server/audit_service.h"
#include "server/auth/access_control.h"
#include "server/call_dispatcher.h"
#include "server/change_poller.h"
#include "server/change_service.h"
#include "server/config.h"
#include "server/consent_service.h"
#include "server/interaction_service.h"
#include "server/json_log.h"
#include "server/metrics_endpoint.h"
#include "server/profile_service.h"
#include "server/reflection_v1_service.h"
#include "server/server_metrics.h"
#include "server/stream_watchdog.h"
#include "server/suppression_cleaner.h"
#include "server/suppression_service.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace cp::server {

// ConsentOptions configures the consent aggregate: purposes and notice
// versions, the ledger and the checker.
struct ConsentOptions {
  domain::PurposeManagerOptions purposes;
  domain::ConsentLedgerOptions ledger;
  domain::ConsentCheckerOptions checker;
};

// SuppressionOptions configures the suppression aggregate.
struct SuppressionOptions {
  domain::SuppressionManagerOptions manager;
  // The region national-format phone numbers on lists are read in
  // (--default-phone-region, as for the phones on a profile).
  std::string default_phone_region = "NO";
};

// ServerRunnerOptions configures the gRPC server and what runs behind it.
struct ServerRunnerOptions {
  // HOST:PORT; port 0 picks a free one (see ServerRunner::address()).
  std::string listen_address = "127.0.0.1:0";
  // gRPC's limit on a received or sent message.
  int max_message_bytes = 4 * 1024 * 1024;
  // How long a stream may wait for its client's next message before it
  // ends with DEADLINE_EXCEEDED (more than zero).
  absl::Duration stream_idle_timeout = absl::Seconds(30);
  // Streams (calls) one connection may have open at once (at least 1);
  // gRPC holds further calls of that connection back until one ends.
  int max_concurrent_streams = 100;
  int workers = 4;
  size_t max_queue = 1024;
  // kAuto: MakeReady migrates the store first; kOff: it does not.
  MigrateMode migrate = MigrateMode::kAuto;
  // One set of options per aggregate; RunnerOptionsFromConfig gives each
  // the same page sizes and default phone region.
  domain::ProfileManagerOptions profile;
  ConsentOptions consent;
  SuppressionOptions suppression;
  domain::InteractionManagerOptions interactions;
  // The change feed and audit trail.
  domain::ChangeFeedOptions changes;
  ChangePollerOptions change_poller;
  WatchOptions watch;
  domain::PagingOptions audit_paging;
  // --audit-pii-reads: record every read of personal data in the trail.
  bool audit_pii_reads = false;
  CallDispatcherOptions dispatcher;
  // Who may call what; nullptr = development mode (no credentials, every
  // scope), which Start allows only on a loopback address. It also says,
  // call by call, whether server reflection may be used (see
  // auth::ReflectionGateFactory).
  std::shared_ptr<auth::AccessControl> access;
  // PEM files for TLS; empty cert = plaintext. With client_ca_file, client
  // certificates are requested and, when sent, verified against it.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Allows plaintext on a non-loopback address with `access` set; without
  // it Start refuses that (credentials would cross the network in clear).
  bool insecure_plaintext = false;
  // Allows development mode (no `access` config) on a non-loopback address,
  // with a loud warning (--insecure-no-auth, for containers of test setups).
  bool insecure_no_auth = false;
  // HOST:PORT to serve Prometheus metrics on (port 0 picks one); empty = the
  // server keeps no metrics.
  std::string metrics_listen;
};

// IsLoopbackHost tells whether HOST of "HOST:PORT" is a loopback address
// (127.0.0.0/8, ::1 or localhost).
bool IsLoopbackHost(const std::string& listen_address);

// RunnerOptionsFromConfig maps the command-line configuration onto the
// runner's options.
ServerRunnerOptions RunnerOptionsFromConfig(const ServerConfig& config);

// ServerRunner owns the gRPC server of profile-server: ProfileService,
// ConsentService and SuppressionService, each a thin handler over its
// aggregate's use cases, run on a bounded worker pool by one CallDispatcher
// (access control, deadlines, logging); the standard health service and
// server reflection; a StreamWatchdog that ends streams whose client went
// quiet; and a SuppressionCleaner that deletes retired suppression entries
// in the background. Its life: Start (listening, health NOT_SERVING, calls
// answered UNAVAILABLE), MakeReady (migrations, then SERVING and the
// cleaner running), Shutdown (NOT_SERVING, drain, stop).
class ServerRunner {
 public:
  // ServerRunner serves `store` (which must outlive it) through the
  // managers of every aggregate, made with `clock` and `ids`, logging to
  // `log` (which must outlive it too).
  ServerRunner(ServerRunnerOptions options, storage::Store* store, const domain::Clock* clock,
               domain::IdGenerator* ids, JsonLog* log);
  // ~ServerRunner shuts down without a drain period if still running.
  ~ServerRunner();

  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Start starts listening with health NOT_SERVING and every service
  // answering UNAVAILABLE. UNAVAILABLE naming the address when it cannot be
  // bound, e.g. because another server listens on it (SO_REUSEPORT is off).
  // FAILED_PRECONDITION in development mode on a non-loopback address;
  // INVALID_ARGUMENT when a TLS file cannot be read.
  absl::Status Start();

  // MakeReady applies the store's migrations (unless options.migrate is
  // kOff), then lets calls through, starts the suppression cleaner and marks
  // every service SERVING in health. On failure the server stays
  // NOT_SERVING.
  absl::Status MakeReady();

  // Shutdown sets health NOT_SERVING, stops accepting calls, lets in-flight
  // calls finish for up to `drain_timeout` (then cancels them), stops the
  // suppression cleaner and runs the worker pool dry. The store is not
  // touched. Idempotent.
  void Shutdown(absl::Duration drain_timeout);

  // address returns the HOST:PORT the server listens on, with the port it
  // picked when options.listen_address had port 0.
  std::string address() const { return address_; }
  int port() const { return port_; }

  // metrics_address returns the HOST:PORT metrics are served on once
  // started, or "" without options.metrics_listen.
  std::string metrics_address() const;

 private:
  void SetServing(bool serving);
  // Credentials returns TLS credentials from the options' PEM files, or
  // insecure ones when no certificate is configured.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials() const;

  const ServerRunnerOptions options_;
  storage::Store* const store_;
  JsonLog* const log_;
  WorkerPool pool_;
  StreamWatchdog watchdog_;
  std::shared_ptr<auth::AccessControl> access_;
  // Null without options.metrics_listen.
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;
  CallDispatcher dispatcher_;
  // Before the merge manager, which moves timelines through it.
  domain::InteractionManager interaction_manager_;
  domain::ProfileManager profile_manager_;
  domain::MergeManager merge_manager_;
  domain::DuplicateFinder duplicate_finder_;
  domain::ReadAuditor read_auditor_;
  ProfileService profile_service_;
  domain::PurposeManager purpose_manager_;
  domain::ConsentLedger consent_ledger_;
  domain::StoreDoNotContactRegisters do_not_contact_registers_;
  domain::ConsentChecker consent_checker_;
  ConsentService consent_service_;
  domain::SuppressionIdentifiers suppression_identifiers_;
  domain::SuppressionManager suppression_manager_;
  SuppressionService suppression_service_;
  InteractionService interaction_service_;
  domain::ChangeTail change_tail_;
  domain::ChangeFeed change_feed_;
  ChangePoller change_poller_;
  ChangeService change_service_;
  domain::AuditTrail audit_trail_;
  AuditService audit_service_;
  // grpc.reflection.v1 beside gRPC's own v1alpha plugin.
  ReflectionV1Service reflection_v1_service_;
  SuppressionCleaner suppression_cleaner_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace cp::server
