#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "domain/common/paging.h"
#include "domain/profile/profile_validator.h"
#include "domain/profile/timeline_mover.h"
#include "storage/store.h"

namespace cp::domain {

// MergeManager carries out MergeProfiles, UnmergeProfile, GetMerge and
// ListMerges, each in one store transaction, by the rules of
// domain/identity/profile_merge.h. Thread-safe; blocking.
//
// A merge writes the merged profiles first (state MERGED: their contact
// points leave the index and their external ids stop being live), then the
// survivor with the union, then the Merge record with every before-image
// and moved value; every write is conditional on the revision read, so a
// concurrent write to any involved profile makes exactly one of them win and
// the other fail with ABORTED.
class MergeManager {
 public:
  // `timeline` (may be null: no interactions move) moves the merged
  // profiles' interactions to the survivor and back.
  MergeManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
               const ProfileValidator* validator, PagingOptions paging,
               TimelineMover* timeline = nullptr);

  // The most profiles one merge takes into a survivor.
  static constexpr int kMaxMergedProfiles = 10;

  // MergeProfiles merges request.merged_profiles() into request.survivor().
  // INVALID_ARGUMENT for malformed names, 0 or more than kMaxMergedProfiles
  // profiles, a profile named twice or merged into itself, bad field
  // choices; NOT_FOUND for a missing profile; ABORTED for a stale etag;
  // FAILED_PRECONDITION PROFILE_MERGED / PROFILE_DELETED for a profile that
  // is merged or deleted, MERGE_EXCEEDS_LIMITS when the union breaks a
  // profile limit (say, more than 10 e-mails). Replaying request_id returns
  // the first response.
  absl::StatusOr<customerprofile::v1::MergeProfilesResponse> MergeProfiles(
      const customerprofile::v1::MergeProfilesRequest& request, const CallContext& context);

  // UnmergeProfile undoes one merge: NOT_FOUND (MERGE_NOT_FOUND) for an
  // unknown merge; FAILED_PRECONDITION MERGE_ALREADY_UNDONE, or
  // MERGE_HAS_LATER_MERGE (metadata "later_merge") while a later merge of
  // the survivor is in effect; ABORTED for a stale survivor etag.
  absl::StatusOr<customerprofile::v1::UnmergeProfileResponse> UnmergeProfile(
      const customerprofile::v1::UnmergeProfileRequest& request, const CallContext& context);

  absl::StatusOr<customerprofile::v1::Merge> GetMerge(
      const customerprofile::v1::GetMergeRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListMergesResponse> ListMerges(
      const customerprofile::v1::ListMergesRequest& request, const CallContext& context);

 private:
  storage::Store* store_;
  const Clock* clock_;
  IdGenerator* ids_;
  const ProfileValidator* validator_;
  PagingOptions paging_;
  TimelineMover* timeline_;
};

}  // namespace cp::domain
