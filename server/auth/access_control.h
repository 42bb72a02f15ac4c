#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/common/call_context.h"
#include "server/auth/auth_config.h"
#include "server/auth/jwt_verifier.h"
#include "server/auth/rate_limiter.h"

namespace cp::server::auth {

// kSelfServiceAppId is the app id recorded for customers' own calls.
inline constexpr absl::string_view kSelfServiceAppId = "self-service";

// AccessControl decides who may make a call: it authenticates the caller
// (Bearer API key, client certificate or self-service JWT), authorizes the
// full method name against MethodPolicies(), applies the caller's rate
// limit and deadline cap. Without a config it is in development mode: every
// known method is allowed with all scopes. Thread-safe; Reload swaps the
// config atomically, so a removed key stops working with the next call.
class AccessControl {
 public:
  // Now returns the current time (injectable for tests).
  using Now = std::function<absl::Time()>;

  // AccessControl starts in development mode when `config` is nullopt.
  explicit AccessControl(std::optional<AuthConfig> config, Now now = absl::Now);

  // Reload replaces the config (an enforcing config stays enforcing).
  void Reload(AuthConfig config);

  // development_mode tells whether no auth config is enforced.
  bool development_mode() const;

  // reflection_allowed tells whether server reflection may be called
  // (without a credential): the current config's `reflection` setting,
  // always in development mode.
  bool reflection_allowed() const;

  // Admit decides whether the call `full_method` may proceed. It fills the
  // caller fields of `context` (app_id, caller, scopes, self_profile_id,
  // page/batch/message caps) as soon as the caller is known, even when the call is
  // then refused, and lowers context->deadline to the caller's cap.
  // UNAUTHENTICATED (no or a bad credential), PERMISSION_DENIED (missing
  // scope, method not open to self-service, unknown method) or
  // RESOURCE_EXHAUSTED (RATE_LIMITED, with a google.rpc.RetryInfo).
  absl::Status Admit(const grpc::ServerContextBase& ctx, absl::string_view full_method,
                     domain::CallContext* context);

 private:
  // State is one loaded config with its verifier.
  struct State {
    AuthConfig config;
    std::optional<JwtVerifier> jwt;
  };

  std::shared_ptr<const State> Snapshot() const;
  absl::Status Authenticate(const State& state, const grpc::ServerContextBase& ctx,
                            domain::CallContext* context, const CallerLimits** limits) const;
  static void ApplyApp(const AppConfig& app, domain::CallContext* context,
                       const CallerLimits** limits);

  const Now now_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const State> state_ ABSL_GUARDED_BY(mu_);
  RateLimiter limiter_;
};

}  // namespace cp::server::auth
