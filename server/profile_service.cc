#include "server/profile_service.h"

#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/errors.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "server/status_conversion.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.ProfileService/";

// Metadata returns the first value of metadata `key` of the call, or "".
std::string Metadata(const grpc::CallbackServerContext& ctx, absl::string_view key) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Status NotReadyError() {
  return domain::MakeError(absl::StatusCode::kUnavailable, "NOT_READY",
                           "the server is starting or stopping; retry shortly");
}

absl::Status BusyError(absl::Duration retry_delay) {
  absl::Status status = domain::MakeError(absl::StatusCode::kResourceExhausted, "SERVER_BUSY",
                                          "too many calls are waiting; retry after a short delay");
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(retry_delay));
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(retry_delay % absl::Seconds(1))));
  status.SetPayload(domain::kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

}  // namespace

ProfileService::ProfileService(domain::ProfileManager* manager, WorkerPool* pool, JsonLog* log,
                               ProfileServiceOptions options)
    : manager_(manager), pool_(pool), log_(log), options_(options) {}

domain::CallContext ProfileService::MakeCallContext(const grpc::CallbackServerContext& ctx,
                                                    absl::string_view request_id) const {
  domain::CallContext context;
  absl::Time cap = absl::Now() + options_.max_call_time;
  std::chrono::system_clock::time_point deadline = ctx.deadline();
  context.deadline = deadline == std::chrono::system_clock::time_point::max()
                         ? cap
                         : std::min(cap, absl::FromChrono(deadline));
  std::string header_id = Metadata(ctx, "x-request-id");
  context.request_id = header_id.empty() ? std::string(request_id) : std::move(header_id);
  context.actor = Metadata(ctx, "x-actor");
  return context;
}

void ProfileService::Finish(grpc::ServerUnaryReactor* reactor, CallLogEntry entry, absl::Time start,
                            const absl::Status& status) {
  entry.code = status.code();
  if (!status.ok()) {
    std::optional<google::rpc::ErrorInfo> info = domain::GetErrorInfo(status);
    entry.reason = info.has_value() ? info->reason() : domain::DefaultReason(status.code());
  }
  entry.latency = absl::Now() - start;
  log_->Call(entry);
  reactor->Finish(ToGrpcStatus(status));
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* ProfileService::Dispatch(grpc::CallbackServerContext* ctx,
                                                   absl::string_view name, const Request* request,
                                                   Response* response, absl::string_view request_id,
                                                   ManagerMethod<Request, Response> method) {
  absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  domain::CallContext context = MakeCallContext(*ctx, request_id);
  CallLogEntry entry;
  entry.method = absl::StrCat(kServicePath, name);
  entry.request_id = context.request_id;
  entry.peer = ctx->peer();
  if (!ready_.load()) {
    Finish(reactor, std::move(entry), start, NotReadyError());
    return reactor;
  }
  bool queued = pool_->Submit([this, ctx, reactor, request, response, method, start, entry,
                               context = std::move(context)]() mutable {
    absl::Status status;
    if (ctx->IsCancelled()) {
      status = absl::CancelledError("the call was cancelled before it ran");
    } else if (absl::Now() >= context.deadline) {
      status = absl::DeadlineExceededError("the deadline passed before the call ran");
    } else {
      absl::StatusOr<Response> result = (manager_->*method)(*request, context);
      if (result.ok()) {
        *response = *std::move(result);
      } else {
        status = result.status();
      }
    }
    Finish(reactor, std::move(entry), start, status);
  });
  if (!queued) Finish(reactor, std::move(entry), start, BusyError(options_.busy_retry_delay));
  return reactor;
}

grpc::ServerUnaryReactor* ProfileService::CreateProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::CreateProfileRequest* request,
                                                        v1::Profile* response) {
  return Dispatch(ctx, "CreateProfile", request, response, request->request_id(),
                  &domain::ProfileManager::CreateProfile);
}

grpc::ServerUnaryReactor* ProfileService::GetProfile(grpc::CallbackServerContext* ctx,
                                                     const v1::GetProfileRequest* request,
                                                     v1::Profile* response) {
  return Dispatch(ctx, "GetProfile", request, response, "", &domain::ProfileManager::GetProfile);
}

grpc::ServerUnaryReactor* ProfileService::UpdateProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::UpdateProfileRequest* request,
                                                        v1::Profile* response) {
  return Dispatch(ctx, "UpdateProfile", request, response, "",
                  &domain::ProfileManager::UpdateProfile);
}

grpc::ServerUnaryReactor* ProfileService::DeleteProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::DeleteProfileRequest* request,
                                                        v1::Profile* response) {
  return Dispatch(ctx, "DeleteProfile", request, response, "",
                  &domain::ProfileManager::DeleteProfile);
}

grpc::ServerUnaryReactor* ProfileService::UndeleteProfile(grpc::CallbackServerContext* ctx,
                                                          const v1::UndeleteProfileRequest* request,
                                                          v1::Profile* response) {
  return Dispatch(ctx, "UndeleteProfile", request, response, "",
                  &domain::ProfileManager::UndeleteProfile);
}

grpc::ServerUnaryReactor* ProfileService::ListProfiles(grpc::CallbackServerContext* ctx,
                                                       const v1::ListProfilesRequest* request,
                                                       v1::ListProfilesResponse* response) {
  return Dispatch(ctx, "ListProfiles", request, response, "",
                  &domain::ProfileManager::ListProfiles);
}

}  // namespace cp::server
