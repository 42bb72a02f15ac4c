#include "server/audit_service.h"

#include "server/auth/profile_access.h"

namespace cp::server {

namespace v1 = ::customerprofile::v1;

AuditService::AuditService(domain::AuditTrail* trail, CallDispatcher* dispatcher)
    : trail_(trail), dispatcher_(dispatcher) {}

grpc::ServerUnaryReactor* AuditService::ListAuditEvents(grpc::CallbackServerContext* ctx,
                                                        const v1::ListAuditEventsRequest* request,
                                                        v1::ListAuditEventsResponse* response) {
  return dispatcher_->Dispatch<v1::ListAuditEventsResponse>(
      ctx, "/customerprofile.v1.AuditService/ListAuditEvents", *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListAuditEventsResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        return trail_->ListAuditEvents(*request, context);
      });
}

}  // namespace cp::server
