#pragma once

#include <string>

#include "absl/time/time.h"

namespace cp::domain {

// CallContext is what the domain knows about the call it serves: when it
// must be done by, and who makes it.
struct CallContext {
  // The call's deadline; storage waits for locks and connections at most
  // until then.
  absl::Time deadline = absl::InfiniteFuture();
  // The client's request id for logs (never personal data).
  std::string request_id;
  // The calling app, from its credential (empty in development mode).
  std::string app_id;
  // On whose behalf the app acts (x-actor metadata), e.g. an agent id.
  std::string actor;
};

}  // namespace cp::domain
