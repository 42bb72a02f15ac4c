#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/common/call_context.h"
#include "google/protobuf/message.h"
#include "server/auth/access_control.h"
#include "server/auth/pii_redaction.h"
#include "server/json_log.h"
#include "server/server_metrics.h"
#include "server/stream_watchdog.h"
#include "server/worker_pool.h"

namespace cp::server {

// MalformedRequestError is the INVALID_ARGUMENT (reason MALFORMED_REQUEST)
// for a request message whose bytes did not parse (protos::IsMalformed).
absl::Status MalformedRequestError(const google::protobuf::Message& request);

// CallDispatcherOptions configures how calls are admitted and run.
struct CallDispatcherOptions {
  // The longest a call may run, whatever deadline the client sets (or none).
  absl::Duration max_call_time = absl::Seconds(30);
  // The delay a RESOURCE_EXHAUSTED answer suggests before a retry.
  absl::Duration busy_retry_delay = absl::Milliseconds(100);
};

// CallDispatcher is the machinery every gRPC service of the server shares.
// For one unary call it checks readiness, authenticates the caller,
// authorizes the full method name, applies the caller's rate limit and
// message size cap, builds
// the domain::CallContext (deadline, request id, app id, actor, caller
// kind, scopes), runs the handler on the worker pool (so no reactor thread
// waits on the database), clears the personal data of the response for a
// caller without pii.read (auth::RedactForCaller: every field the protos
// mark as PII, in every service), logs the call (and every denial) and
// finishes the reactor. Until SetReady(true) every call is UNAVAILABLE.
// Thread-safe.
class CallDispatcher {
 public:
  // Handler computes a call's response from its context; it runs on a
  // worker thread and may block.
  template <typename Response>
  using Handler = absl::AnyInvocable<absl::StatusOr<Response>(const domain::CallContext&) &&>;

  // CallDispatcher runs work on `pool`, watches streams with `watchdog`,
  // logs to `log` and asks `access` who may call what; all four must
  // outlive it.
  // `metrics`, when not null, counts every call and must outlive it too.
  CallDispatcher(WorkerPool* pool, StreamWatchdog* watchdog, JsonLog* log,
                 auth::AccessControl* access, CallDispatcherOptions options = {},
                 ServerMetrics* metrics = nullptr);

  // SetReady makes the services answer calls (true) or refuse them with
  // UNAVAILABLE (false).
  void SetReady(bool ready) { ready_.store(ready); }

  // Call is one admitted (or refused) call on its way through. A streaming
  // call has no unary reactor: its service runs its own.
  struct Call {
    grpc::ServerUnaryReactor* reactor = nullptr;
    CallLogEntry entry;
    absl::Time start;
    domain::CallContext context;
    absl::Status admission;
  };

  // BeginStream admits the streaming call `full_method` as Dispatch admits
  // a unary one; the call may go on only when `admission` is OK. The
  // service checks each message's size (auth::CheckMessageSize), runs its
  // blocking work on pool(), has watchdog() end the stream at
  // `context.deadline` and when it waits too long for a message, redacts
  // what it sends with auth::RedactForCaller, and reports the end with
  // EndStream.
  Call BeginStream(grpc::CallbackServerContext* ctx, absl::string_view full_method) {
    return Begin(ctx, full_method, nullptr, "", /*unary=*/false);
  }

  // EndStream logs a streaming call (and a denial) that ends with `status`;
  // the service finishes its reactor itself.
  void EndStream(const Call& call, const absl::Status& status) { Finish(call, status); }

  // pool is the worker pool blocking work runs on.
  WorkerPool* pool() const { return pool_; }

  // watchdog ends streams at their deadline or when idle.
  StreamWatchdog* watchdog() const { return watchdog_; }

  // metrics is where services count what they answered, or null when the
  // server keeps no metrics (no --metrics-listen).
  ServerMetrics* metrics() const { return metrics_; }

  // Dispatch admits the call `full_method` (e.g.
  // "/customerprofile.v1.ProfileService/GetProfile") with `request` and,
  // when admitted, runs `handler` on the worker pool, storing its result in
  // `response`. `request_id` is the request's own request_id field ("" if
  // none); the x-request-id metadata wins over it.
  template <typename Response>
  grpc::ServerUnaryReactor* Dispatch(grpc::CallbackServerContext* ctx,
                                     absl::string_view full_method,
                                     const google::protobuf::Message& request,
                                     absl::string_view request_id, Response* response,
                                     Handler<Response> handler) {
    return DispatchWithFastPath<Response>(
        ctx, full_method, request, request_id, response,
        [](const domain::CallContext&, Response*) { return false; }, std::move(handler));
  }

  // FastPath answers an admitted call on the gRPC thread, from memory and
  // without blocking: true with *response set, or false to leave the call
  // to the handler on the worker pool.
  template <typename Response>
  using FastPath = absl::FunctionRef<bool(const domain::CallContext&, Response*)>;

  // DispatchWithFastPath is Dispatch that first offers the admitted call to
  // `fast` (e.g. a read from a cache) and runs `handler` on the worker pool
  // only when `fast` cannot answer it.
  template <typename Response>
  grpc::ServerUnaryReactor* DispatchWithFastPath(grpc::CallbackServerContext* ctx,
                                                 absl::string_view full_method,
                                                 const google::protobuf::Message& request,
                                                 absl::string_view request_id, Response* response,
                                                 FastPath<Response> fast,
                                                 Handler<Response> handler) {
    Call call = Begin(ctx, full_method, &request, request_id);
    if (!call.admission.ok()) {
      Finish(call, call.admission);
      return call.reactor;
    }
    if (fast(call.context, response)) {
      auth::RedactForCaller(call.context, response);
      Finish(call, absl::OkStatus());
      return call.reactor;
    }
    Call unqueued = call;
    bool queued = pool_->Submit(
        [this, ctx, response, handler = std::move(handler), call = std::move(call)]() mutable {
          absl::Status status = Precheck(*ctx, call.context);
          if (status.ok()) {
            absl::StatusOr<Response> result = std::move(handler)(call.context);
            if (result.ok()) {
              *response = *std::move(result);
              auth::RedactForCaller(call.context, response);
            } else {
              status = result.status();
            }
          }
          Finish(call, status);
        });
    if (!queued) Finish(unqueued, BusyError());
    return unqueued.reactor;
  }

 private:
  // Begin checks readiness, access and (for a unary call) that the request
  // parsed (see protos::IsMalformed) and its size, and builds the call's
  // context; `request` is null for a stream.
  Call Begin(grpc::CallbackServerContext* ctx, absl::string_view full_method,
             const google::protobuf::Message* request, absl::string_view request_id,
             bool unary = true);
  // Precheck refuses a call cancelled or past its deadline before it ran.
  static absl::Status Precheck(const grpc::CallbackServerContext& ctx,
                               const domain::CallContext& context);
  // BusyError is the answer to a call the worker pool has no room for.
  absl::Status BusyError() const;
  // Finish logs a call (and a denial), then ends a unary one with
  // `status`.
  void Finish(const Call& call, const absl::Status& status);

  WorkerPool* const pool_;
  StreamWatchdog* const watchdog_;
  JsonLog* const log_;
  auth::AccessControl* const access_;
  const CallDispatcherOptions options_;
  ServerMetrics* const metrics_;
  std::atomic<bool> ready_{false};
};

}  // namespace cp::server
