#pragma once

#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config.h"

namespace cp::server {

// CallLogEntry is what the log records about one RPC. It has no field for
// request or response content, so names, emails, phones and messages (which
// could echo them) never reach the log.
struct CallLogEntry {
  // The method's short name, e.g. "GetProfile".
  std::string method;
  absl::StatusCode code = absl::StatusCode::kOk;
  // The google.rpc.ErrorInfo reason of a failed call, e.g. "ETAG_MISMATCH".
  std::string reason;
  absl::Duration latency;
  // From x-request-id metadata or the request's request_id field.
  std::string request_id;
  // The client's address, e.g. "ipv4:127.0.0.1:53412".
  std::string peer;
  // The calling app as its credential says ("self-service" for customers,
  // never their profile id); empty when unknown (development mode, or the
  // call was refused before the caller was authenticated).
  std::string app_id;
  // On whose behalf an authenticated app acts (x-actor metadata, an agent
  // id); empty when none was given.
  std::string actor;
};

// JsonLog writes one JSON object per line (to stderr by default): one line
// per call and lines for lifecycle events. Thread-safe.
class JsonLog {
 public:
  // LineWriter receives each complete line, without the line break.
  using LineWriter = std::function<void(absl::string_view line)>;

  // JsonLog writes lines at `min_level` or above to stderr.
  explicit JsonLog(LogLevel min_level);
  // JsonLog writes lines at `min_level` or above to `writer`.
  JsonLog(LogLevel min_level, LineWriter writer);

  // Call logs one finished RPC: time, level (by code), method, code,
  // reason, latency_ms, request_id, peer, app_id ("-" when unknown) and
  // actor (when given).
  void Call(const CallLogEntry& entry);

  // Event logs a lifecycle event such as "listening" with string `fields`,
  // which must not hold personal data or secrets.
  void Event(LogLevel level, absl::string_view event,
             const std::map<std::string, std::string>& fields = {});

  // FormatCall returns the line Call writes for `entry` at time `now`.
  static std::string FormatCall(absl::Time now, const CallLogEntry& entry);

  // LevelForCode is the level of a call that ended with `code`: error for
  // server faults, warn for overload and timeouts, info otherwise.
  static LogLevel LevelForCode(absl::StatusCode code);

 private:
  void Write(LogLevel level, const std::string& line);

  const LogLevel min_level_;
  const LineWriter writer_;
  absl::Mutex mu_;
};

}  // namespace cp::server
