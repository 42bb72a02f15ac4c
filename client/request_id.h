#pragma once

#include <string>

namespace cp::client {

// NewRequestId returns a random (version 4) UUID, for a request_id that
// makes a retried write a replay.
std::string NewRequestId();

}  // namespace cp::client
