#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cp::domain {

// CallerKind says how the caller of a call was authenticated.
enum class CallerKind {
  // No auth config: a local development server; every scope is granted.
  kDevelopment,
  // A client app, by API key or client certificate.
  kApp,
  // A customer with a self-service token: only their own profile.
  kSelfService,
};

// CallContext is what the domain knows about the call it serves: when it
// must be done by, and who makes it.
struct CallContext {
  // The call's deadline; storage waits for locks and connections at most
  // until then.
  absl::Time deadline = absl::InfiniteFuture();
  // The client's request id for logs (never personal data).
  std::string request_id;
  // The full gRPC method, e.g. "/customerprofile.v1.ProfileService/GetProfile"
  // (recorded with each change).
  std::string method;
  // The calling app, from its credential (empty in development mode; the
  // token's issuer-independent id "self-service" for customers).
  std::string app_id;
  // On whose behalf the app acts (x-actor metadata), e.g. an agent id.
  std::string actor;
  CallerKind caller = CallerKind::kDevelopment;
  // The scopes granted to the caller (ignored in development mode).
  std::set<std::string, std::less<>> scopes;
  // kSelfService: the id of the one profile the caller may reach.
  std::string self_profile_id;
  // The caller's largest page; 0 = no per-caller cap.
  int max_page_size = 0;
  // The caller's largest batch; 0 = no per-caller cap.
  int max_batch_size = 0;
  // The caller's largest request message in bytes; 0 = only the
  // server-wide transport limit.
  int64_t max_message_bytes = 0;
  // The InteractionKind numbers the calling app may record; empty = every
  // kind (self-service callers: see server/auth/interaction_access.h).
  std::vector<int> interaction_kinds;

  // HasScope tells whether the caller holds `scope` (always in development
  // mode).
  bool HasScope(absl::string_view scope) const {
    return caller == CallerKind::kDevelopment || scopes.find(scope) != scopes.end();
  }

  // IsSelfService tells whether the caller is a customer acting on their own
  // profile.
  bool IsSelfService() const { return caller == CallerKind::kSelfService; }
};

}  // namespace cp::domain
