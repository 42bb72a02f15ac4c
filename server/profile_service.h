#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/call_context.h"
#include "domain/profile_manager.h"
#include "server/json_log.h"
#include "server/worker_pool.h"

namespace cp::server {

// ProfileServiceOptions configures the transport side of ProfileService.
struct ProfileServiceOptions {
  // The longest a call may run, whatever deadline the client sets (or none).
  absl::Duration max_call_time = absl::Seconds(30);
  // The delay a RESOURCE_EXHAUSTED answer suggests before a retry.
  absl::Duration busy_retry_delay = absl::Milliseconds(100);
};

// ProfileService is the gRPC face of domain::ProfileManager. Each handler
// hands the call to the worker pool, whose thread calls the manager and
// finishes the reactor, so no reactor thread ever waits on the database.
// Until SetReady(true) (the store is migrated) every call is UNAVAILABLE.
class ProfileService final : public customerprofile::v1::ProfileService::CallbackService {
 public:
  ProfileService(domain::ProfileManager* manager, WorkerPool* pool, JsonLog* log,
                 ProfileServiceOptions options = {});

  // SetReady makes the service answer calls (true) or refuse them with
  // UNAVAILABLE (false).
  void SetReady(bool ready) { ready_.store(ready); }

  grpc::ServerUnaryReactor* CreateProfile(grpc::CallbackServerContext* ctx,
                                          const customerprofile::v1::CreateProfileRequest* request,
                                          customerprofile::v1::Profile* response) override;
  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* ctx,
                                       const customerprofile::v1::GetProfileRequest* request,
                                       customerprofile::v1::Profile* response) override;
  grpc::ServerUnaryReactor* UpdateProfile(grpc::CallbackServerContext* ctx,
                                          const customerprofile::v1::UpdateProfileRequest* request,
                                          customerprofile::v1::Profile* response) override;
  grpc::ServerUnaryReactor* DeleteProfile(grpc::CallbackServerContext* ctx,
                                          const customerprofile::v1::DeleteProfileRequest* request,
                                          customerprofile::v1::Profile* response) override;
  grpc::ServerUnaryReactor* UndeleteProfile(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::UndeleteProfileRequest* request,
      customerprofile::v1::Profile* response) override;
  grpc::ServerUnaryReactor* ListProfiles(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListProfilesRequest* request,
      customerprofile::v1::ListProfilesResponse* response) override;

 private:
  // ManagerMethod is a domain::ProfileManager use case.
  template <typename Request, typename Response>
  using ManagerMethod = absl::StatusOr<Response> (domain::ProfileManager::*)(
      const Request&, const domain::CallContext&);

  // Dispatch runs `method` of the manager for one call on the worker pool.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Dispatch(grpc::CallbackServerContext* ctx, absl::string_view name,
                                     const Request* request, Response* response,
                                     absl::string_view request_id,
                                     ManagerMethod<Request, Response> method);

  // MakeCallContext derives the domain's view of a call: its deadline
  // (capped by max_call_time), request id and actor.
  domain::CallContext MakeCallContext(const grpc::CallbackServerContext& ctx,
                                      absl::string_view request_id) const;

  // Finish logs a call, then ends it with `status`.
  void Finish(grpc::ServerUnaryReactor* reactor, CallLogEntry entry, absl::Time start,
              const absl::Status& status);

  domain::ProfileManager* const manager_;
  WorkerPool* const pool_;
  JsonLog* const log_;
  const ProfileServiceOptions options_;
  std::atomic<bool> ready_{false};
};

}  // namespace cp::server
