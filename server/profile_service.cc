#include "server/profile_service.h"

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/auth/profile_access.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.ProfileService/";

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

// Audited returns `result` once `auditor` (if any) has recorded the reads of
// the profiles `profiles_of` finds in it.
template <class Response, class ProfilesOf>
absl::StatusOr<Response> Audited(domain::ReadAuditor* auditor, const domain::CallContext& context,
                                 absl::StatusOr<Response> result, ProfilesOf profiles_of) {
  if (auditor == nullptr || !result.ok()) return result;
  std::vector<const v1::Profile*> profiles = profiles_of(*result);
  if (absl::Status s = auditor->RecordReads(profiles, context); !s.ok()) return s;
  return result;
}

// ProfilesIn lists the profiles of a response's repeated `profiles`.
template <class Response>
std::vector<const v1::Profile*> ProfilesIn(const Response& response) {
  std::vector<const v1::Profile*> profiles;
  for (const v1::Profile& profile : response.profiles()) profiles.push_back(&profile);
  return profiles;
}

}  // namespace

ProfileService::ProfileService(domain::ProfileManager* manager, domain::MergeManager* merges,
                               domain::DuplicateFinder* duplicates, CallDispatcher* dispatcher,
                               domain::ReadAuditor* read_auditor)
    : manager_(manager),
      merges_(merges),
      duplicates_(duplicates),
      dispatcher_(dispatcher),
      read_auditor_(read_auditor) {}

