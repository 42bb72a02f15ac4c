// ServerMetrics without a server: what it counts and what it reads from the
// worker pool and the store at scrape time, in Prometheus's text format.

#include "server/server_metrics.h"

#include <prometheus/text_serializer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace cp::server {
namespace {

// StatsStore is a Store whose only working part is Stats().
class StatsStore final : public storage::Store {
 public:
  absl::Status Migrate() override { return absl::OkStatus(); }
  absl::Status CheckSchema() override { return absl::OkStatus(); }
  absl::Status Run(storage::TransactionMode, absl::Time,
                   absl::FunctionRef<absl::Status(storage::Transaction&)>) override {
    return absl::UnimplementedError("not in this test");
  }
  void SetChangeListener(std::function<void()>) override {}
  std::string Describe() const override { return "stats"; }
  storage::StoreStats Stats() const override { return stats; }

  storage::StoreStats stats;
};

std::string Text(const ServerMetrics& metrics) {
  std::vector<prometheus::MetricFamily> families;
  for (const std::weak_ptr<prometheus::Collectable>& weak : metrics.collectables()) {
    std::shared_ptr<prometheus::Collectable> collectable = weak.lock();
    if (collectable == nullptr) continue;
    for (prometheus::MetricFamily& family : collectable->Collect()) {
      families.push_back(std::move(family));
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

TEST(ServerMetricsTest, CountsCallsByServiceMethodAndCode) {
  WorkerPool pool(1, 4);
  StatsStore store;
  ServerMetrics metrics(&pool, &store);
  metrics.ObserveCall("/customerprofile.v1.ProfileService/GetProfile", absl::StatusCode::kOk,
                      absl::Milliseconds(3));
  metrics.ObserveCall("/customerprofile.v1.ProfileService/GetProfile", absl::StatusCode::kOk,
                      absl::Milliseconds(700));
  metrics.ObserveCall("/customerprofile.v1.ProfileService/GetProfile", absl::StatusCode::kNotFound,
                      absl::Milliseconds(1));
  std::string text = Text(metrics);
  EXPECT_TRUE(absl::StrContains(
      text,
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"GetProfile\",grpc_service="
      "\"customerprofile.v1.ProfileService\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method=\"GetProfile\","
      "grpc_service=\"customerprofile.v1.ProfileService\"} 1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "grpc_server_handling_seconds_bucket{grpc_method=\"GetProfile\",grpc_service="
      "\"customerprofile.v1.ProfileService\",le=\"0.005\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "grpc_server_handling_seconds_count{grpc_method=\"GetProfile\",grpc_service="
      "\"customerprofile.v1.ProfileService\"} 3\n"))
      << text;
}

TEST(ServerMetricsTest, CountsConsentAnswersAndImportLines) {
  WorkerPool pool(1, 4);
  StatsStore store;
  ServerMetrics metrics(&pool, &store);
  metrics.CountConsentAnswer(true, "CHECK_REASON_GRANTED");
  metrics.CountConsentAnswer(false, "CHECK_REASON_SUPPRESSED");
  metrics.CountConsentAnswer(false, "CHECK_REASON_SUPPRESSED");
  metrics.CountImportLines("added", 250);
  metrics.CountImportLines("rejected", 3);
  metrics.CountImportLines("skipped", 0);
  std::string text = Text(metrics);
  EXPECT_TRUE(absl::StrContains(
      text, "cp_consent_checks_total{answer=\"allowed\",reason=\"CHECK_REASON_GRANTED\"} 1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "cp_consent_checks_total{answer=\"denied\",reason=\"CHECK_REASON_SUPPRESSED\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "cp_register_import_lines_total{outcome=\"added\"} 250\n"));
  EXPECT_TRUE(absl::StrContains(text, "cp_register_import_lines_total{outcome=\"rejected\"} 3\n"));
  EXPECT_FALSE(absl::StrContains(text, "outcome=\"skipped\"")) << "no series for zero lines";
}

TEST(ServerMetricsTest, ReadsTheStoreWhenScraped) {
  WorkerPool pool(1, 4);
  StatsStore store;
  ServerMetrics metrics(&pool, &store);
  store.stats.pool = {.capacity = 8, .open = 5, .in_use = 3, .waits = 7, .wait_timeouts = 2};
  store.stats.retries[static_cast<size_t>(storage::RetryCause::kDeadlock)] = 4;
  store.stats.aborts[static_cast<size_t>(storage::AbortCause::kConflict)] = 1;
  std::string text = Text(metrics);
  for (const char* line :
       {"cp_db_pool_capacity 8\n", "cp_db_pool_open 5\n", "cp_db_pool_in_use 3\n",
        "cp_db_pool_waits_total 7\n", "cp_db_pool_wait_timeouts_total 2\n",
        "cp_db_transaction_retries_total{cause=\"deadlock\"} 4\n",
        "cp_db_transaction_retries_total{cause=\"busy\"} 0\n",
        "cp_db_transaction_aborts_total{cause=\"conflict\"} 1\n",
        "cp_profile_cache_hits_total 0\n"}) {
    EXPECT_TRUE(absl::StrContains(text, line)) << line << " in\n" << text;
  }
  store.stats.pool.in_use = 0;
  EXPECT_TRUE(absl::StrContains(Text(metrics), "cp_db_pool_in_use 0\n"));
}

TEST(ServerMetricsTest, ReadsTheWorkerPoolWhenScraped) {
  WorkerPool pool(1, 1);
  StatsStore store;
  ServerMetrics metrics(&pool, &store);
  absl::Notification started, release;
  ASSERT_TRUE(pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  ASSERT_TRUE(pool.Submit([] {}));
  EXPECT_FALSE(pool.Submit([] {})) << "the queue holds one task";
  std::string text = Text(metrics);
  for (const char* line :
       {"cp_worker_threads 1\n", "cp_worker_busy 1\n", "cp_worker_queue_depth 1\n",
        "cp_worker_queue_capacity 1\n", "cp_worker_rejections_total 1\n"}) {
    EXPECT_TRUE(absl::StrContains(text, line)) << line << " in\n" << text;
  }
  release.Notify();
  pool.Shutdown();
  EXPECT_TRUE(absl::StrContains(Text(metrics), "cp_worker_busy 0\n"));
}

}  // namespace
}  // namespace cp::server
