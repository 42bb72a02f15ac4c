#pragma once

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace cp::server {

// ServerMetrics is what profile-server counts for Prometheus (see
// docs/operations.md for every metric): calls by method and code, latency
// by method, the worker pool's queue and refusals, the store's connection
// pool, transaction retries and aborts by cause, the profile cache, consent
// answers and register import lines by outcome. The pool, store and cache
// figures are read when scraped. Labels carry only bounded names (methods,
// codes, causes), never personal data or profile ids. Thread-safe.
class ServerMetrics {
 public:
  // ServerMetrics reads `pool` and `store` (which must outlive it) when
  // scraped.
  ServerMetrics(const WorkerPool* pool, storage::Store* store);

  // ObserveCall counts one finished call of `full_method`
  // ("/customerprofile.v1.ProfileService/GetProfile") with `code` that took
  // `latency`.
  void ObserveCall(absl::string_view full_method, absl::StatusCode code, absl::Duration latency);

  // CountConsentAnswer counts one consent check answered `allowed` for
  // `reason` (a CheckReason name such as "CHECK_REASON_GRANTED").
  void CountConsentAnswer(bool allowed, absl::string_view reason);

  // CountImportLines counts `lines` register import lines with `outcome`
  // ("added", "duplicate", "rejected" or "skipped").
  void CountImportLines(absl::string_view outcome, int64_t lines);

  // collectables are what an exposer serves: the counters above and the
  // figures read at scrape time.
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables() const;

 private:
  class ScrapeTimeCollector;

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& consent_checks_;
  prometheus::Family<prometheus::Counter>& import_lines_;
  std::shared_ptr<ScrapeTimeCollector> collector_;
};

}  // namespace cp::server
