#include "server/suppression_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "protos/runtime/tolerant_parse.h"
#include "server/auth/message_size.h"
#include "server/auth/pii_redaction.h"
#include "server/status_conversion.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.SuppressionService/";
// How long one step of an import (staging a message, publishing) may take;
// the stream as a whole may take longer, within the call's deadline.
constexpr absl::Duration kImportStepTime = absl::Seconds(60);

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

}  // namespace

// ImportReactor reads an import stream one message at a time. Every step
// that touches the store runs on the worker pool; the next read starts only
// after the step is done, so at most one message is in memory. The
// dispatcher's StreamWatchdog ends the stream at the call's deadline and
// when the client leaves it idle: the idle clock runs only while a read is
// outstanding, not while a step runs.
//
// Finish is called exactly once, by whichever path sets `ended_` first; the
// watchdog may end the call while a read is outstanding (gRPC then completes
// the read with ok=false, and OnReadDone does nothing), but never while a
// step runs: it leaves `expired_` for the step, which fails the call instead
// of reading again. Finish and blocking work never run under `mu_`.
class SuppressionService::ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportSuppressionEntriesRequest> {
 public:
  ImportReactor(SuppressionService* service, grpc::CallbackServerContext* ctx,
                v1::ImportSuppressionEntriesResponse* response)
      : service_(service),
        ctx_(ctx),
        response_(response),
        watchdog_(service->dispatcher_->watchdog()) {
    call_ = service_->dispatcher_->BeginStream(ctx, FullMethod("ImportSuppressionEntries"));
    if (!call_.admission.ok()) {
      End(call_.admission);
      return;
    }
    stream_ = watchdog_->Register(call_.context.deadline,
                                  [this](StreamWatchdog::Expiry expiry) { Expire(expiry); });
    ReadNext();
  }

