#include "domain/identity/merge_survivor.h"

#include <string>

#include "absl/strings/strip.h"

namespace cp::domain {

absl::StatusOr<std::optional<storage::ProfileRecord>> ReadSurvivor(storage::Transaction& tx,
                                                                   absl::string_view id) {
  std::string next(absl::StripPrefix(id, "profiles/"));
  for (int hop = 0; hop <= kMaxMergeHops; ++hop) {
    auto record = tx.GetProfile(next);
    if (!record.ok()) return record.status();
    if (!record->has_value()) return std::nullopt;
    if ((*record)->profile.state() != customerprofile::v1::PROFILE_STATE_MERGED) return record;
    next = std::string(absl::StripPrefix((*record)->profile.merged_into(), "profiles/"));
  }
  return absl::InternalError("a profile is merged through too many links");
}

}  // namespace cp::domain
