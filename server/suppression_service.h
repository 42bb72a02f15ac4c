#pragma once

#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "domain/suppression/suppression_manager.h"
#include "server/call_dispatcher.h"

namespace cp::server {

// SuppressionService is the gRPC face of domain::SuppressionManager. Unary
// handlers go through the shared CallDispatcher; the client-streaming
// import is admitted the same way, then reads one message at a time and
// stages it on the worker pool before asking for the next (so a fast client
// cannot pile up memory), and publishes when the client closes the stream.
// The stream ends with DEADLINE_EXCEEDED at the call's deadline and when it
// waits longer than the dispatcher's StreamWatchdog allows for a message.
// A cancelled, failed or expired stream changes nothing visible.
class SuppressionService final : public customerprofile::v1::SuppressionService::CallbackService {
 public:
  // SuppressionService serves `manager` through `dispatcher`; both must
  // outlive it.
  SuppressionService(domain::SuppressionManager* manager, CallDispatcher* dispatcher);

  grpc::ServerUnaryReactor* CreateSuppressionList(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::CreateSuppressionListRequest* request,
      customerprofile::v1::SuppressionList* response) override;
  grpc::ServerUnaryReactor* GetSuppressionList(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::GetSuppressionListRequest* request,
      customerprofile::v1::SuppressionList* response) override;
  grpc::ServerUnaryReactor* ListSuppressionLists(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::ListSuppressionListsRequest* request,
      customerprofile::v1::ListSuppressionListsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSuppressionList(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::UpdateSuppressionListRequest* request,
      customerprofile::v1::SuppressionList* response) override;
  grpc::ServerUnaryReactor* DeleteSuppressionList(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::DeleteSuppressionListRequest* request,
      customerprofile::v1::DeleteSuppressionListResponse* response) override;
  grpc::ServerReadReactor<customerprofile::v1::ImportSuppressionEntriesRequest>*
  ImportSuppressionEntries(
      grpc::CallbackServerContext* ctx,
      customerprofile::v1::ImportSuppressionEntriesResponse* response) override;
  grpc::ServerUnaryReactor* AddSuppressionEntry(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::AddSuppressionEntryRequest* request,
      customerprofile::v1::SuppressionEntry* response) override;
  grpc::ServerUnaryReactor* RemoveSuppressionEntry(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::RemoveSuppressionEntryRequest* request,
      customerprofile::v1::RemoveSuppressionEntryResponse* response) override;
  grpc::ServerUnaryReactor* CheckSuppression(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::CheckSuppressionRequest* request,
      customerprofile::v1::CheckSuppressionResponse* response) override;

  // SetImportFinishedCallback registers work to run (on a worker thread)
  // after an import or list deletion succeeded, e.g. waking the cleaner of
  // retired entries.
  void SetChangeCallback(std::function<void()> callback) { on_change_ = std::move(callback); }

 private:
  class ImportReactor;

  domain::SuppressionManager* const manager_;
  CallDispatcher* const dispatcher_;
  std::function<void()> on_change_;
};

}  // namespace cp::server
