#include "server/json_log.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace cp::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::set<std::string> Keys(const nlohmann::json& line) {
  std::set<std::string> keys;
  for (const auto& item : line.items()) keys.insert(item.key());
  return keys;
}

CallLogEntry Entry(absl::StatusCode code) {
  CallLogEntry entry;
  entry.method = "/customerprofile.v1.ProfileService/GetProfile";
  entry.code = code;
  entry.reason = code == absl::StatusCode::kOk ? "" : "PROFILE_NOT_FOUND";
  entry.latency = absl::Microseconds(1500);
  entry.request_id = "req-1";
  entry.peer = "ipv4:127.0.0.1:5000";
  entry.app_id = "webshop";
  entry.actor = "agent-7";
  return entry;
}

// Verifies that a call line holds exactly the operational fields (no field
// that could carry request content, names, emails, phones or messages).
TEST(JsonLogTest, CallLineHasOnlyOperationalFields) {
  std::vector<std::string> lines;
  JsonLog log(LogLevel::kDebug, [&lines](absl::string_view line) { lines.emplace_back(line); });
  log.Call(Entry(absl::StatusCode::kNotFound));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(Keys(line),
            (std::set<std::string>{"time", "level", "method", "code", "reason", "latency_ms",
                                   "request_id", "peer", "app_id", "actor"}));
  EXPECT_EQ(line["method"], "/customerprofile.v1.ProfileService/GetProfile");
  EXPECT_EQ(line["code"], "NOT_FOUND");
  EXPECT_EQ(line["reason"], "PROFILE_NOT_FOUND");
  EXPECT_DOUBLE_EQ(line["latency_ms"].get<double>(), 1.5);
  EXPECT_EQ(line["request_id"], "req-1");
  EXPECT_EQ(line["peer"], "ipv4:127.0.0.1:5000");
  EXPECT_EQ(line["app_id"], "webshop");
  EXPECT_EQ(line["actor"], "agent-7");
  EXPECT_EQ(line["level"], "info");
}

// Verifies that a successful call's line names the calling app, that an
// unknown caller is "-" and that a missing actor leaves the field out.
TEST(JsonLogTest, CallLineNamesTheCaller) {
  CallLogEntry entry = Entry(absl::StatusCode::kOk);
  nlohmann::json line = nlohmann::json::parse(JsonLog::FormatCall(absl::Now(), entry));
  EXPECT_EQ(line["code"], "OK");
  EXPECT_FALSE(line.contains("reason"));
  EXPECT_EQ(line["app_id"], "webshop");
  EXPECT_EQ(line["actor"], "agent-7");

  entry.app_id.clear();
  entry.actor.clear();
  line = nlohmann::json::parse(JsonLog::FormatCall(absl::Now(), entry));
  EXPECT_EQ(line["app_id"], "-");
  EXPECT_FALSE(line.contains("actor"));
}

// Verifies that the level follows the code: server faults are errors,
// overload and timeouts warnings.
TEST(JsonLogTest, LevelFollowsCode) {
  EXPECT_EQ(JsonLog::LevelForCode(absl::StatusCode::kOk), LogLevel::kInfo);
  EXPECT_EQ(JsonLog::LevelForCode(absl::StatusCode::kInvalidArgument), LogLevel::kInfo);
  EXPECT_EQ(JsonLog::LevelForCode(absl::StatusCode::kUnavailable), LogLevel::kWarn);
  EXPECT_EQ(JsonLog::LevelForCode(absl::StatusCode::kResourceExhausted), LogLevel::kWarn);
  EXPECT_EQ(JsonLog::LevelForCode(absl::StatusCode::kInternal), LogLevel::kError);
}

// Verifies that lines below the minimum level are dropped.
TEST(JsonLogTest, FiltersByLevel) {
  std::vector<std::string> lines;
  JsonLog log(LogLevel::kWarn, [&lines](absl::string_view line) { lines.emplace_back(line); });
  log.Call(Entry(absl::StatusCode::kOk));
  log.Event(LogLevel::kInfo, "listening");
  EXPECT_THAT(lines, IsEmpty());
  log.Call(Entry(absl::StatusCode::kInternal));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], "error");
}

// Verifies that a long or non-UTF-8 request id or actor neither breaks the
// line nor grows it without bound.
TEST(JsonLogTest, SanitizesRequestId) {
  CallLogEntry entry = Entry(absl::StatusCode::kOk);
  entry.request_id = std::string(1000, 'x') + "\xff";
  nlohmann::json line = nlohmann::json::parse(JsonLog::FormatCall(absl::Now(), entry));
  EXPECT_EQ(line["request_id"].get<std::string>().size(), 128u);

  entry.request_id = "bad\xc3";
  line = nlohmann::json::parse(JsonLog::FormatCall(absl::Now(), entry));
  EXPECT_EQ(line["request_id"].get<std::string>().substr(0, 3), "bad");

  entry.actor = std::string(1000, 'a') + "\n\xff";
  line = nlohmann::json::parse(JsonLog::FormatCall(absl::Now(), entry));
  EXPECT_EQ(line["actor"].get<std::string>(), std::string(128, 'a'));
}

// Verifies that an event line carries its fields, and that they cannot
// overwrite time, level or event.
TEST(JsonLogTest, EventLine) {
  std::vector<std::string> lines;
  JsonLog log(LogLevel::kInfo, [&lines](absl::string_view line) { lines.emplace_back(line); });
  log.Event(LogLevel::kInfo, "listening",
            {{"address", "127.0.0.1:1"}, {"event", "spoofed"}, {"level", "debug"}});
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["event"], "listening");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["address"], "127.0.0.1:1");
  EXPECT_TRUE(line.contains("time"));
}

}  // namespace
}  // namespace cp::server
