#include "server/protobuf_log_route.h"

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace cp::server {
namespace {

std::atomic<JsonLog*> routed_log{nullptr};

LogLevel LevelOf(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      return LogLevel::kDebug;
    case google::protobuf::LOGLEVEL_WARNING:
    case google::protobuf::LOGLEVEL_ERROR:
      return LogLevel::kWarn;
    case google::protobuf::LOGLEVEL_FATAL:
      return LogLevel::kError;
  }
  return LogLevel::kWarn;
}

void Handle(google::protobuf::LogLevel level, const char* filename, int line,
            const std::string& message) {
  JsonLog* log = routed_log.load();
  if (log == nullptr) return;
  log->Event(LevelOf(level), "protobuf",
             {{"detail", message}, {"source", absl::StrCat(filename, ":", line)}});
}

}  // namespace

void RouteProtobufLog(JsonLog* log) {
  routed_log.store(log);
  google::protobuf::SetLogHandler(log == nullptr ? nullptr : &Handle);
}

}  // namespace cp::server
