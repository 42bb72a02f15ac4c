#include "server/json_log.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace cp::server {
namespace {

// kMaxRequestIdLength bounds the client-chosen request id in a log line.
constexpr size_t kMaxRequestIdLength = 128;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string LogTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// Dump serialises `json` on one line; invalid UTF-8 from clients is replaced
// rather than thrown on.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void WriteToStderr(absl::string_view line) {
  std::string out(line);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

JsonLog::JsonLog(LogLevel min_level) : JsonLog(min_level, WriteToStderr) {}

JsonLog::JsonLog(LogLevel min_level, LineWriter writer)
    : min_level_(min_level), writer_(std::move(writer)) {}

LogLevel JsonLog::LevelForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnimplemented:
      return LogLevel::kError;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return LogLevel::kWarn;
    default:
      return LogLevel::kInfo;
  }
}

std::string JsonLog::FormatCall(absl::Time now, const CallLogEntry& entry) {
  nlohmann::json line;
  line["time"] = LogTime(now);
  line["level"] = LevelName(LevelForCode(entry.code));
  line["method"] = entry.method;
  line["code"] = absl::StatusCodeToString(entry.code);
  if (!entry.reason.empty()) line["reason"] = entry.reason;
  line["latency_ms"] = absl::ToDoubleMilliseconds(entry.latency);
  line["request_id"] = entry.request_id.substr(0, kMaxRequestIdLength);
  line["peer"] = entry.peer;
  return Dump(line);
}

void JsonLog::Call(const CallLogEntry& entry) {
  Write(LevelForCode(entry.code), FormatCall(absl::Now(), entry));
}

void JsonLog::Event(LogLevel level, absl::string_view event,
                    const std::map<std::string, std::string>& fields) {
  if (level < min_level_) return;
  nlohmann::json line;
  for (const auto& [key, value] : fields) line[key] = value;
  line["time"] = LogTime(absl::Now());
  line["level"] = LevelName(level);
  line["event"] = std::string(event);
  Write(level, Dump(line));
}

void JsonLog::Write(LogLevel level, const std::string& line) {
  if (level < min_level_) return;
  absl::MutexLock lock(&mu_);
  writer_(line);
}

}  // namespace cp::server
