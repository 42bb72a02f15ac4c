#pragma once

#include "absl/status/status.h"
#include "storage/store.h"

namespace cp::storage {

// The profiles one backfill transaction indexes.
inline constexpr int kMatchKeyBackfillBatch = 500;

// BackfillMatchKeys writes the duplicate index rows of the profiles stored
// before migration 0006 (see storage/match_keys.h), a batch per read-write
// transaction of `store`, until none is left; a no-op once done. Every
// Store::Migrate runs it after the migrations, so that a server started on
// an older database finds duplicates among the profiles it already holds.
absl::Status BackfillMatchKeys(Store& store);

}  // namespace cp::storage