  void OnReadDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      // The watchdog ended the call while this read was outstanding.
      if (ended_) return;
      watchdog_->StopIdle(stream_);
    }
    if (ok) {
      if (protos::IsMalformed(request_)) {
        RunStep([this]() { Fail(MalformedRequestError(request_)); });
        return;
      }
      // The app's message size limit holds for every message of a stream.
      if (absl::Status size = auth::CheckMessageSize(call_.context, request_); !size.ok()) {
        RunStep([this, size]() { Fail(size); });
        return;
      }
      RunStep([this]() {
        absl::Status status;
        domain::CallContext context = StepContext();
        if (import_ == nullptr) {
          absl::StatusOr<std::unique_ptr<domain::SuppressionImport>> started =
              service_->manager_->StartImport(request_, context);
          if (started.ok()) {
            import_ = *std::move(started);
          } else {
            status = started.status();
          }
        }
        if (status.ok()) status = import_->Add(request_, context);
        if (!status.ok()) {
          Fail(status);
          return;
        }
        request_.Clear();
        ReadNext();
      });
      return;
    }
    // The client closed the stream, or the call was cancelled.
    RunStep([this]() {
      if (ctx_->IsCancelled()) {
        Fail(absl::CancelledError("the import was cancelled; nothing was changed"));
        return;
      }
      if (import_ == nullptr) {
        Fail(domain::InvalidField("suppression_list", "the stream ended before its first message"));
        return;
      }
      absl::StatusOr<v1::ImportSuppressionEntriesResponse> result = import_->Finish(StepContext());
      if (!result.ok()) {
        Fail(result.status());
        return;
      }
      *response_ = *std::move(result);
      if (ServerMetrics* metrics = service_->dispatcher_->metrics()) {
        metrics->CountImportLines("added", response_->added_count());
        metrics->CountImportLines("duplicate", response_->duplicate_count());
        metrics->CountImportLines("rejected", response_->rejected_count());
        metrics->CountImportLines("skipped", response_->skipped_count());
      }
      auth::RedactForCaller(call_.context, response_);
      import_.reset();
      if (service_->on_change_) service_->on_change_();
      End(absl::OkStatus());
    });
  }

  void OnDone() override {
    // Waits for an expiry callback in progress, so none runs on a deleted
    // reactor.
    if (stream_ != 0) watchdog_->Unregister(stream_);
    delete this;
  }

 private:
  // StepContext is the call's context with a deadline for one step.
  domain::CallContext StepContext() const {
    domain::CallContext context = call_.context;
    context.deadline = std::min(absl::Now() + kImportStepTime, call_.context.deadline);
    return context;
  }

  // ReadNext asks for the next message and starts the idle clock, unless
  // the watchdog expired the stream while the step before ran: then it fails
  // the call with that expiry.
  void ReadNext() {
    absl::Status expired;
    {
      absl::MutexLock lock(&mu_);
      if (expired_.ok()) {
        reading_ = true;
        // Under mu_, so the watchdog sees the read outstanding only once it
        // is. OnReadDone never runs inline in StartRead (gRPC 1.51 marks the
        // read reaction not inlineable), so this cannot wait for itself.
        StartRead(&request_);
        watchdog_->StartIdle(stream_);
        return;
      }
      expired = expired_;
    }
    Fail(expired);
  }

  // Expire is the watchdog's callback: it ends a stream waiting for a
  // message now, or leaves the expiry to the running step.
  void Expire(StreamWatchdog::Expiry expiry) {
    absl::Status status =
        expiry == StreamWatchdog::Expiry::kIdle
            ? domain::MakeError(absl::StatusCode::kDeadlineExceeded, "STREAM_IDLE_TIMEOUT",
                                absl::StrCat("no message arrived for ",
                                             absl::FormatDuration(watchdog_->idle_timeout()),
                                             "; the import was abandoned, nothing was changed"))
            : domain::MakeError(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                                "the call's deadline passed before the stream ended; the import "
                                "was abandoned, nothing was changed");
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      if (!reading_) {
        expired_ = status;
        return;
      }
      // No step runs, and OnReadDone now does nothing: import_ is ours.
      ended_ = true;
    }
    // Abandoning touches the store: on a worker, or left to the cleaner.
    if (!service_->dispatcher_->pool()->Submit([this, status]() { Fail(status); })) {
      if (import_ != nullptr) import_->Detach();
      End(status);
    }
  }

  // RunStep runs `step` on the worker pool, or fails the call when the pool
  // is full.
  void RunStep(absl::AnyInvocable<void() &&> step) {
    if (!service_->dispatcher_->pool()->Submit(std::move(step))) {
      // Not on a worker: abandoning touches the store, so it is left to
      // the cleaner (the staging generation ages out).
      if (import_ != nullptr) import_->Detach();
      End(domain::MakeError(absl::StatusCode::kResourceExhausted, domain::kServerBusy,
                            "too many calls are waiting; retry after a short delay"));
    }
  }

  // Fail abandons the import (nothing staged becomes visible) and ends the
  // call with `status`.
  void Fail(const absl::Status& status) {
    if (import_ != nullptr) import_->Abandon();
    End(status);
  }

  // End logs the call and finishes it; the reactor may be deleted as soon
  // as Finish is called, so nothing touches it after.
  void End(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      ended_ = true;
    }
    service_->dispatcher_->EndStream(call_, status);
    Finish(ToGrpcStatus(status));
  }

  SuppressionService* const service_;
  grpc::CallbackServerContext* const ctx_;
  v1::ImportSuppressionEntriesResponse* const response_;
  StreamWatchdog* const watchdog_;
  CallDispatcher::Call call_;
  // Set in the constructor; 0 when the call was not admitted.
  StreamWatchdog::Handle stream_ = 0;
  v1::ImportSuppressionEntriesRequest request_;
  std::unique_ptr<domain::SuppressionImport> import_;
  absl::Mutex mu_;
  // A StartRead is outstanding (no step runs).
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  // Finish is called or about to be: no more reads or steps.
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  // Why the watchdog expired the stream while a step ran; OK otherwise.
  absl::Status expired_ ABSL_GUARDED_BY(mu_);
};

