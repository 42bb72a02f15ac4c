#pragma once

#include <grpcpp/grpcpp.h>

#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "domain/interaction/interaction_manager.h"
#include "server/call_dispatcher.h"

namespace cp::server {

// InteractionService is the gRPC face of domain::InteractionManager. Each
// handler goes through the shared CallDispatcher (readiness, authentication,
// authorization, limits, worker pool, logging); a self-service caller
// reaches only its own profile's timeline.
class InteractionService final : public customerprofile::v1::InteractionService::CallbackService {
 public:
  // InteractionService serves `manager` through `dispatcher`; both must
  // outlive it.
  InteractionService(domain::InteractionManager* manager, CallDispatcher* dispatcher);

  grpc::ServerUnaryReactor* RecordInteraction(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::RecordInteractionRequest* request,
      customerprofile::v1::Interaction* response) override;
  grpc::ServerUnaryReactor* BatchRecordInteractions(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::BatchRecordInteractionsRequest* request,
      customerprofile::v1::BatchRecordInteractionsResponse* response) override;
  grpc::ServerUnaryReactor* GetInteraction(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::GetInteractionRequest* request,
      customerprofile::v1::Interaction* response) override;
  grpc::ServerUnaryReactor* ListInteractions(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListInteractionsRequest* request,
      customerprofile::v1::ListInteractionsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteInteraction(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::DeleteInteractionRequest* request,
      customerprofile::v1::DeleteInteractionResponse* response) override;
  grpc::ServerUnaryReactor* GetProfileInsights(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::GetProfileInsightsRequest* request,
      customerprofile::v1::ProfileInsights* response) override;

 private:
  domain::InteractionManager* const manager_;
  CallDispatcher* const dispatcher_;
};

}  // namespace cp::server
