#include "storage/match_key_backfill.h"

#include "absl/time/clock.h"

namespace cp::storage {

absl::Status BackfillMatchKeys(Store& store) {
  bool more = true;
  while (more) {
    absl::Status status = store.Run(TransactionMode::kReadWrite, absl::Now() + absl::Minutes(1),
                                    [&](Transaction& tx) -> absl::Status {
                                      absl::StatusOr<bool> left =
                                          tx.BackfillMatchKeys(kMatchKeyBackfillBatch);
                                      if (!left.ok()) return left.status();
                                      more = *left;
                                      return absl::OkStatus();
                                    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace cp::storage