SuppressionService::SuppressionService(domain::SuppressionManager* manager,
                                       CallDispatcher* dispatcher)
    : manager_(manager), dispatcher_(dispatcher) {}

grpc::ServerUnaryReactor* SuppressionService::CreateSuppressionList(
    grpc::CallbackServerContext* ctx, const v1::CreateSuppressionListRequest* request,
    v1::SuppressionList* response) {
  return dispatcher_->Dispatch<v1::SuppressionList>(
      ctx, FullMethod("CreateSuppressionList"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::SuppressionList> {
        return manager_->CreateSuppressionList(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::GetSuppressionList(
    grpc::CallbackServerContext* ctx, const v1::GetSuppressionListRequest* request,
    v1::SuppressionList* response) {
  return dispatcher_->Dispatch<v1::SuppressionList>(
      ctx, FullMethod("GetSuppressionList"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::SuppressionList> {
        return manager_->GetSuppressionList(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::ListSuppressionLists(
    grpc::CallbackServerContext* ctx, const v1::ListSuppressionListsRequest* request,
    v1::ListSuppressionListsResponse* response) {
  return dispatcher_->Dispatch<v1::ListSuppressionListsResponse>(
      ctx, FullMethod("ListSuppressionLists"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::ListSuppressionListsResponse> {
        return manager_->ListSuppressionLists(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::UpdateSuppressionList(
    grpc::CallbackServerContext* ctx, const v1::UpdateSuppressionListRequest* request,
    v1::SuppressionList* response) {
  return dispatcher_->Dispatch<v1::SuppressionList>(
      ctx, FullMethod("UpdateSuppressionList"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::SuppressionList> {
        return manager_->UpdateSuppressionList(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::DeleteSuppressionList(
    grpc::CallbackServerContext* ctx, const v1::DeleteSuppressionListRequest* request,
    v1::DeleteSuppressionListResponse* response) {
  return dispatcher_->Dispatch<v1::DeleteSuppressionListResponse>(
      ctx, FullMethod("DeleteSuppressionList"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::DeleteSuppressionListResponse> {
        auto result = manager_->DeleteSuppressionList(*request, context);
        if (result.ok() && on_change_) on_change_();
        return result;
      });
}

grpc::ServerReadReactor<v1::ImportSuppressionEntriesRequest>*
SuppressionService::ImportSuppressionEntries(grpc::CallbackServerContext* ctx,
                                             v1::ImportSuppressionEntriesResponse* response) {
  return new ImportReactor(this, ctx, response);
}

grpc::ServerUnaryReactor* SuppressionService::AddSuppressionEntry(
    grpc::CallbackServerContext* ctx, const v1::AddSuppressionEntryRequest* request,
    v1::SuppressionEntry* response) {
  return dispatcher_->Dispatch<v1::SuppressionEntry>(
      ctx, FullMethod("AddSuppressionEntry"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::SuppressionEntry> {
        return manager_->AddSuppressionEntry(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::RemoveSuppressionEntry(
    grpc::CallbackServerContext* ctx, const v1::RemoveSuppressionEntryRequest* request,
    v1::RemoveSuppressionEntryResponse* response) {
  return dispatcher_->Dispatch<v1::RemoveSuppressionEntryResponse>(
      ctx, FullMethod("RemoveSuppressionEntry"), *request, "", response,
      [this, request](const domain::CallContext& context)
          -> absl::StatusOr<v1::RemoveSuppressionEntryResponse> {
        return manager_->RemoveSuppressionEntry(*request, context);
      });
}

grpc::ServerUnaryReactor* SuppressionService::CheckSuppression(
    grpc::CallbackServerContext* ctx, const v1::CheckSuppressionRequest* request,
    v1::CheckSuppressionResponse* response) {
  return dispatcher_->Dispatch<v1::CheckSuppressionResponse>(
      ctx, FullMethod("CheckSuppression"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::CheckSuppressionResponse> {
        return manager_->CheckSuppression(*request, context);
      });
}

}  // namespace cp::server
