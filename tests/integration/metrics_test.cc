// --metrics-listen over real sockets, on both stores: after calls through
// gRPC a scrape of /metrics over HTTP shows the calls by method and code and
// their latency, the worker and database pool figures and the cache; a
// server without the option keeps no endpoint; an address in use is refused.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/http_get.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

// Sample returns the value of the sample `series` (name and labels exactly
// as exposed) in the scrape `text`, or nullopt when there is none.
std::optional<double> Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!absl::StartsWith(line, series + " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
  }
  return std::nullopt;
}

const char kCreateOk[] =
    "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"CreateProfile\",grpc_service="
    "\"customerprofile.v1.ProfileService\"}";
const char kGetNotFound[] =
    "grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method=\"GetProfile\",grpc_service="
    "\"customerprofile.v1.ProfileService\"}";
const char kCreateLatencyCount[] =
    "grpc_server_handling_seconds_count{grpc_method=\"CreateProfile\",grpc_service="
    "\"customerprofile.v1.ProfileService\"}";

class MetricsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    TestServerOptions options;
    options.runner.metrics_listen = "127.0.0.1:0";
    auto server = GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite(options)
                                                 : TestServer::StartWithMysql(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = server_->NewStub();
  }

  std::string Scrape() {
    absl::StatusOr<std::string> text = HttpGet(server_->runner().metrics_address(), "/metrics");
    EXPECT_TRUE(text.ok()) << text.status();
    return text.ok() ? *text : "";
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> stub_;
};

TEST_P(MetricsTest, ScrapeShowsTheCallsAndThePools) {
  ASSERT_FALSE(server_->runner().metrics_address().empty());
  std::string before = Scrape();
  EXPECT_TRUE(absl::StrContains(before, "# TYPE cp_worker_threads gauge")) << before;
  EXPECT_EQ(Sample(before, kCreateOk), std::nullopt);

  v1::CreateProfileRequest create;
  create.set_profile_id("metrics-ada");
  create.mutable_profile()->set_given_name("Ada");
  create.mutable_profile()->add_emails()->set_address("ada.metrics@example.com");
  v1::Profile profile;
  ASSERT_TRUE(stub_->CreateProfile(Context().get(), create, &profile).ok());
  for (int i = 0; i < 2; ++i) {
    v1::GetProfileRequest get;
    get.set_name("profiles/metrics-ada");
    ASSERT_TRUE(stub_->GetProfile(Context().get(), get, &profile).ok());
  }
  v1::GetProfileRequest missing;
  missing.set_name("profiles/nobody");
  EXPECT_EQ(stub_->GetProfile(Context().get(), missing, &profile).error_code(),
            grpc::StatusCode::NOT_FOUND);

  std::string after = Scrape();
  EXPECT_TRUE(absl::StrContains(after, "# TYPE grpc_server_handled_total counter")) << after;
  EXPECT_EQ(Sample(after, kCreateOk), 1);
  EXPECT_EQ(Sample(after, kGetNotFound), 1);
  EXPECT_EQ(Sample(after, kCreateLatencyCount), 1);
  EXPECT_GE(Sample(after, "cp_worker_threads").value_or(0), 1);
  EXPECT_EQ(Sample(after, "cp_worker_queue_depth"), 0);
  EXPECT_EQ(Sample(after, "cp_worker_rejections_total"), 0);
  EXPECT_GE(Sample(after, "cp_db_pool_capacity").value_or(0), 1);
  EXPECT_GE(Sample(after, "cp_db_pool_open").value_or(0), 1);
  EXPECT_EQ(Sample(after, "cp_db_pool_in_use"), 0) << "no transaction runs between calls";
  EXPECT_TRUE(Sample(after, "cp_db_transaction_retries_total{cause=\"deadlock\"}").has_value());
  EXPECT_TRUE(Sample(after, "cp_db_transaction_aborts_total{cause=\"deadline\"}").has_value());
  if (server_->store()->profile_cache() != nullptr) {
    EXPECT_GE(Sample(after, "cp_profile_cache_hits_total").value_or(0) +
                  Sample(after, "cp_profile_cache_misses_total").value_or(0),
              2);
  } else {
    EXPECT_EQ(Sample(after, "cp_profile_cache_hits_total"), 0);
  }
  for (const char* secret : {"metrics-ada", "ada.metrics", "Ada"}) {
    EXPECT_FALSE(absl::StrContains(after, secret)) << secret;
  }
}

TEST_P(MetricsTest, AnAddressInUseIsRefused) {
  TestServerOptions options;
  options.runner.metrics_listen = server_->runner().metrics_address();
  auto second = GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite(options)
                                               : TestServer::StartWithMysql(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
  EXPECT_TRUE(absl::StrContains(second.status().message(), "cannot serve metrics"))
      << second.status();
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

TEST(MetricsOffTest, WithoutTheOptionThereIsNoEndpoint) {
  auto server = TestServer::StartWithSqlite();
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->runner().metrics_address(), "");
}

}  // namespace
}  // namespace cp::testing
