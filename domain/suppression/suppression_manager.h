#pragma once

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "customerprofile/v1/suppression_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/paging.h"
#include "domain/suppression/suppression_identifier.h"
#include "domain/suppression/suppression_import.h"
#include "storage/store.h"

namespace cp::domain {

// SuppressionManagerOptions configures the suppression list use cases.
struct SuppressionManagerOptions {
  PagingOptions paging;
  SuppressionImportOptions import;
  // Entries deleted per transaction when retired generations are cleaned
  // up, so that writers never wait long.
  int64_t delete_batch = 20000;
  // A staging generation older than this belongs to an import that died
  // (server killed mid-stream); it is cleaned up.
  absl::Duration abandoned_import_age = absl::Hours(24);
};

// SuppressionManager carries out SuppressionService: do-not-contact lists,
// their entries (normalised like profile contact points), imports and
// lookups. Thread-safe; blocking.
class SuppressionManager {
 public:
  SuppressionManager(storage::Store* store, const Clock* clock,
                     const SuppressionIdentifiers* identifiers,
                     SuppressionManagerOptions options = {});

  absl::StatusOr<customerprofile::v1::SuppressionList> CreateSuppressionList(
      const customerprofile::v1::CreateSuppressionListRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::SuppressionList> GetSuppressionList(
      const customerprofile::v1::GetSuppressionListRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListSuppressionListsResponse> ListSuppressionLists(
      const customerprofile::v1::ListSuppressionListsRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::SuppressionList> UpdateSuppressionList(
      const customerprofile::v1::UpdateSuppressionListRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::DeleteSuppressionListResponse> DeleteSuppressionList(
      const customerprofile::v1::DeleteSuppressionListRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::SuppressionEntry> AddSuppressionEntry(
      const customerprofile::v1::AddSuppressionEntryRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::RemoveSuppressionEntryResponse> RemoveSuppressionEntry(
      const customerprofile::v1::RemoveSuppressionEntryRequest& request,
      const CallContext& context);
  absl::StatusOr<customerprofile::v1::CheckSuppressionResponse> CheckSuppression(
      const customerprofile::v1::CheckSuppressionRequest& request, const CallContext& context);

  // StartImport begins an import from the first message of a stream (whose
  // lines the caller then passes to Add like every later message's).
  absl::StatusOr<std::unique_ptr<SuppressionImport>> StartImport(
      const customerprofile::v1::ImportSuppressionEntriesRequest& first,
      const CallContext& context);

  // CollectGarbage deletes the entries of retired generations (replaced by
  // an import, of deleted lists, of finished appends) and of abandoned
  // imports, a batch per transaction, until none is left or `deadline`.
  // Returns how many entries it deleted.
  absl::StatusOr<int64_t> CollectGarbage(absl::Time deadline);

 private:
  // ChangeEntries runs `change` on list `list_id` in a write transaction;
  // when it returns a non-zero change of the entry count, the list's count,
  // revision and update time follow. A lost race with another write of the
  // list is run again a few times.
  absl::Status ChangeEntries(
      const std::string& list_id, absl::Time deadline,
      absl::FunctionRef<absl::StatusOr<int64_t>(storage::SuppressionRepository&,
                                                const storage::SuppressionListRecord&)>
          change);

  storage::Store* store_;
  const Clock* clock_;
  const SuppressionIdentifiers* identifiers_;
  SuppressionManagerOptions options_;
};

}  // namespace cp::domain
