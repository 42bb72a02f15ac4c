#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "customerprofile/v1/suppression_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/suppression/suppression_identifier.h"
#include "storage/store.h"
#include "storage/suppression_repository.h"

namespace cp::domain {

// SuppressionImportOptions bounds an import.
struct SuppressionImportOptions {
  // The most lines one import may carry.
  int64_t max_lines = 50'000'000;
  // Good lines staged per transaction.
  size_t batch_size = 20000;
  // How many rejected lines a response lists.
  int max_rejected_listed = 100;
};

// SuppressionImport is one ImportSuppressionEntries stream on its way in.
// Its entries go into a staging generation nobody reads; Finish then makes
// them visible in one short transaction (REPLACE: the list points at the new
// generation; APPEND: the new entries are copied into the current one).
// Destroying an unfinished import abandons it: nothing it staged becomes
// visible. Not thread-safe: one stream feeds it, one message at a time.
class SuppressionImport {
 public:
  // Use SuppressionManager::StartImport.
  SuppressionImport(storage::Store* store, const Clock* clock,
                    const SuppressionIdentifiers* identifiers, SuppressionImportOptions options,
                    storage::SuppressionListRecord list, customerprofile::v1::ImportMode mode,
                    int64_t generation);
  ~SuppressionImport();
  SuppressionImport(const SuppressionImport&) = delete;
  SuppressionImport& operator=(const SuppressionImport&) = delete;

  // Add reads one message's lines: normalises each, counts blank, comment
  // and malformed ones, and stages the good ones a batch at a time.
  // INVALID_ARGUMENT when the message names another list or mode, or the
  // stream passes the line limit.
  absl::Status Add(const customerprofile::v1::ImportSuppressionEntriesRequest& request,
                   const CallContext& context);

  // Finish stages what is left and publishes the import. NOT_FOUND when the
  // list was deleted meanwhile; ABORTED when a REPLACE that began later
  // published first (this one would undo it); FAILED_PRECONDITION for a
  // REPLACE without a single good line (it would lift every block).
  absl::StatusOr<customerprofile::v1::ImportSuppressionEntriesResponse> Finish(
      const CallContext& context);

  // Abandon retires the staging generation now (Finish not called); the
  // destructor does it too.
  void Abandon();

  // Detach gives the import up without touching the store (for callers
  // that must not block): its staging generation is cleaned up once it is
  // old (SuppressionManagerOptions::abandoned_import_age).
  void Detach() { done_ = true; }

 private:
  absl::Status Flush(const CallContext& context);

  storage::Store* store_;
  const Clock* clock_;
  const SuppressionIdentifiers* identifiers_;
  SuppressionImportOptions options_;
  storage::SuppressionListRecord list_;
  customerprofile::v1::ImportMode mode_;
  int64_t generation_;
  bool done_ = false;
  std::vector<std::string> pending_;
  int64_t staged_ = 0;
  int64_t good_lines_ = 0;
  customerprofile::v1::ImportSuppressionEntriesResponse response_;
};

}  // namespace cp::domain
