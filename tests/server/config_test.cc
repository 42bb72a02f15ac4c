#include "server/config.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// FakeEnv is an environment made of a fixed map.
EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// ConfigTest restores every flag after each test.
class ConfigTest : public ::testing::Test {
 private:
  absl::FlagSaver flag_saver_;
};

// Verifies that without flags or environment the documented defaults apply.
TEST_F(ConfigTest, DefaultsApply) {
  absl::StatusOr<ServerConfig> config = ParseConfig({}, FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:50051");
  EXPECT_EQ(config->store, "sqlite:./var/profiles.db");
  EXPECT_EQ(config->migrate, MigrateMode::kAuto);
  EXPECT_EQ(config->default_phone_region, "NO");
  EXPECT_GE(config->workers, 4);
  EXPECT_EQ(config->max_request_bytes, 256 * 1024);
  EXPECT_EQ(config->max_message_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(config->default_page_size, 50);
  EXPECT_EQ(config->max_page_size, 1000);
  EXPECT_EQ(config->drain_timeout, absl::Seconds(10));
  EXPECT_EQ(config->max_call_time, absl::Seconds(30));
  EXPECT_EQ(config->stream_idle_timeout, absl::Seconds(30));
  EXPECT_EQ(config->max_concurrent_streams, 100);
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
}

// Verifies that flags are read in --name=value and --name value form, with
// dashes or underscores.
TEST_F(ConfigTest, ParsesFlagsWithDashesOrUnderscores) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({"--listen=0.0.0.0:6000", "--default-phone-region", "se", "--max_queue=7",
                   "--drain-timeout=2s", "--migrate=only", "--workers=3", "--log-level=warn",
                   "--store=sqlite:/tmp/x.db", "--sqlite-pool-size=2", "--stream-idle-timeout=5s",
                   "--max_concurrent_streams=8", "--max-call-time=2m"},
                  FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:6000");
  EXPECT_EQ(config->default_phone_region, "SE");
  EXPECT_EQ(config->max_queue, 7);
  EXPECT_EQ(config->drain_timeout, absl::Seconds(2));
  EXPECT_EQ(config->migrate, MigrateMode::kOnly);
  EXPECT_EQ(config->workers, 3);
  EXPECT_EQ(config->log_level, LogLevel::kWarn);
  EXPECT_EQ(config->store, "sqlite:/tmp/x.db");
  EXPECT_EQ(config->sqlite_pool_size, 2);
  EXPECT_EQ(config->stream_idle_timeout, absl::Seconds(5));
  EXPECT_EQ(config->max_concurrent_streams, 8);
  EXPECT_EQ(config->max_call_time, absl::Minutes(2));
}

// Verifies that a switch (a bool flag) given without a value is true and
// does not swallow the argument after it; "=false" turns it off.
TEST_F(ConfigTest, SwitchWithoutValueIsTrue) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({"--insecure-plaintext", "--workers", "3"}, FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->insecure_plaintext);
  EXPECT_EQ(config->workers, 3);
  config = ParseConfig({"--insecure_plaintext=false"}, FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->insecure_plaintext);
  config = ParseConfig({}, FakeEnv({{"PROFILE_SERVER_INSECURE_PLAINTEXT", "true"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->insecure_plaintext);
}

// Verifies that every flag falls back to its PROFILE_SERVER_* variable.
TEST_F(ConfigTest, ReadsEnvironment) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({}, FakeEnv({{"PROFILE_SERVER_LISTEN", "127.0.0.1:7000"},
                               {"PROFILE_SERVER_MAX_QUEUE", "9"},
                               {"PROFILE_SERVER_DRAIN_TIMEOUT", "3s"},
                               {"PROFILE_SERVER_STREAM_IDLE_TIMEOUT", "1m"},
                               {"PROFILE_SERVER_MAX_CONCURRENT_STREAMS", "12"},
                               {"PROFILE_SERVER_DEFAULT_PHONE_REGION", "DE"},
                               {"PROFILE_SERVER_MYSQL_PASSWORD_FILE", "/run/secret"},
                               {"PROFILE_SERVER_MYSQL_PASSWORD", "hunter2"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:7000");
  EXPECT_EQ(config->max_queue, 9);
  EXPECT_EQ(config->drain_timeout, absl::Seconds(3));
  EXPECT_EQ(config->stream_idle_timeout, absl::Minutes(1));
  EXPECT_EQ(config->max_concurrent_streams, 12);
  EXPECT_EQ(config->default_phone_region, "DE");
  EXPECT_EQ(config->mysql_password_file, "/run/secret");
  EXPECT_EQ(config->mysql_password_env, "hunter2");
}

// Verifies that a flag on the command line wins over its variable.
TEST_F(ConfigTest, FlagWinsOverEnvironment) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({"--max-queue=5"}, FakeEnv({{"PROFILE_SERVER_MAX_QUEUE", "9"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_queue, 5);
}

// Verifies that each kind of bad input gives a one-line INVALID_ARGUMENT
// naming the culprit.
TEST_F(ConfigTest, RejectsBadValuesWithOneLineErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{"--bogus=1"}, "unknown flag --bogus"},
      {{"stray"}, "unexpected argument"},
      {{"--workers=many"}, "invalid --workers"},
      {{"--workers=-1"}, "invalid --workers"},
      {{"--max-queue=0"}, "invalid --max-queue"},
      {{"--migrate=sometimes"}, "invalid --migrate"},
      {{"--listen=localhost"}, "invalid --listen"},
      {{"--listen=127.0.0.1:70000"}, "invalid --listen"},
      {{"--store=file:/x"}, "invalid --store"},
      {{"--store=sqlite:"}, "invalid --store"},
      {{"--default-phone-region=NOR"}, "invalid --default-phone-region"},
      {{"--default-page-size=2000"}, "invalid --default-page-size"},
      {{"--max-request-bytes=10000", "--max-message-bytes=5000"}, "invalid --max-message-bytes"},
      {{"--drain-timeout=-1s"}, "invalid --drain-timeout"},
      {{"--stream-idle-timeout=0s"}, "invalid --stream-idle-timeout"},
      {{"--stream-idle-timeout=inf"}, "invalid --stream-idle-timeout"},
      {{"--max-concurrent-streams=0"}, "invalid --max-concurrent-streams"},
      {{"--log-level=loud"}, "invalid --log-level"},
      {{"--change-retention=keep"}, "invalid --change-retention"},
      {{"--change-retention=30s"}, "invalid --change-retention"},
      {{"--audit-retention=forever"}, "invalid --audit-retention"},
      {{"--watch-heartbeat=0s"}, "invalid --watch-heartbeat"},
      {{"--change-poll-interval=2h"}, "invalid --change-poll-interval"},
      {{"--listen"}, "missing value"},
  };
  for (const Case& c : cases) {
    absl::FlagSaver saver;
    absl::StatusOr<ServerConfig> config = ParseConfig(c.args, FakeEnv({}));
    ASSERT_FALSE(config.ok()) << c.args[0];
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.args[0];
    EXPECT_THAT(config.status().message(), HasSubstr(c.expected)) << c.args[0];
    EXPECT_THAT(config.status().message(), Not(HasSubstr("\n"))) << c.args[0];
  }
}

// Verifies the change feed's flags: retentions in days or any duration,
// "keep" for the audit trail only; the defaults are 7 days and keep.
TEST_F(ConfigTest, ReadsRetentionsAndWatchTimes) {
  absl::StatusOr<ServerConfig> defaults = ParseConfig({}, FakeEnv({}));
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->change_retention, absl::Hours(24 * 7));
  EXPECT_EQ(defaults->audit_retention, absl::InfiniteDuration());
  EXPECT_FALSE(defaults->audit_pii_reads);
  absl::FlagSaver saver;
  absl::StatusOr<ServerConfig> config = ParseConfig(
      {"--change-retention=36h", "--audit-retention=400d", "--audit-pii-reads",
       "--watch-heartbeat=5s", "--watch-stall-timeout=2m", "--change-poll-interval=20ms"},
      FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->change_retention, absl::Hours(36));
  EXPECT_EQ(config->audit_retention, absl::Hours(24 * 400));
  EXPECT_TRUE(config->audit_pii_reads);
  EXPECT_EQ(config->watch_heartbeat, absl::Seconds(5));
  EXPECT_EQ(config->watch_stall_timeout, absl::Minutes(2));
  EXPECT_EQ(config->change_poll_interval, absl::Milliseconds(20));
}

// Verifies that a bad environment value is reported under its variable.
TEST_F(ConfigTest, RejectsBadEnvironmentValue) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({}, FakeEnv({{"PROFILE_SERVER_WORKERS", "lots"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("PROFILE_SERVER_WORKERS"));
}

// Verifies that a store URI, which may hold a password, is never echoed.
TEST_F(ConfigTest, StoreErrorDoesNotEchoUri) {
  absl::StatusOr<ServerConfig> config =
      ParseConfig({"--store=postgres://app:s3cret@db/profiles"}, FakeEnv({}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), Not(HasSubstr("s3cret")));
}

// Verifies that --help documents every flag, its dashed name and its
// environment variable.
TEST_F(ConfigTest, HelpListsEveryFlagAndVariable) {
  std::string help = HelpText();
  ASSERT_GE(FlagNames().size(), 14u);
  for (const std::string& name : FlagNames()) {
    std::string dashed = name;
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    EXPECT_THAT(help, HasSubstr("--" + dashed + "=")) << name;
    EXPECT_THAT(help, HasSubstr(EnvName(name))) << name;
  }
  EXPECT_THAT(help, HasSubstr("PROFILE_SERVER_MYSQL_PASSWORD "));
}

// Verifies how flag names map to environment variables.
TEST_F(ConfigTest, EnvNameIsUpperSnake) {
  EXPECT_EQ(EnvName("default-phone-region"), "PROFILE_SERVER_DEFAULT_PHONE_REGION");
  EXPECT_EQ(EnvName("max_queue"), "PROFILE_SERVER_MAX_QUEUE");
}

}  // namespace
}  // namespace cp::server
