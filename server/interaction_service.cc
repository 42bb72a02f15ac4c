#include "server/interaction_service.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"
#include "server/auth/interaction_access.h"
#include "server/auth/profile_access.h"
#include "server/status_conversion.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.InteractionService/";

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

// ToRpcStatus is the google.rpc.Status a failed batch item reports: the code,
// message and details the call would have finished with.
google::rpc::Status ToRpcStatus(const absl::Status& status) {
  grpc::Status grpc_status = ToGrpcStatus(status);
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(grpc_status.error_details())) {
    rpc.set_code(static_cast<int>(status.code()));
    rpc.set_message(std::string(status.message()));
  }
  return rpc;
}

}  // namespace

InteractionService::InteractionService(domain::InteractionManager* manager,
                                       CallDispatcher* dispatcher)
    : manager_(manager), dispatcher_(dispatcher) {}

grpc::ServerUnaryReactor* InteractionService::RecordInteraction(
    grpc::CallbackServerContext* ctx, const v1::RecordInteractionRequest* request,
    v1::Interaction* response) {
  return dispatcher_->Dispatch<v1::Interaction>(
      ctx, FullMethod("RecordInteraction"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Interaction> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        if (absl::Status s = auth::CheckInteractionKind(context, request->interaction().kind(),
                                                        "interaction.kind");
            !s.ok()) {
          return s;
        }
        return manager_->RecordInteraction(*request, context);
      });
}

grpc::ServerUnaryReactor* InteractionService::BatchRecordInteractions(
    grpc::CallbackServerContext* ctx, const v1::BatchRecordInteractionsRequest* request,
    v1::BatchRecordInteractionsResponse* response) {
  return dispatcher_->Dispatch<v1::BatchRecordInteractionsResponse>(
      ctx, FullMethod("BatchRecordInteractions"), *request, "", response,
      [this, request](const domain::CallContext& context)
          -> absl::StatusOr<v1::BatchRecordInteractionsResponse> {
        // Each item succeeds or fails on its own, a refused one too: only
        // the items the caller may record go to the manager.
        std::vector<absl::Status> refused(request->requests_size());
        bool any_refused = false;
        for (int i = 0; i < request->requests_size(); ++i) {
          const v1::RecordInteractionRequest& item = request->requests(i);
          refused[i] = auth::CheckOwnProfile(context, item.parent());
          if (refused[i].ok()) {
            refused[i] =
                auth::CheckInteractionKind(context, item.interaction().kind(),
                                           absl::StrCat("requests[", i, "].interaction.kind"));
          }
          any_refused = any_refused || !refused[i].ok();
        }
        // Copied only when some item is refused (and the batch is in bounds).
        v1::BatchRecordInteractionsRequest allowed;
        if (any_refused && request->requests_size() <= domain::InteractionManager::kMaxBatch) {
          for (int i = 0; i < request->requests_size(); ++i) {
            if (refused[i].ok()) *allowed.add_requests() = request->requests(i);
          }
        }
        auto results = manager_->BatchRecordInteractions(
            any_refused && request->requests_size() <= domain::InteractionManager::kMaxBatch
                ? allowed
                : *request,
            context);
        if (!results.ok()) return results.status();
        v1::BatchRecordInteractionsResponse out;
        size_t next = 0;
        for (const absl::Status& refusal : refused) {
          v1::RecordInteractionResult* item = out.add_results();
          if (!refusal.ok()) {
            *item->mutable_error() = ToRpcStatus(refusal);
            continue;
          }
          const absl::StatusOr<v1::Interaction>& result = (*results)[next++];
          if (result.ok()) {
            *item->mutable_interaction() = *result;
          } else {
            *item->mutable_error() = ToRpcStatus(result.status());
          }
        }
        return out;
      });
}

grpc::ServerUnaryReactor* InteractionService::GetInteraction(
    grpc::CallbackServerContext* ctx, const v1::GetInteractionRequest* request,
    v1::Interaction* response) {
  return dispatcher_->Dispatch<v1::Interaction>(
      ctx, FullMethod("GetInteraction"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Interaction> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->name()); !s.ok()) return s;
        return manager_->GetInteraction(*request, context);
      });
}

grpc::ServerUnaryReactor* InteractionService::ListInteractions(
    grpc::CallbackServerContext* ctx, const v1::ListInteractionsRequest* request,
    v1::ListInteractionsResponse* response) {
  return dispatcher_->Dispatch<v1::ListInteractionsResponse>(
      ctx, FullMethod("ListInteractions"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::ListInteractionsResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        return manager_->ListInteractions(*request, context);
      });
}

grpc::ServerUnaryReactor* InteractionService::DeleteInteraction(
    grpc::CallbackServerContext* ctx, const v1::DeleteInteractionRequest* request,
    v1::DeleteInteractionResponse* response) {
  return dispatcher_->Dispatch<v1::DeleteInteractionResponse>(
      ctx, FullMethod("DeleteInteraction"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::DeleteInteractionResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        if (absl::Status s = manager_->DeleteInteraction(*request, context); !s.ok()) return s;
        return v1::DeleteInteractionResponse();
      });
}

grpc::ServerUnaryReactor* InteractionService::GetProfileInsights(
    grpc::CallbackServerContext* ctx, const v1::GetProfileInsightsRequest* request,
    v1::ProfileInsights* response) {
  return dispatcher_->Dispatch<v1::ProfileInsights>(
      ctx, FullMethod("GetProfileInsights"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::ProfileInsights> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->name()); !s.ok()) return s;
        return manager_->GetProfileInsights(*request, context);
      });
}

}  // namespace cp::server
