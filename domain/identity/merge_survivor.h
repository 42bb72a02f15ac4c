#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_record.h"
#include "storage/transaction.h"

namespace cp::domain {

// The most merged_into links followed from one profile to its survivor.
inline constexpr int kMaxMergeHops = 32;

// ReadSurvivor reads profile `id` (an id or "profiles/{id}") and, while the
// profile read is MERGED, the one it was merged into: the last one read is
// the profile that answers for `id` (`id`'s own record when it is not
// merged). nullopt when `id`, or a link of the chain, is missing; INTERNAL
// beyond kMaxMergeHops links. Every call that acts on a merged profile's
// behalf (consent checks, interactions) resolves it here.
absl::StatusOr<std::optional<storage::ProfileRecord>> ReadSurvivor(storage::Transaction& tx,
                                                                   absl::string_view id);

}  // namespace cp::domain
