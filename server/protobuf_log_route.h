#pragma once

#include "server/json_log.h"

namespace cp::server {

// RouteProtobufLog sends every message the protobuf library logs (for
// example its complaint about a request with invalid UTF-8) to `log` as an
// event "protobuf" line, instead of protobuf's own "[libprotobuf ERROR ...]"
// text on stderr, so that every line on stderr is JSON. Protobuf's errors
// are about the input it was given, so they are logged as warnings; its
// fatal messages as errors. `log` must outlive every later protobuf call;
// nullptr restores protobuf's default handler.
void RouteProtobufLog(JsonLog* log);

}  // namespace cp::server