grpc::ServerUnaryReactor* ProfileService::CreateProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::CreateProfileRequest* request,
                                                        v1::Profile* response) {
  return dispatcher_->Dispatch<v1::Profile>(
      ctx, FullMethod("CreateProfile"), *request, request->request_id(), response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Profile> {
        return manager_->CreateProfile(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::GetProfile(grpc::CallbackServerContext* ctx,
                                                     const v1::GetProfileRequest* request,
                                                     v1::Profile* response) {
  return dispatcher_->DispatchWithFastPath<v1::Profile>(
      ctx, FullMethod("GetProfile"), *request, "", response,
      // A profile in the store's cache is answered here, on the gRPC
      // thread, after the same checks as on the worker.
      [this, request](const domain::CallContext& context, v1::Profile* out) {
        // An audited read is a write: never answered here.
        if (read_auditor_ != nullptr) return false;
        if (!auth::CheckOwnProfile(context, request->name()).ok()) return false;
        return manager_->GetCachedProfile(*request, out);
      },
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Profile> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->name()); !s.ok()) return s;
        return Audited(
            read_auditor_, context, manager_->GetProfile(*request, context),
            [](const v1::Profile& profile) { return std::vector<const v1::Profile*>{&profile}; });
      });
}

grpc::ServerUnaryReactor* ProfileService::UpdateProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::UpdateProfileRequest* request,
                                                        v1::Profile* response) {
  return dispatcher_->Dispatch<v1::Profile>(
      ctx, FullMethod("UpdateProfile"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Profile> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->profile().name()); !s.ok()) {
          return s;
        }
        if (absl::Status s = auth::CheckSelfServiceUpdate(context, *request); !s.ok()) return s;
        return manager_->UpdateProfile(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::DeleteProfile(grpc::CallbackServerContext* ctx,
                                                        const v1::DeleteProfileRequest* request,
                                                        v1::Profile* response) {
  return dispatcher_->Dispatch<v1::Profile>(
      ctx, FullMethod("DeleteProfile"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Profile> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->name()); !s.ok()) return s;
        return manager_->DeleteProfile(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::UndeleteProfile(grpc::CallbackServerContext* ctx,
                                                          const v1::UndeleteProfileRequest* request,
                                                          v1::Profile* response) {
  return dispatcher_->Dispatch<v1::Profile>(
      ctx, FullMethod("UndeleteProfile"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Profile> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->name()); !s.ok()) return s;
        return manager_->UndeleteProfile(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::ListProfiles(grpc::CallbackServerContext* ctx,
                                                       const v1::ListProfilesRequest* request,
                                                       v1::ListProfilesResponse* response) {
  return dispatcher_->Dispatch<v1::ListProfilesResponse>(
      ctx, FullMethod("ListProfiles"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListProfilesResponse> {
        // Self-service callers never reach List (see the method policy);
        // this keeps a future policy change from opening other profiles.
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        if (absl::Status s =
                auth::CheckQueryFields(context, request->filter(), request->order_by());
            !s.ok()) {
          return s;
        }
        return Audited(read_auditor_, context, manager_->ListProfiles(*request, context),
                       ProfilesIn<v1::ListProfilesResponse>);
      });
}

grpc::ServerUnaryReactor* ProfileService::BatchGetProfiles(
    grpc::CallbackServerContext* ctx, const v1::BatchGetProfilesRequest* request,
    v1::BatchGetProfilesResponse* response) {
  return dispatcher_->Dispatch<v1::BatchGetProfilesResponse>(
      ctx, FullMethod("BatchGetProfiles"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::BatchGetProfilesResponse> {
        // Self-service callers never reach a batch (see the method policy);
        // this keeps a future policy change from opening other profiles.
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return Audited(read_auditor_, context, manager_->BatchGetProfiles(*request, context),
                       ProfilesIn<v1::BatchGetProfilesResponse>);
      });
}

grpc::ServerUnaryReactor* ProfileService::LookupProfiles(grpc::CallbackServerContext* ctx,
                                                         const v1::LookupProfilesRequest* request,
                                                         v1::LookupProfilesResponse* response) {
  return dispatcher_->Dispatch<v1::LookupProfilesResponse>(
      ctx, FullMethod("LookupProfiles"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::LookupProfilesResponse> {
        // Self-service callers never reach a lookup (see the method policy);
        // this keeps a future policy change from opening other profiles.
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return Audited(read_auditor_, context, manager_->LookupProfiles(*request, context),
                       ProfilesIn<v1::LookupProfilesResponse>);
      });
}

// The identity methods below are refused to self-service callers by the
// method policy; CheckOwnProfile(context, "") keeps a future policy change
// from opening other profiles to them.

grpc::ServerUnaryReactor* ProfileService::FindDuplicates(grpc::CallbackServerContext* ctx,
                                                         const v1::FindDuplicatesRequest* request,
                                                         v1::FindDuplicatesResponse* response) {
  return dispatcher_->Dispatch<v1::FindDuplicatesResponse>(
      ctx, FullMethod("FindDuplicates"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::FindDuplicatesResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return duplicates_->FindDuplicates(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::MergeProfiles(grpc::CallbackServerContext* ctx,
                                                        const v1::MergeProfilesRequest* request,
                                                        v1::MergeProfilesResponse* response) {
  return dispatcher_->Dispatch<v1::MergeProfilesResponse>(
      ctx, FullMethod("MergeProfiles"), *request, request->request_id(), response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::MergeProfilesResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return merges_->MergeProfiles(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::UnmergeProfile(grpc::CallbackServerContext* ctx,
                                                         const v1::UnmergeProfileRequest* request,
                                                         v1::UnmergeProfileResponse* response) {
  return dispatcher_->Dispatch<v1::UnmergeProfileResponse>(
      ctx, FullMethod("UnmergeProfile"), *request, request->request_id(), response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::UnmergeProfileResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return merges_->UnmergeProfile(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::GetMerge(grpc::CallbackServerContext* ctx,
                                                   const v1::GetMergeRequest* request,
                                                   v1::Merge* response) {
  return dispatcher_->Dispatch<v1::Merge>(
      ctx, FullMethod("GetMerge"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Merge> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return merges_->GetMerge(*request, context);
      });
}

grpc::ServerUnaryReactor* ProfileService::ListMerges(grpc::CallbackServerContext* ctx,
                                                     const v1::ListMergesRequest* request,
                                                     v1::ListMergesResponse* response) {
  return dispatcher_->Dispatch<v1::ListMergesResponse>(
      ctx, FullMethod("ListMerges"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListMergesResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        return merges_->ListMerges(*request, context);
      });
}

}  // namespace cp::server
