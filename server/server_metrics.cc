#include "server/server_metrics.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "storage/store_stats.h"

namespace cp::server {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Latency buckets in seconds: from a cached read to a call's longest time.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *kBuckets;
}

// ServiceAndMethod splits "/pkg.Service/Method" into its two names.
std::pair<std::string, std::string> ServiceAndMethod(absl::string_view full_method) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(absl::StripPrefix(full_method, "/"), absl::MaxSplits('/', 1));
  return parts;
}

MetricFamily Family(std::string name, std::string help, MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

ClientMetric Value(MetricType type, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

MetricFamily Single(std::string name, std::string help, MetricType type, double value) {
  MetricFamily family = Family(std::move(name), std::move(help), type);
  family.metric.push_back(Value(type, value));
  return family;
}

}  // namespace

// ScrapeTimeCollector reads the worker pool, the store and its cache when
// scraped: their own counters are the truth, copied into no second set.
class ServerMetrics::ScrapeTimeCollector final : public prometheus::Collectable {
 public:
  ScrapeTimeCollector(const WorkerPool* pool, storage::Store* store) : pool_(pool), store_(store) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> families;
    WorkerPoolStats workers = pool_->Stats();
    families.push_back(Single("cp_worker_threads", "Worker threads that run calls' blocking work.",
                              MetricType::Gauge, static_cast<double>(workers.threads)));
    families.push_back(Single("cp_worker_busy", "Worker threads running a call now.",
                              MetricType::Gauge, static_cast<double>(workers.busy)));
    families.push_back(Single("cp_worker_queue_depth", "Calls waiting for a worker thread.",
                              MetricType::Gauge, static_cast<double>(workers.queued)));
    families.push_back(Single("cp_worker_queue_capacity",
                              "The most calls that may wait for a worker (--max-queue).",
                              MetricType::Gauge, static_cast<double>(workers.max_queue)));
    families.push_back(Single("cp_worker_rejections_total",
                              "Calls refused RESOURCE_EXHAUSTED because the worker queue was full.",
                              MetricType::Counter, static_cast<double>(workers.rejected)));

    storage::StoreStats store = store_->Stats();
    families.push_back(Single("cp_db_pool_capacity", "The most database connections opened.",
                              MetricType::Gauge, store.pool.capacity));
    families.push_back(Single("cp_db_pool_open", "Database connections open now.",
                              MetricType::Gauge, store.pool.open));
    families.push_back(Single("cp_db_pool_in_use",
                              "Database connections lent to a transaction now.", MetricType::Gauge,
                              store.pool.in_use));
    families.push_back(Single("cp_db_pool_waits_total",
                              "Transactions that found no database connection free and waited.",
                              MetricType::Counter, static_cast<double>(store.pool.waits)));
    families.push_back(
        Single("cp_db_pool_wait_timeouts_total",
               "Transactions that waited for a database connection until their deadline.",
               MetricType::Counter, static_cast<double>(store.pool.wait_timeouts)));
    MetricFamily retries =
        Family("cp_db_transaction_retries_total",
               "Transactions run again after a transient conflict, by cause.", MetricType::Counter);
    for (size_t i = 0; i < storage::kRetryCauseCount; ++i) {
      retries.metric.push_back(Value(
          MetricType::Counter, static_cast<double>(store.retries[i]),
          {{"cause", std::string(storage::RetryCauseName(static_cast<storage::RetryCause>(i)))}}));
    }
    families.push_back(std::move(retries));
    MetricFamily aborts =
        Family("cp_db_transaction_aborts_total", "Transactions given up after retrying, by cause.",
               MetricType::Counter);
    for (size_t i = 0; i < storage::kAbortCauseCount; ++i) {
      aborts.metric.push_back(Value(
          MetricType::Counter, static_cast<double>(store.aborts[i]),
          {{"cause", std::string(storage::AbortCauseName(static_cast<storage::AbortCause>(i)))}}));
    }
    families.push_back(std::move(aborts));

    storage::ProfileCache* cache = store_->profile_cache();
    storage::ProfileCacheStats cached =
        cache != nullptr ? cache->Stats() : storage::ProfileCacheStats{};
    families.push_back(Single("cp_profile_cache_hits_total",
                              "Profile reads answered from the cache.", MetricType::Counter,
                              static_cast<double>(cached.hits)));
    families.push_back(Single("cp_profile_cache_misses_total",
                              "Profile reads the cache could not answer.", MetricType::Counter,
                              static_cast<double>(cached.misses)));
    families.push_back(Single("cp_profile_cache_evictions_total",
                              "Profiles dropped from the cache to stay within its size.",
                              MetricType::Counter, static_cast<double>(cached.evictions)));
    return families;
  }

 private:
  const WorkerPool* const pool_;
  storage::Store* const store_;
};

ServerMetrics::ServerMetrics(const WorkerPool* pool, storage::Store* store)
    : registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter()
                 .Name("grpc_server_handled_total")
                 .Help("Calls finished, by service, method and gRPC code.")
                 .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("How long calls took from admission to their answer, by method.")
                   .Register(*registry_)),
      consent_checks_(prometheus::BuildCounter()
                          .Name("cp_consent_checks_total")
                          .Help("Consent checks (CheckConsent and each profile of "
                                "BatchCheckConsent), by answer and reason.")
                          .Register(*registry_)),
      import_lines_(prometheus::BuildCounter()
                        .Name("cp_register_import_lines_total")
                        .Help("Lines of do-not-contact register imports, by outcome.")
                        .Register(*registry_)),
      collector_(std::make_shared<ScrapeTimeCollector>(pool, store)) {}

void ServerMetrics::ObserveCall(absl::string_view full_method, absl::StatusCode code,
                                absl::Duration latency) {
  auto [service, method] = ServiceAndMethod(full_method);
  calls_
      .Add({{"grpc_service", service},
            {"grpc_method", method},
            {"grpc_code", absl::StatusCodeToString(code)}})
      .Increment();
  latency_.Add({{"grpc_service", service}, {"grpc_method", method}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void ServerMetrics::CountConsentAnswer(bool allowed, absl::string_view reason) {
  consent_checks_.Add({{"answer", allowed ? "allowed" : "denied"}, {"reason", std::string(reason)}})
      .Increment();
}

void ServerMetrics::CountImportLines(absl::string_view outcome, int64_t lines) {
  if (lines <= 0) return;
  import_lines_.Add({{"outcome", std::string(outcome)}}).Increment(static_cast<double>(lines));
}

std::vector<std::weak_ptr<prometheus::Collectable>> ServerMetrics::collectables() const {
  return {registry_, collector_};
}

}  // namespace cp::server
