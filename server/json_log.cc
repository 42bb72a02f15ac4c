#include "server/json_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cp::server {
namespace {

// kMaxRequestIdLength bounds the client-chosen request id and actor in a
// log line.
constexpr size_t kMaxRequestIdLength = 128;

// kReplacement is U+FFFD, which stands for each byte of invalid UTF-8.
constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";

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

// AppendTime appends `time` as RFC 3339 UTC with milliseconds. The part up
// to the seconds is formatted once per second and thread.
void AppendTime(absl::Time time, std::string* out) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached_prefix;
  int64_t millis = absl::ToUnixMillis(time);
  int64_t second = millis / 1000 - (millis % 1000 < 0 ? 1 : 0);
  int64_t milli = millis - second * 1000;
  if (second != cached_second) {
    cached_prefix =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
    cached_second = second;
  }
  out->append(cached_prefix);
  char tail[6] = {'.',
                  static_cast<char>('0' + milli / 100),
                  static_cast<char>('0' + milli / 10 % 10),
                  static_cast<char>('0' + milli % 10),
                  'Z',
                  '\0'};
  out->append(tail, 5);
}

// Utf8SequenceLength returns the length of the valid UTF-8 sequence at the
// start of `s` (not empty), or 0 when it is not valid UTF-8.
size_t Utf8SequenceLength(absl::string_view s) {
  auto byte = [&s](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

// AppendString appends `value` as a JSON string; invalid UTF-8 from clients
// is replaced by U+FFFD rather than refused.
void AppendString(absl::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < value.size()) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      size_t length = Utf8SequenceLength(value.substr(i));
      if (length == 0) {
        out->append(kReplacement.data(), kReplacement.size());
        ++i;
      } else {
        out->append(value.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out->append(escaped, sizeof(escaped));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

// AppendField appends `"key":"value"`, preceded by a comma unless first.
void AppendField(absl::string_view key, absl::string_view value, std::string* out) {
  if (out->size() > 1) out->push_back(',');
  AppendString(key, out);
  out->push_back(':');
  AppendString(value, out);
}

// AppendMilliseconds appends `d` in milliseconds with microsecond
// resolution, as a JSON number.
void AppendMilliseconds(absl::Duration d, std::string* out) {
  int64_t micros = absl::ToInt64Microseconds(d);
  if (micros < 0) {
    out->push_back('-');
    micros = -micros;
  }
  absl::StrAppend(out, micros / 1000);
  int64_t fraction = micros % 1000;
  const char digits[] = {'.', static_cast<char>('0' + fraction / 100),
                         static_cast<char>('0' + fraction / 10 % 10),
                         static_cast<char>('0' + fraction % 10)};
  out->append(digits, sizeof(digits));
}

// WriteToStderr writes the line and its line break with one write(2), so
// that lines of concurrent writers never interleave.
void WriteToStderr(absl::string_view line) {
  std::string out;
  out.reserve(line.size() + 1);
  out.append(line.data(), line.size());
  out.push_back('\n');
  const char* data = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
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
  // The fields in alphabetical order, as the lines always had them.
  std::string line;
  line.reserve(256 + entry.method.size() + entry.peer.size() + entry.app_id.size());
  line.push_back('{');
  if (!entry.actor.empty()) {
    AppendField("actor", absl::string_view(entry.actor).substr(0, kMaxRequestIdLength), &line);
  }
  AppendField("app_id", entry.app_id.empty() ? "-" : entry.app_id, &line);
  AppendField("code", absl::StatusCodeToString(entry.code), &line);
  line.append(",\"latency_ms\":");
  AppendMilliseconds(entry.latency, &line);
  AppendField("level", LevelName(LevelForCode(entry.code)), &line);
  AppendField("method", entry.method, &line);
  AppendField("peer", entry.peer, &line);
  if (!entry.reason.empty()) AppendField("reason", entry.reason, &line);
  AppendField("request_id", absl::string_view(entry.request_id).substr(0, kMaxRequestIdLength),
              &line);
  line.append(",\"time\":\"");
  AppendTime(now, &line);
  line.append("\"}");
  return line;
}

void JsonLog::Call(const CallLogEntry& entry) {
  LogLevel level = LevelForCode(entry.code);
  if (level < min_level_) return;
  Write(level, FormatCall(absl::Now(), entry));
}

void JsonLog::Event(LogLevel level, absl::string_view event,
                    const std::map<std::string, std::string>& fields) {
  if (level < min_level_) return;
  // The fixed fields win over caller fields of the same name; all in
  // alphabetical order.
  std::map<absl::string_view, std::string> line_fields;
  for (const auto& [key, value] : fields) line_fields.emplace(key, value);
  line_fields["event"] = std::string(event);
  line_fields["level"] = LevelName(level);
  std::string time;
  AppendTime(absl::Now(), &time);
  line_fields["time"] = std::move(time);
  std::string line = "{";
  for (const auto& [key, value] : line_fields) AppendField(key, value, &line);
  line.push_back('}');
  Write(level, line);
}

void JsonLog::Write(LogLevel level, const std::string& line) {
  if (level < min_level_) return;
  absl::MutexLock lock(&mu_);
  writer_(line);
}

}  // namespace cp::server
