#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/status_conversion.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// GatedStore wraps a store and holds Migrate, and (when armed) every Run, at
// a gate until the test opens it.
class GatedStore : public storage::Store {
 public:
  explicit GatedStore(std::unique_ptr<storage::Store> inner) : inner_(std::move(inner)) {}

  absl::Status Migrate() override {
    migrate_entered.Notify();
    migrate_gate.WaitForNotification();
    return inner_->Migrate();
  }

  absl::Status CheckSchema() override { return inner_->CheckSchema(); }

  absl::Status Run(storage::TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(storage::Transaction&)> body) override {
    if (hold_runs.load()) {
      runs_entered.fetch_add(1);
      run_gate.WaitForNotification();
    }
    return inner_->Run(mode, deadline, body);
  }

  void SetChangeListener(std::function<void()> listener) override {
    inner_->SetChangeListener(std::move(listener));
  }
  std::string Describe() const override { return inner_->Describe(); }

  absl::Notification migrate_entered;
  absl::Notification migrate_gate;
  std::atomic<bool> hold_runs{false};
  std::atomic<int> runs_entered{0};
  absl::Notification run_gate;

 private:
  std::unique_ptr<storage::Store> inner_;
};

class ServerLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::SqliteStoreOptions options;
    options.path = dir_.File("profiles.db");
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::make_unique<GatedStore>(*std::move(store));
  }

  void TearDown() override {
    // Never leave a worker or MakeReady stuck at a gate, even when a test
    // failed half-way; then stop the server.
    if (!store_->migrate_gate.HasBeenNotified()) store_->migrate_gate.Notify();
    if (!store_->run_gate.HasBeenNotified()) store_->run_gate.Notify();
    server_.reset();
  }

  // StartServer starts server_ on the gated store.
  void StartServer(TestServerOptions options = {}) {
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start(store_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  static HealthCheckResponse::ServingStatus Health(TestServer& server, const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(server.NewChannel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  static absl::Status GetProfile(TestServer& server) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetProfileRequest request;
    request.set_name("profiles/nobody");
    v1::Profile profile;
    return server::FromGrpcStatus(server.NewStub()->GetProfile(&context, request, &profile));
  }

  TempDir dir_;
  std::unique_ptr<GatedStore> store_;
  std::unique_ptr<TestServer> server_;
};

// Verifies that while migrations run the server already listens but health
// says NOT_SERVING and ProfileService answers UNAVAILABLE; after them both
// serve.
TEST_F(ServerLifecycleTest, NotServingUntilMigrated) {
  TestServerOptions options;
  options.make_ready = false;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  absl::Status ready = absl::UnknownError("not run");
  std::thread make_ready([&] { ready = server_->runner().MakeReady(); });
  absl::Cleanup join = [&] {
    if (!store_->migrate_gate.HasBeenNotified()) store_->migrate_gate.Notify();
    make_ready.join();
  };
  store_->migrate_entered.WaitForNotification();

  EXPECT_EQ(Health(*server_, ""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health(*server_, "customerprofile.v1.ProfileService"),
            HealthCheckResponse::NOT_SERVING);
  absl::Status status = GetProfile(*server_);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(domain::GetErrorInfo(status).has_value());
  EXPECT_EQ(domain::GetErrorInfo(status)->reason(), "NOT_READY");

  std::move(join).Invoke();
  ASSERT_TRUE(ready.ok()) << ready;
  EXPECT_EQ(Health(*server_, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(*server_, "customerprofile.v1.ProfileService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(GetProfile(*server_).code(), absl::StatusCode::kNotFound);
}

// Verifies that when the one worker is busy and the queue is full, a call is
// refused at once with RESOURCE_EXHAUSTED and a RetryInfo, while queued
// calls still complete.
TEST_F(ServerLifecycleTest, FullQueueAnswersResourceExhausted) {
  store_->migrate_gate.Notify();
  TestServerOptions options;
  options.runner.workers = 1;
  options.runner.max_queue = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  store_->hold_runs.store(true);

  // Three concurrent calls: one runs (held at the gate), one waits in the
  // queue, one is refused.
  auto stub = server_->NewStub();
  constexpr int kCalls = 3;
  grpc::ClientContext contexts[kCalls];
  v1::GetProfileRequest request;
  request.set_name("profiles/nobody");
  v1::Profile responses[kCalls];
  absl::Mutex mu;
  std::vector<grpc::Status> results;
  auto start_call = [&](int i) {
    contexts[i].set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    stub->async()->GetProfile(&contexts[i], &request, &responses[i], [&](grpc::Status status) {
      absl::MutexLock lock(&mu);
      results.push_back(std::move(status));
    });
  };
  start_call(0);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (store_->runs_entered.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(store_->runs_entered.load(), 1);
  start_call(1);
  start_call(2);
  {
    absl::MutexLock lock(&mu);
    auto one_result = [&results] { return !results.empty(); };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&one_result), absl::Seconds(10)));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    absl::Status busy = server::FromGrpcStatus(results[0]);
    ASSERT_TRUE(domain::GetErrorInfo(busy).has_value());
    EXPECT_EQ(domain::GetErrorInfo(busy)->reason(), "SERVER_BUSY");
    EXPECT_TRUE(busy.GetPayload(domain::kRetryInfoTypeUrl).has_value());
  }

  store_->run_gate.Notify();
  absl::MutexLock lock(&mu);
  auto all_results = [&results] { return results.size() == kCalls; };
  ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&all_results), absl::Seconds(10)));
  EXPECT_EQ(results[1].error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(results[2].error_code(), grpc::StatusCode::NOT_FOUND);
}

// Verifies that Shutdown turns health NOT_SERVING at once, lets a call that
// is already running finish normally within the drain period, and only then
// returns.
TEST_F(ServerLifecycleTest, ShutdownDrainsInFlightCall) {
  store_->migrate_gate.Notify();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  store_->hold_runs.store(true);

  // A health watcher connected before the drain sees it begin.
  auto health = grpc::health::v1::Health::NewStub(server_->NewChannel());
  grpc::ClientContext watch_context;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch =
      health->Watch(&watch_context, HealthCheckRequest());
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

  auto stub = server_->NewStub();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::GetProfileRequest request;
  request.set_name("profiles/nobody");
  v1::Profile response;
  absl::Notification call_done;
  grpc::Status call_status;
  stub->async()->GetProfile(&context, &request, &response, [&](grpc::Status status) {
    call_status = std::move(status);
    call_done.Notify();
  });
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (store_->runs_entered.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(store_->runs_entered.load(), 1);

  absl::Notification shutdown_done;
  std::thread shutdown([&] {
    server_->runner().Shutdown(absl::Seconds(10));
    shutdown_done.Notify();
  });
  EXPECT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  watch_context.TryCancel();
  watch->Finish();
  EXPECT_FALSE(shutdown_done.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  store_->run_gate.Notify();
  shutdown.join();
  ASSERT_TRUE(call_done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(call_status.error_code(), grpc::StatusCode::NOT_FOUND) << call_status.error_message();
}

}  // namespace
}  // namespace cp::testing
