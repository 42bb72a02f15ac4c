#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/interaction_repository.h"
#include "storage/sql/filter_sql.h"
#include "storage/sql/row.h"

// The statements on interactions that SQLite and MySQL share, with '?'
// placeholders bound in order.
namespace cp::storage::sql {

// The interaction columns, as DecodeInteraction reads them.
#define CP_INTERACTION_COLUMNS "id, profile_id, origin_profile_id, occur_time, create_time, data"

// Parameter: id.
inline constexpr absl::string_view kSelectInteraction =
    "SELECT " CP_INTERACTION_COLUMNS " FROM interactions WHERE id = ?";
// Parameter: id.
inline constexpr absl::string_view kDeleteInteraction = "DELETE FROM interactions WHERE id = ?";

// Parameter: profile id.
inline constexpr absl::string_view kSelectInteractionIdsOf =
    "SELECT id FROM interactions WHERE profile_id = ? ORDER BY id";
// Parameters: the new profile id, the old one.
inline constexpr absl::string_view kMoveInteractions =
    "UPDATE interactions SET profile_id = ? WHERE profile_id = ?";
// Parameters: the new profile id, the interaction id, the old profile id.
inline constexpr absl::string_view kMoveInteraction =
    "UPDATE interactions SET profile_id = ? WHERE id = ? AND profile_id = ?";

// Parameters: profile id, from, to (micros), the INBOUND direction number.
inline constexpr absl::string_view kCountInboundByChannel =
    "SELECT channel, COUNT(*) FROM interactions WHERE profile_id = ? AND occur_time >= ? AND "
    "occur_time < ? AND direction = ? GROUP BY channel";

// Parameters: profile id, data, state. PutInsights replaces the row
// (REPLACE is the same on both dialects), then copies the listed columns
// onto the profile (value tier, last interaction micros or 0, profile id).
inline constexpr absl::string_view kReplaceInsights =
    "REPLACE INTO profile_insights (profile_id, data, state) VALUES (?, ?, ?)";
inline constexpr absl::string_view kUpdateProfileInsights =
    "UPDATE profiles SET insights_value_tier = ?, insights_last_time = ? WHERE id = ?";
// Parameter: profile id.
inline constexpr absl::string_view kSelectInsights =
    "SELECT data FROM profile_insights WHERE profile_id = ?";
// Parameters: the profile id to start after, the limit.
inline constexpr absl::string_view kListStoredInsights =
    "SELECT profile_id, data, state FROM profile_insights WHERE profile_id > ? "
    "ORDER BY profile_id LIMIT ?";
inline constexpr absl::string_view kListInsightsWithoutTotals =
    "SELECT profile_id, data, state FROM profile_insights WHERE state IS NULL AND "
    "profile_id > ? ORDER BY profile_id LIMIT ?";
inline constexpr absl::string_view kSelectTiersSpec =
    "SELECT spec FROM insights_tiers WHERE id = 1";
// Parameter: the spec.
inline constexpr absl::string_view kReplaceTiersSpec =
    "REPLACE INTO insights_tiers (id, spec) VALUES (1, ?)";

#undef CP_INTERACTION_COLUMNS

// ForEachChunk calls `run(offset, count)` for consecutive chunks of
// `total` items, 100, then 10, then 1 at a time: the multi-row statements
// below are rendered for these counts only, so that a connection prepares
// at most three texts of each. Stops at the first error.
absl::Status ForEachChunk(size_t total,
                          absl::FunctionRef<absl::Status(size_t offset, int count)> run);

// RenderInsertInteractions returns one INSERT of `count` records: per row
// id, profile id, origin profile id, occur_time, create_time (micros),
// source_system, external_ref (NULL when empty), channel, direction, kind,
// campaign, data.
SqlFragment RenderInsertInteractions(const InteractionRecord* records, int count);

// RenderSelectInteractionsByRefs returns the SELECT of the interactions
// recorded with any of `count` (source_system, external_ref) pairs.
SqlFragment RenderSelectInteractionsByRefs(const std::pair<std::string, std::string>* refs,
                                           int count);

// RenderSelectInsightsStates returns the SELECT of (profile_id, state) of
// `count` profiles' insights that have totals.
SqlFragment RenderSelectInsightsStates(const std::string* profile_ids, int count);

// RenderInteractionListQuery returns the SELECT of `query` with its
// parameters.
SqlFragment RenderInteractionListQuery(const InteractionListQuery& query);

// DecodeInteraction reads a row of (id, profile_id, origin_profile_id,
// occur_time, create_time, data); DATA_LOSS when `data` does not parse.
absl::StatusOr<InteractionRecord> DecodeInteraction(const SqlRow& row);

// DecodeStoredInsights reads a row of (profile_id, data, state NULL or
// blob); DATA_LOSS when a blob does not parse.
absl::StatusOr<StoredInsights> DecodeStoredInsights(const SqlRow& row);

// LastInteractionMicros is the insights_last_time column of `insights`:
// the micros of last_interaction_time, 0 without one.
int64_t LastInteractionMicros(const customerprofile::v1::ProfileInsights& insights);

}  // namespace cp::storage::sql
