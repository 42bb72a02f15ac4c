#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "customerprofile/v1/interaction_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "domain/common/paging.h"
#include "domain/interaction/insights.h"
#include "domain/profile/timeline_mover.h"
#include "storage/store.h"

namespace cp::domain {

// InteractionManager carries out the InteractionService methods, each in one
// store transaction. Thread-safe; blocking.
//
// Recording is idempotent on (source_system, external_ref): the same pair
// again on the same profile with the same content returns the first
// interaction; with other content, or on another profile, it is
// ALREADY_EXISTS (reason INTERACTION_ALREADY_EXISTS, metadata "name" of the
// one recorded). On a deleted profile it is FAILED_PRECONDITION
// PROFILE_DELETED; on a merged one it lands on the survivor.
// InteractionManagerOptions configures the timeline use cases.
struct InteractionManagerOptions {
  PagingOptions paging;
  // --value-tiers.
  ValueTiers value_tiers;
};

//
// Every interaction recorded or deleted rewrites the profile's insights in
// the same transaction, so that they always equal a recomputation
// (ComputeInsights): recording updates the stored running totals
// (insights_state.h) in constant time, plus one indexed count when the
// preference window slides; a deletion or a merge recomputes them from the
// whole timeline.
class InteractionManager : public TimelineMover {
 public:
  InteractionManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
                     InteractionManagerOptions options);

  // The most requests one BatchRecordInteractions may carry.
  static constexpr int kMaxBatch = 1000;

  absl::StatusOr<customerprofile::v1::Interaction> RecordInteraction(
      const customerprofile::v1::RecordInteractionRequest& request, const CallContext& context);
  // BatchRecordInteractions: INVALID_ARGUMENT for more than kMaxBatch
  // requests; otherwise each item's outcome, in request order, as
  // RecordInteraction would answer it.
  absl::StatusOr<std::vector<absl::StatusOr<customerprofile::v1::Interaction>>>
  BatchRecordInteractions(const customerprofile::v1::BatchRecordInteractionsRequest& request,
                          const CallContext& context);
  absl::StatusOr<customerprofile::v1::Interaction> GetInteraction(
      const customerprofile::v1::GetInteractionRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListInteractionsResponse> ListInteractions(
      const customerprofile::v1::ListInteractionsRequest& request, const CallContext& context);
  absl::Status DeleteInteraction(const customerprofile::v1::DeleteInteractionRequest& request,
                                 const CallContext& context);
  // GetProfileInsights: name "profiles/{profile}/insights"; NOT_FOUND for a
  // missing profile; empty insights for one without interactions.
  absl::StatusOr<customerprofile::v1::ProfileInsights> GetProfileInsights(
      const customerprofile::v1::GetProfileInsightsRequest& request, const CallContext& context);

  // RefreshInsights brings every profile's stored insights up to date, a
  // page of profiles per transaction: it recomputes the ones stored without
  // running totals (before migration 0009) and, when --value-tiers differ
  // from those the store was last tiered with, re-tiers every profile from
  // its totals. Run at start-up.
  absl::Status RefreshInsights(absl::Time deadline);

  // TimelineMover, for merges and unmerges.
  absl::Status MoveTimeline(storage::Transaction& tx, const std::string& from,
                            const std::string& to, std::vector<std::string>* moved) override;
  absl::Status MoveBack(storage::Transaction& tx, const std::vector<std::string>& ids,
                        const std::string& from, const std::string& to) override;

 private:
  storage::Store* store_;
  const Clock* clock_;
  // RecomputeInsights rewrites the insights of `profile_id` from its whole
  // timeline, inside `tx`.
  absl::Status RecomputeInsights(storage::Transaction& tx, const std::string& profile_id);
  // AddToInsights updates the insights of `profile_id` for `added`, stored
  // on its timeline in `tx` already, from its stored totals `state`
  // (updated; null when it has none).
  absl::Status AddToInsights(storage::Transaction& tx, const std::string& profile_id,
                             InsightsState* state,
                             const std::vector<customerprofile::v1::Interaction>& added);
  // RecordAll records `items` in one transaction; each item's outcome in
  // order.
  std::vector<absl::StatusOr<customerprofile::v1::Interaction>> RecordAll(
      const std::vector<const customerprofile::v1::RecordInteractionRequest*>& items,
      const CallContext& context);

  IdGenerator* ids_;
  InteractionManagerOptions options_;
};

}  // namespace cp::domain
