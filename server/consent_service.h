#pragma once

#include <grpcpp/grpcpp.h>

#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "domain/consent/consent_checker.h"
#include "domain/consent/consent_ledger.h"
#include "domain/consent/purpose_manager.h"
#include "server/call_dispatcher.h"

namespace cp::server {

// ConsentService is the gRPC face of the purpose, ledger and check use cases
// (domain::PurposeManager, domain::ConsentLedger, domain::ConsentChecker).
// Each handler goes through the shared CallDispatcher (readiness,
// authentication, authorization by method, limits, worker pool, logging)
// and adds the profile rules of access: a self-service caller records, lists
// and checks only its own profile's consents and never batch-checks; the
// per-caller page and batch caps apply.
class ConsentService final : public customerprofile::v1::ConsentService::CallbackService {
 public:
  // ConsentService serves the three use cases through `dispatcher`; all
  // must outlive it.
  ConsentService(domain::PurposeManager* purposes, domain::ConsentLedger* ledger,
                 domain::ConsentChecker* checker, CallDispatcher* dispatcher);

  grpc::ServerUnaryReactor* CreatePurpose(grpc::CallbackServerContext* ctx,
                                          const customerprofile::v1::CreatePurposeRequest* request,
                                          customerprofile::v1::Purpose* response) override;
  grpc::ServerUnaryReactor* GetPurpose(grpc::CallbackServerContext* ctx,
                                       const customerprofile::v1::GetPurposeRequest* request,
                                       customerprofile::v1::Purpose* response) override;
  grpc::ServerUnaryReactor* ListPurposes(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListPurposesRequest* request,
      customerprofile::v1::ListPurposesResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePurpose(grpc::CallbackServerContext* ctx,
                                          const customerprofile::v1::UpdatePurposeRequest* request,
                                          customerprofile::v1::Purpose* response) override;
  grpc::ServerUnaryReactor* GetNoticeVersion(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::GetNoticeVersionRequest* request,
      customerprofile::v1::NoticeVersion* response) override;
  grpc::ServerUnaryReactor* ListNoticeVersions(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::ListNoticeVersionsRequest* request,
      customerprofile::v1::ListNoticeVersionsResponse* response) override;
  grpc::ServerUnaryReactor* RecordConsent(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::RecordConsentRequest* request,
      customerprofile::v1::RecordConsentResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmConsent(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ConfirmConsentRequest* request,
      customerprofile::v1::ConsentEvent* response) override;
  grpc::ServerUnaryReactor* ListConsentEvents(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::ListConsentEventsRequest* request,
      customerprofile::v1::ListConsentEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListConsents(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListConsentsRequest* request,
      customerprofile::v1::ListConsentsResponse* response) override;
  grpc::ServerUnaryReactor* CheckConsent(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::CheckConsentRequest* request,
      customerprofile::v1::CheckConsentResponse* response) override;
  grpc::ServerUnaryReactor* BatchCheckConsent(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::BatchCheckConsentRequest* request,
      customerprofile::v1::BatchCheckConsentResponse* response) override;

 private:
  // CountAnswer counts one consent answer in the server's metrics, if kept.
  void CountAnswer(const customerprofile::v1::ConsentCheck& check) const;

  domain::PurposeManager* const purposes_;
  domain::ConsentLedger* const ledger_;
  domain::ConsentChecker* const checker_;
  CallDispatcher* const dispatcher_;
};

}  // namespace cp::server
