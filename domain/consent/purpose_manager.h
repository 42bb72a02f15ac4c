#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/paging.h"
#include "storage/store.h"

namespace cp::domain {

// PurposeManagerOptions configures the purpose use cases.
struct PurposeManagerOptions {
  PagingOptions paging;
};

// PurposeManager carries out the purpose methods of ConsentService:
// validation, etags and notice versions (a changed notice_text becomes a new
// version; every version stays readable). Thread-safe; blocking.
class PurposeManager {
 public:
  PurposeManager(storage::Store* store, const Clock* clock, PurposeManagerOptions options = {});

  absl::StatusOr<customerprofile::v1::Purpose> CreatePurpose(
      const customerprofile::v1::CreatePurposeRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::Purpose> GetPurpose(
      const customerprofile::v1::GetPurposeRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListPurposesResponse> ListPurposes(
      const customerprofile::v1::ListPurposesRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::Purpose> UpdatePurpose(
      const customerprofile::v1::UpdatePurposeRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::NoticeVersion> GetNoticeVersion(
      const customerprofile::v1::GetNoticeVersionRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListNoticeVersionsResponse> ListNoticeVersions(
      const customerprofile::v1::ListNoticeVersionsRequest& request, const CallContext& context);

 private:
  storage::Store* store_;
  const Clock* clock_;
  PurposeManagerOptions options_;
};

}  // namespace cp::domain
