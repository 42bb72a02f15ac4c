#pragma once

#include <grpcpp/grpcpp.h>

#include "customerprofile/v1/audit_service.grpc.pb.h"
#include "domain/change/audit_trail.h"
#include "server/call_dispatcher.h"

namespace cp::server {

// AuditService is the gRPC face of domain::AuditTrail, through the shared
// CallDispatcher; a self-service caller reaches only its own trail.
class AuditService final : public customerprofile::v1::AuditService::CallbackService {
 public:
  // Both must outlive it.
  AuditService(domain::AuditTrail* trail, CallDispatcher* dispatcher);

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListAuditEventsRequest* request,
      customerprofile::v1::ListAuditEventsResponse* response) override;

 private:
  domain::AuditTrail* const trail_;
  CallDispatcher* const dispatcher_;
};

}  // namespace cp::server
