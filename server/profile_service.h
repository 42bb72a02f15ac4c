#pragma once

#include <grpcpp/grpcpp.h>

#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/change/read_auditor.h"
#include "domain/profile/duplicate_finder.h"
#include "domain/profile/merge_manager.h"
#include "domain/profile/profile_manager.h"
#include "server/call_dispatcher.h"

namespace cp::server {

// ProfileService is the gRPC face of domain::ProfileManager. Each handler
// goes through the shared CallDispatcher (readiness, authentication,
// authorization, limits, worker pool, logging) and adds the profile rules
// of access: a self-service caller reaches only its own profile and writes
// only its own fields; without pii.read, responses omit personal data and
// filters or order_by on it are refused; per-caller page caps apply.
class ProfileService final : public customerprofile::v1::ProfileService::CallbackService {
 public:
  // ProfileService serves `manager` through `dispatcher`; both must
  // outlive it.
  // With a `read_auditor` (--audit-pii-reads), every read that returns
  // personal data is recorded in the customers' audit trails before it is
  // answered (and GetProfile never answers from the cache).
  ProfileService(domain::ProfileManager* manager, domain::MergeManager* merges,
                 domain::DuplicateFinder* duplicates, CallDispatcher* dispatcher,
                 domain::ReadAuditor* read_auditor = nullptr);

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
  grpc::ServerUnaryReactor* BatchGetProfiles(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::BatchGetProfilesRequest* request,
      customerprofile::v1::BatchGetProfilesResponse* response) override;
  grpc::ServerUnaryReactor* LookupProfiles(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::LookupProfilesRequest* request,
      customerprofile::v1::LookupProfilesResponse* response) override;

  grpc::ServerUnaryReactor* FindDuplicates(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::FindDuplicatesRequest* request,
      customerprofile::v1::FindDuplicatesResponse* response) override;
  grpc::ServerUnaryReactor* MergeProfiles(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::MergeProfilesRequest* request,
      customerprofile::v1::MergeProfilesResponse* response) override;
  grpc::ServerUnaryReactor* UnmergeProfile(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::UnmergeProfileRequest* request,
      customerprofile::v1::UnmergeProfileResponse* response) override;
  grpc::ServerUnaryReactor* GetMerge(grpc::CallbackServerContext* ctx,
                                     const customerprofile::v1::GetMergeRequest* request,
                                     customerprofile::v1::Merge* response) override;
  grpc::ServerUnaryReactor* ListMerges(grpc::CallbackServerContext* ctx,
                                       const customerprofile::v1::ListMergesRequest* request,
                                       customerprofile::v1::ListMergesResponse* response) override;

 private:
  domain::ProfileManager* const manager_;
  domain::MergeManager* const merges_;
  domain::DuplicateFinder* const duplicates_;
  CallDispatcher* const dispatcher_;
  domain::ReadAuditor* const read_auditor_;
};

}  // namespace cp::server
