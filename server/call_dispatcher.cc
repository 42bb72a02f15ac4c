#include "server/call_dispatcher.h"

#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "protos/runtime/tolerant_parse.h"
#include "server/auth/message_size.h"
#include "server/auth/metadata.h"
#include "server/status_conversion.h"
#include "storage/retry_info.h"

namespace cp::server {
namespace {

// kUnsafeIdMarker is logged instead of a request id or actor that failed
// validation (domain::IsSafeRequestId): such a value may be personal data.
constexpr absl::string_view kUnsafeIdMarker = "(invalid)";

std::string Loggable(absl::string_view id) {
  return domain::IsSafeRequestId(id) ? std::string(id) : std::string(kUnsafeIdMarker);
}

absl::Status NotReadyError() {
  return domain::MakeError(absl::StatusCode::kUnavailable, "NOT_READY",
                           "the server is starting or stopping; retry shortly");
}

}  // namespace

absl::Status MalformedRequestError(const google::protobuf::Message& request) {
  return domain::MakeError(
      absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
      absl::StrCat("the request is not a valid ", request.GetDescriptor()->full_name(),
                   " message (its bytes do not parse)"));
}

CallDispatcher::CallDispatcher(WorkerPool* pool, StreamWatchdog* watchdog, JsonLog* log,
                               auth::AccessControl* access, CallDispatcherOptions options,
                               ServerMetrics* metrics)
    : pool_(pool),
      watchdog_(watchdog),
      log_(log),
      access_(access),
      options_(options),
      metrics_(metrics) {}

CallDispatcher::Call CallDispatcher::Begin(grpc::CallbackServerContext* ctx,
                                           absl::string_view full_method,
                                           const google::protobuf::Message* request,
                                           absl::string_view request_id, bool unary) {
  Call call;
  call.start = absl::Now();
  if (unary) call.reactor = ctx->DefaultReactor();
  domain::CallContext& context = call.context;
  absl::Time cap = call.start + options_.max_call_time;
  std::chrono::system_clock::time_point deadline = ctx->deadline();
  context.deadline = deadline == std::chrono::system_clock::time_point::max()
                         ? cap
                         : std::min(cap, absl::FromChrono(deadline));
  std::string header_id = auth::Metadata(*ctx, "x-request-id");
  context.request_id = header_id.empty() ? std::string(request_id) : std::move(header_id);
  context.actor = auth::Metadata(*ctx, "x-actor");
  context.method = std::string(full_method);
  call.entry.method = std::string(full_method);
  call.entry.request_id = Loggable(context.request_id);
  call.entry.peer = ctx->peer();
  if (!ready_.load()) {
    call.admission = NotReadyError();
    return call;
  }
  call.admission = access_->Admit(*ctx, full_method, &context);
  // Before any work: the request was parsed, but nothing ran on it yet.
  if (call.admission.ok() && request != nullptr) {
    call.admission = protos::IsMalformed(*request) ? MalformedRequestError(*request)
                                                   : auth::CheckMessageSize(context, *request);
  }
  return call;
}

absl::Status CallDispatcher::Precheck(const grpc::CallbackServerContext& ctx,
                                      const domain::CallContext& context) {
  if (ctx.IsCancelled()) return absl::CancelledError("the call was cancelled before it ran");
  if (absl::Now() >= context.deadline) {
    return absl::DeadlineExceededError("the deadline passed before the call ran");
  }
  return absl::OkStatus();
}

absl::Status CallDispatcher::BusyError() const {
  return storage::WithRetryInfo(
      domain::MakeError(absl::StatusCode::kResourceExhausted, domain::kServerBusy,
                        "too many calls are waiting; retry after a short delay"),
      options_.busy_retry_delay);
}

void CallDispatcher::Finish(const Call& call, const absl::Status& status) {
  CallLogEntry entry = call.entry;
  entry.code = status.code();
  // Like the denial line, a customer's call names "self-service", never the
  // profile id, so the log holds no per-customer trail. The actor is logged
  // only as an authenticated app's statement.
  entry.app_id = call.context.app_id;
  if (call.context.caller == domain::CallerKind::kApp) entry.actor = Loggable(call.context.actor);
  if (!status.ok()) {
    std::optional<google::rpc::ErrorInfo> info = domain::GetErrorInfo(status);
    entry.reason = info.has_value() ? info->reason() : domain::DefaultReason(status.code());
    if (status.code() == absl::StatusCode::kUnauthenticated ||
        status.code() == absl::StatusCode::kPermissionDenied ||
        (status.code() == absl::StatusCode::kResourceExhausted &&
         (entry.reason == domain::kRateLimited || entry.reason == domain::kMessageTooLarge))) {
      log_->Event(LogLevel::kWarn, "access_denied",
                  {{"app_id", call.context.app_id.empty() ? "-" : call.context.app_id},
                   {"method", entry.method},
                   {"reason", entry.reason},
                   {"request_id", entry.request_id}});
    }
  }
  entry.latency = absl::Now() - call.start;
  log_->Call(entry);
  if (metrics_ != nullptr) metrics_->ObserveCall(entry.method, entry.code, entry.latency);
  if (call.reactor != nullptr) call.reactor->Finish(ToGrpcStatus(status));
}

}  // namespace cp::server
