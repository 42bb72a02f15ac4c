#include "server/server_runner.h"

#include <memory>
#include <string>

#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"

namespace cp::server {
namespace {

using ::testing::StartsWith;

// Verifies that the command-line configuration reaches the runner, the
// manager and the validator.
TEST(ServerRunnerTest, OptionsFromConfig) {
  ServerConfig config;
  config.listen = "0.0.0.0:6000";
  config.max_message_bytes = 1 << 20;
  config.workers = 6;
  config.max_queue = 7;
  config.migrate = MigrateMode::kOff;
  config.default_phone_region = "SE";
  config.max_request_bytes = 5000;
  config.default_page_size = 20;
  config.max_page_size = 200;
  config.stream_idle_timeout = absl::Seconds(7);
  config.max_concurrent_streams = 9;
  config.max_call_time = absl::Seconds(90);
  ServerRunnerOptions options = RunnerOptionsFromConfig(config);
  EXPECT_EQ(options.listen_address, "0.0.0.0:6000");
  EXPECT_EQ(options.max_message_bytes, 1 << 20);
  EXPECT_EQ(options.workers, 6);
  EXPECT_EQ(options.max_queue, 7u);
  EXPECT_EQ(options.migrate, MigrateMode::kOff);
  EXPECT_EQ(options.profile.validation.default_phone_region, "SE");
  EXPECT_EQ(options.profile.validation.limits.max_request_bytes, 5000u);
  EXPECT_EQ(options.profile.paging.default_page_size, 20);
  EXPECT_EQ(options.profile.paging.max_page_size, 200);
  // Every List method pages the same way, and every aggregate reads phone
  // numbers in the same region.
  for (const domain::PagingOptions& paging :
       {options.consent.purposes.paging, options.consent.ledger.paging,
        options.suppression.manager.paging}) {
    EXPECT_EQ(paging.default_page_size, 20);
    EXPECT_EQ(paging.max_page_size, 200);
  }
  EXPECT_EQ(options.consent.ledger.default_phone_region, "SE");
  EXPECT_EQ(options.consent.checker.default_phone_region, "SE");
  EXPECT_EQ(options.suppression.default_phone_region, "SE");
  EXPECT_EQ(options.stream_idle_timeout, absl::Seconds(7));
  EXPECT_EQ(options.max_concurrent_streams, 9);
  EXPECT_EQ(options.dispatcher.max_call_time, absl::Seconds(90));
}

// Verifies that a runner reports the port it picked, and that a second
// runner on the same port fails with UNAVAILABLE (SO_REUSEPORT is off).
TEST(ServerRunnerTest, SecondRunnerOnSamePortFails) {
  testing::TempDir dir;
  storage::SqliteStoreOptions store_options;
  store_options.path = dir.File("p.db");
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::OpenSqliteStore(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  domain::SystemClock clock;
  domain::RandomIdGenerator ids;
  JsonLog log(LogLevel::kError, [](absl::string_view) {});

  ServerRunner first(ServerRunnerOptions{}, store->get(), &clock, &ids, &log);
  ASSERT_TRUE(first.Start().ok());
  EXPECT_GT(first.port(), 0);
  EXPECT_EQ(first.address(), "127.0.0.1:" + std::to_string(first.port()));

  ServerRunnerOptions options;
  options.listen_address = first.address();
  ServerRunner second(options, store->get(), &clock, &ids, &log);
  absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), StartsWith("cannot listen on " + first.address()));
}

}  // namespace
}  // namespace cp::server
