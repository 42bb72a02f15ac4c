#include "server/consent_service.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/auth/profile_access.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.ConsentService/";

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

}  // namespace

ConsentService::ConsentService(domain::PurposeManager* purposes, domain::ConsentLedger* ledger,
                               domain::ConsentChecker* checker, CallDispatcher* dispatcher)
    : purposes_(purposes), ledger_(ledger), checker_(checker), dispatcher_(dispatcher) {}

grpc::ServerUnaryReactor* ConsentService::CreatePurpose(grpc::CallbackServerContext* ctx,
                                                        const v1::CreatePurposeRequest* request,
                                                        v1::Purpose* response) {
  return dispatcher_->Dispatch<v1::Purpose>(
      ctx, FullMethod("CreatePurpose"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Purpose> {
        return purposes_->CreatePurpose(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::GetPurpose(grpc::CallbackServerContext* ctx,
                                                     const v1::GetPurposeRequest* request,
                                                     v1::Purpose* response) {
  return dispatcher_->Dispatch<v1::Purpose>(
      ctx, FullMethod("GetPurpose"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Purpose> {
        return purposes_->GetPurpose(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::ListPurposes(grpc::CallbackServerContext* ctx,
                                                       const v1::ListPurposesRequest* request,
                                                       v1::ListPurposesResponse* response) {
  return dispatcher_->Dispatch<v1::ListPurposesResponse>(
      ctx, FullMethod("ListPurposes"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListPurposesResponse> {
        return purposes_->ListPurposes(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::UpdatePurpose(grpc::CallbackServerContext* ctx,
                                                        const v1::UpdatePurposeRequest* request,
                                                        v1::Purpose* response) {
  return dispatcher_->Dispatch<v1::Purpose>(
      ctx, FullMethod("UpdatePurpose"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::Purpose> {
        return purposes_->UpdatePurpose(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::GetNoticeVersion(
    grpc::CallbackServerContext* ctx, const v1::GetNoticeVersionRequest* request,
    v1::NoticeVersion* response) {
  return dispatcher_->Dispatch<v1::NoticeVersion>(
      ctx, FullMethod("GetNoticeVersion"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::NoticeVersion> {
        return purposes_->GetNoticeVersion(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::ListNoticeVersions(
    grpc::CallbackServerContext* ctx, const v1::ListNoticeVersionsRequest* request,
    v1::ListNoticeVersionsResponse* response) {
  return dispatcher_->Dispatch<v1::ListNoticeVersionsResponse>(
      ctx, FullMethod("ListNoticeVersions"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::ListNoticeVersionsResponse> {
        return purposes_->ListNoticeVersions(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::RecordConsent(grpc::CallbackServerContext* ctx,
                                                        const v1::RecordConsentRequest* request,
                                                        v1::RecordConsentResponse* response) {
  return dispatcher_->Dispatch<v1::RecordConsentResponse>(
      ctx, FullMethod("RecordConsent"), *request, request->request_id(), response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::RecordConsentResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        return ledger_->RecordConsent(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::ConfirmConsent(grpc::CallbackServerContext* ctx,
                                                         const v1::ConfirmConsentRequest* request,
                                                         v1::ConsentEvent* response) {
  // The single-use token is the customer's proof; it names no profile the
  // caller could be checked against beforehand.
  return dispatcher_->Dispatch<v1::ConsentEvent>(
      ctx, FullMethod("ConfirmConsent"), *request, "", response,
      [this, request](const domain::CallContext& context) -> absl::StatusOr<v1::ConsentEvent> {
        return ledger_->ConfirmConsent(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::ListConsentEvents(
    grpc::CallbackServerContext* ctx, const v1::ListConsentEventsRequest* request,
    v1::ListConsentEventsResponse* response) {
  return dispatcher_->Dispatch<v1::ListConsentEventsResponse>(
      ctx, FullMethod("ListConsentEvents"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::ListConsentEventsResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        return ledger_->ListConsentEvents(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::ListConsents(grpc::CallbackServerContext* ctx,
                                                       const v1::ListConsentsRequest* request,
                                                       v1::ListConsentsResponse* response) {
  return dispatcher_->Dispatch<v1::ListConsentsResponse>(
      ctx, FullMethod("ListConsents"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListConsentsResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->parent()); !s.ok()) return s;
        return ledger_->ListConsents(*request, context);
      });
}

grpc::ServerUnaryReactor* ConsentService::CheckConsent(grpc::CallbackServerContext* ctx,
                                                       const v1::CheckConsentRequest* request,
                                                       v1::CheckConsentResponse* response) {
  return dispatcher_->Dispatch<v1::CheckConsentResponse>(
      ctx, FullMethod("CheckConsent"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::CheckConsentResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->profile()); !s.ok()) return s;
        absl::StatusOr<v1::CheckConsentResponse> answer = checker_->CheckConsent(*request, context);
        if (answer.ok()) CountAnswer(answer->check());
        return answer;
      });
}

grpc::ServerUnaryReactor* ConsentService::BatchCheckConsent(
    grpc::CallbackServerContext* ctx, const v1::BatchCheckConsentRequest* request,
    v1::BatchCheckConsentResponse* response) {
  return dispatcher_->Dispatch<v1::BatchCheckConsentResponse>(
      ctx, FullMethod("BatchCheckConsent"), *request, "", response,
      [this, request](
          const domain::CallContext& context) -> absl::StatusOr<v1::BatchCheckConsentResponse> {
        // Self-service callers never reach a batch (see the method policy);
        // this keeps a future policy change from opening other profiles.
        if (absl::Status s = auth::CheckOwnProfile(context, ""); !s.ok()) return s;
        if (absl::Status s = auth::CheckBatchSize(context, "profiles", request->profiles_size());
            !s.ok()) {
          return s;
        }
        absl::StatusOr<v1::BatchCheckConsentResponse> answers =
            checker_->BatchCheckConsent(*request, context);
        if (answers.ok()) {
          for (const v1::ConsentCheck& check : answers->checks()) CountAnswer(check);
        }
        return answers;
      });
}

void ConsentService::CountAnswer(const v1::ConsentCheck& check) const {
  if (ServerMetrics* metrics = dispatcher_->metrics()) {
    metrics->CountConsentAnswer(check.allowed(), v1::CheckReason_Name(check.reason()));
  }
}

}  // namespace cp::server
