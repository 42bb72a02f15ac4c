#include "server/auth/access_control.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "server/auth/api_key.h"
#include "server/auth/metadata.h"
#include "server/auth/method_policy.h"
#include "storage/retry_info.h"

namespace cp::server::auth {
namespace {

absl::Status Unauthenticated(absl::string_view reason, absl::string_view message) {
  return domain::MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

absl::Status Denied(absl::string_view reason, absl::string_view message) {
  return domain::MakeError(absl::StatusCode::kPermissionDenied, reason, message);
}

// PeerSubjects returns the verified client certificate's SANs and CN.
std::vector<std::string> PeerSubjects(const grpc::ServerContextBase& ctx) {
  std::vector<std::string> subjects;
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return subjects;
  for (const char* property : {"x509_subject_alternative_name", "x509_common_name"}) {
    for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
      subjects.emplace_back(value.data(), value.size());
    }
  }
  return subjects;
}

// The scopes a self-service customer holds; the method table's
// self_service flag narrows them to the methods open to customers.
const std::set<std::string, std::less<>>& SelfServiceScopes() {
  static const std::set<std::string, std::less<>> kScopes = {
      std::string(kProfilesRead),     std::string(kProfilesWrite), std::string(kPiiRead),
      std::string(kConsentsRead),     std::string(kConsentsWrite), std::string(kInteractionsRead),
      std::string(kInteractionsWrite)};
  return kScopes;
}

}  // namespace

AccessControl::AccessControl(std::optional<AuthConfig> config, Now now) : now_(std::move(now)) {
  if (config.has_value()) Reload(*std::move(config));
}

void AccessControl::Reload(AuthConfig config) {
  auto state = std::make_shared<State>();
  if (config.self_service.has_value()) state->jwt.emplace(*config.self_service);
  state->config = std::move(config);
  absl::MutexLock lock(&mu_);
  state_ = std::move(state);
}

bool AccessControl::development_mode() const { return Snapshot() == nullptr; }

bool AccessControl::reflection_allowed() const {
  std::shared_ptr<const State> state = Snapshot();
  return state == nullptr || state->config.reflection;
}

std::shared_ptr<const AccessControl::State> AccessControl::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void AccessControl::ApplyApp(const AppConfig& app, domain::CallContext* context,
                             const CallerLimits** limits) {
  context->caller = domain::CallerKind::kApp;
  context->app_id = app.id;
  context->scopes = app.scopes;
  context->interaction_kinds = app.interaction_kinds;
  *limits = &app.limits;
}

absl::Status AccessControl::Authenticate(const State& state, const grpc::ServerContextBase& ctx,
                                         domain::CallContext* context,
                                         const CallerLimits** limits) const {
  std::string header = Metadata(ctx, "authorization");
  if (!header.empty()) {
    absl::string_view credential = header;
    if (!absl::ConsumePrefix(&credential, "Bearer ") &&
        !absl::ConsumePrefix(&credential, "bearer ")) {
      return Unauthenticated(domain::kMalformedCredential,
                             "the authorization metadata must be \"Bearer <key or token>\"");
    }
    credential = absl::StripAsciiWhitespace(credential);
    if (credential.empty()) {
      return Unauthenticated(domain::kMalformedCredential, "the bearer credential is empty");
    }
    if (LooksLikeJwt(credential)) {
      if (!state.jwt.has_value()) {
        return Unauthenticated("SELF_SERVICE_DISABLED", "this server accepts no customer tokens");
      }
      absl::StatusOr<std::string> subject = state.jwt->Verify(credential, now_());
      if (!subject.ok()) return subject.status();
      context->caller = domain::CallerKind::kSelfService;
      context->app_id = std::string(kSelfServiceAppId);
      context->scopes = SelfServiceScopes();
      context->self_profile_id = *std::move(subject);
      *limits = &state.config.self_service->limits;
      return absl::OkStatus();
    }
    std::string hash = HashApiKey(credential);
    const AppConfig* found = nullptr;
    // Every stored hash is compared, so timing says nothing about which
    // app (if any) the key belongs to.
    for (const AppConfig& app : state.config.apps) {
      for (const std::string& stored : app.key_hashes) {
        if (KeyHashMatches(hash, stored) && found == nullptr) found = &app;
      }
    }
    if (found == nullptr) return Unauthenticated("INVALID_API_KEY", "the API key is not valid");
    ApplyApp(*found, context, limits);
    return absl::OkStatus();
  }
  std::vector<std::string> subjects = PeerSubjects(ctx);
  if (subjects.empty()) {
    return Unauthenticated("MISSING_CREDENTIAL",
                           "send \"authorization: Bearer <key>\" or a client certificate");
  }
  for (const std::string& subject : subjects) {
    auto it = state.config.client_certificates.find(subject);
    if (it == state.config.client_certificates.end()) continue;
    for (const AppConfig& app : state.config.apps) {
      if (app.id == it->second) {
        ApplyApp(app, context, limits);
        return absl::OkStatus();
      }
    }
  }
  return Unauthenticated("UNKNOWN_CLIENT_CERTIFICATE",
                         "the client certificate is not mapped to an app");
}

absl::Status AccessControl::Admit(const grpc::ServerContextBase& ctx, absl::string_view full_method,
                                  domain::CallContext* context) {
  const MethodPolicy* policy = FindMethodPolicy(full_method);
  std::shared_ptr<const State> state = Snapshot();
  if (state == nullptr) {
    context->caller = domain::CallerKind::kDevelopment;
    if (policy == nullptr)
      return Denied(domain::kMethodNotAllowed, "the method has no access policy");
    return absl::OkStatus();
  }
  const CallerLimits* limits = nullptr;
  if (absl::Status status = Authenticate(*state, ctx, context, &limits); !status.ok()) {
    return status;
  }
  if (policy == nullptr)
    return Denied(domain::kMethodNotAllowed, "the method has no access policy");
  if (context->IsSelfService() && !policy->self_service) {
    return Denied("SELF_SERVICE_NOT_ALLOWED", "customers cannot call this method");
  }
  if (!context->HasScope(policy->scope)) {
    return Denied("MISSING_SCOPE", absl::StrCat("the caller lacks the scope ", policy->scope));
  }
  context->max_page_size = limits->max_page_size;
  context->max_batch_size = limits->max_batch_size;
  context->max_message_bytes = limits->max_message_bytes;
  absl::Time now = now_();
  if (limits->max_deadline > absl::ZeroDuration()) {
    context->deadline = std::min(context->deadline, now + limits->max_deadline);
  }
  if (limits->rate_limit.has_value()) {
    std::string key = context->IsSelfService()
                          ? absl::StrCat(kSelfServiceAppId, "/", context->self_profile_id)
                          : context->app_id;
    absl::Duration wait = limiter_.TryAcquire(key, *limits->rate_limit, now);
    if (wait > absl::ZeroDuration()) {
      return storage::WithRetryInfo(
          domain::MakeError(absl::StatusCode::kResourceExhausted, domain::kRateLimited,
                            "the caller's rate limit is reached; retry after the given delay"),
          wait);
    }
  }
  return absl::OkStatus();
}

}  // namespace cp::server::auth
