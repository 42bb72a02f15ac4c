#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "customerprofile/internal/v1/insights_state.pb.h"
#include "customerprofile/v1/insights.pb.h"
#include "customerprofile/v1/interaction.pb.h"
#include "storage/profile_query.h"

namespace cp::storage {

// InteractionRecord is one stored interaction. The store persists
// `interaction` whole and indexes the columns it is listed and found by.
struct InteractionRecord {
  // The {interaction} part of the name, unique in the store.
  std::string interaction_id;
  // The profile it belongs to now (its parent).
  std::string profile_id;
  // The profile it was recorded on (another one once a merge moved it).
  std::string origin_profile_id;
  absl::Time occur_time;
  absl::Time create_time;
  customerprofile::v1::Interaction interaction;
};

// InteractionCursor is the position after which a list goes on.
struct InteractionCursor {
  absl::Time occur_time;
  std::string interaction_id;
};

// InteractionListQuery selects one page of interactions, ordered by
// (occur_time, interaction_id).
struct InteractionListQuery {
  // One profile's, or every profile's when empty.
  std::string profile_id;
  bool descending = true;
  std::optional<InteractionCursor> after;
  // Only the interactions matching it (interaction fields only).
  std::optional<FilterNode> filter;
  int limit = 50;
};

// StoredInsights is one profile's stored insights.
struct StoredInsights {
  std::string profile_id;
  customerprofile::v1::ProfileInsights insights;
  // The running totals they derive from; nullopt for rows written before
  // the store kept them (migration 0009).
  std::optional<customerprofile::internal::v1::InsightsState> state;
};

// InteractionRepository persists interactions inside a transaction.
class InteractionRepository {
 public:
  virtual ~InteractionRepository() = default;

  // InsertInteractions stores new interactions, in as few statements as it
  // can; ALREADY_EXISTS when an id is taken or a (source_system,
  // external_ref) pair is recorded already (a clash fails them all).
  virtual absl::Status InsertInteractions(const std::vector<InteractionRecord>& records) = 0;
  // FindInteractionsByRefs returns the interactions recorded with any of
  // the (source_system, external_ref) pairs, in no order.
  virtual absl::StatusOr<std::vector<InteractionRecord>> FindInteractionsByRefs(
      const std::vector<std::pair<std::string, std::string>>& refs) = 0;
  // GetInteraction returns the interaction with this id, or nullopt.
  virtual absl::StatusOr<std::optional<InteractionRecord>> GetInteraction(
      absl::string_view interaction_id) = 0;
  // ListInteractions returns at most query.limit interactions in the
  // query's order.
  virtual absl::StatusOr<std::vector<InteractionRecord>> ListInteractions(
      const InteractionListQuery& query) = 0;
  // DeleteInteraction removes one; NOT_FOUND when there is none.
  virtual absl::Status DeleteInteraction(absl::string_view interaction_id) = 0;

  // MoveInteractions gives every interaction of profile `from` to profile
  // `to` and returns their ids.
  virtual absl::StatusOr<std::vector<std::string>> MoveInteractions(absl::string_view from,
                                                                    absl::string_view to) = 0;
  // MoveInteractionBack gives interaction `id` to `to` if it still belongs
  // to `from` (true), else leaves it (false).
  virtual absl::StatusOr<bool> MoveInteractionBack(absl::string_view id, absl::string_view from,
                                                   absl::string_view to) = 0;

  // CountInboundByChannel returns, per channel number, how many INBOUND
  // interactions of the profile occurred in [from, to).
  virtual absl::StatusOr<std::map<int, int64_t>> CountInboundByChannel(absl::string_view profile_id,
                                                                       absl::Time from,
                                                                       absl::Time to) = 0;

  // PutInsights stores a profile's insights and the totals they derive
  // from, replacing what was stored, and copies their value_tier and
  // last_interaction_time onto the profile row (for ListProfiles).
  virtual absl::Status PutInsights(absl::string_view profile_id,
                                   const customerprofile::v1::ProfileInsights& insights,
                                   const customerprofile::internal::v1::InsightsState& state) = 0;
  // GetInsightsStates returns the totals stored with the insights of
  // `profile_ids`, by id; a profile without (no insights, or stored before
  // 0009) is not in the map.
  virtual absl::StatusOr<std::map<std::string, customerprofile::internal::v1::InsightsState>>
  GetInsightsStates(const std::vector<std::string>& profile_ids) = 0;
  // ListStoredInsights returns at most `limit` rows of insights by profile
  // id, after `after_profile_id` ("" = from the start); with
  // `only_without_totals`, only rows stored without totals.
  virtual absl::StatusOr<std::vector<StoredInsights>> ListStoredInsights(
      absl::string_view after_profile_id, int limit, bool only_without_totals) = 0;
  // GetTiersSpec returns the value tiers the stored insights were last
  // tiered with (as PutTiersSpec stored them), or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> GetTiersSpec() = 0;
  virtual absl::Status PutTiersSpec(absl::string_view spec) = 0;
  // GetInsights returns a profile's stored insights, or nullopt.
  virtual absl::StatusOr<std::optional<customerprofile::v1::ProfileInsights>> GetInsights(
      absl::string_view profile_id) = 0;
};

}  // namespace cp::storage
