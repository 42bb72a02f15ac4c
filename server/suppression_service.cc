#include "server/suppression_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/errors.h"
#include "server/auth/message_size.h"
#include "server/auth/pii_redaction.h"
#include "server/status_conversion.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.SuppressionService/";
// How long one step of an import (staging a message, publishing) may take;
// the stream as a whole may take longer, within the client's deadline.
constexpr absl::Duration kImportStepTime = absl::Seconds(60);

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

}  // namespace

// ImportReactor reads an import stream one message at a time. Every step
// that touches the store runs on the worker pool; the next read starts only
// after the step is done, so at most one message is in memory.
class SuppressionService::ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportSuppressionEntriesRequest> {
 public:
  ImportReactor(SuppressionService* service, grpc::CallbackServerContext* ctx,
                v1::ImportSuppressionEntriesResponse* response)
      : service_(service), ctx_(ctx), response_(response) {
    call_ = service_->dispatcher_->BeginStream(ctx, FullMethod("ImportSuppressionEntries"));
    if (!call_.admission.ok()) {
      End(call_.admission);
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
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
        StartRead(&request_);
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
      auth::RedactForCaller(call_.context, response_);
      import_.reset();
      if (service_->on_change_) service_->on_change_();
      End(absl::OkStatus());
    });
  }

  void OnDone() override { delete this; }

 private:
  // StepContext is the call's context with a deadline for one step.
  domain::CallContext StepContext() const {
    domain::CallContext context = call_.context;
    absl::Time step = absl::Now() + kImportStepTime;
    std::chrono::system_clock::time_point deadline = ctx_->deadline();
    context.deadline = deadline == std::chrono::system_clock::time_point::max()
                           ? step
                           : std::min(step, absl::FromChrono(deadline));
    return context;
  }

  // RunStep runs `step` on the worker pool, or fails the call when the pool
  // is full.
  void RunStep(absl::AnyInvocable<void() &&> step) {
    if (!service_->dispatcher_->pool()->Submit(std::move(step))) {
      // Not on a worker: abandoning touches the store, so it is left to
      // the cleaner (the staging generation ages out).
      if (import_ != nullptr) import_->Detach();
      End(domain::MakeError(absl::StatusCode::kResourceExhausted, "SERVER_BUSY",
                            "too many calls are waiting; retry after a short delay"));
    }
  }

  // Fail abandons the import (nothing staged becomes visible) and ends the
  // call with `status`.
  void Fail(const absl::Status& status) {
    if (import_ != nullptr) import_->Abandon();
    End(status);
  }

  void End(const absl::Status& status) {
    service_->dispatcher_->EndStream(call_, status);
    Finish(ToGrpcStatus(status));
  }

  SuppressionService* const service_;
  grpc::CallbackServerContext* const ctx_;
  v1::ImportSuppressionEntriesResponse* const response_;
  CallDispatcher::Call call_;
  v1::ImportSuppressionEntriesRequest request_;
  std::unique_ptr<domain::SuppressionImport> import_;
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
        v1::ListSuppressionListsRequest capped = *request;
        if (context.max_page_size > 0 &&
            (capped.page_size() == 0 || capped.page_size() > context.max_page_size)) {
          capped.set_page_size(context.max_page_size);
        }
        return manager_->ListSuppressionLists(capped, context);
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
