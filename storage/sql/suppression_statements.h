#pragma once

#include "absl/strings/string_view.h"

// The statements on do-not-contact lists, generations and entries that
// SQLite and MySQL share, with '?' placeholders bound in order. What
// differs (the locking read, upserts, INSERT OR IGNORE / INSERT IGNORE, a
// DELETE with LIMIT, the join order of lookups) lives in the dialect's
// folder. The SELECTs read the columns the decoders of suppression_rows.h
// expect.
namespace cp::storage::sql {

// Parameter: id.
inline constexpr absl::string_view kSelectList =
    "SELECT id, revision, display_name, source, identifier_kind, channel_mask, generation, "
    "entry_count, create_time, update_time FROM suppression_lists WHERE id = ?";
// Parameters: after id, limit.
inline constexpr absl::string_view kListLists =
    "SELECT id, revision, display_name, source, identifier_kind, channel_mask, generation, "
    "entry_count, create_time, update_time FROM suppression_lists "
    "WHERE id > ? ORDER BY id LIMIT ?";
// Parameters: id, then the list values: revision, display_name, source,
// identifier_kind, channel_mask, generation, entry_count, create_time,
// update_time.
inline constexpr absl::string_view kInsertList =
    "INSERT INTO suppression_lists (id, revision, display_name, source, identifier_kind, "
    "channel_mask, generation, entry_count, create_time, update_time) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Parameters: the list values (as for kInsertList), then id and the
// expected revision.
inline constexpr absl::string_view kUpdateList =
    "UPDATE suppression_lists SET revision = ?, display_name = ?, source = ?, "
    "identifier_kind = ?, channel_mask = ?, generation = ?, entry_count = ?, create_time = ?, "
    "update_time = ? WHERE id = ? AND revision = ?";
// Parameters: id, expected revision.
inline constexpr absl::string_view kDeleteList =
    "DELETE FROM suppression_lists WHERE id = ? AND revision = ?";

// Parameters: state, update time, list id.
inline constexpr absl::string_view kRetireListGenerations =
    "UPDATE suppression_generations SET state = ?, update_time = ? WHERE list_id = ?";
// The generation number is assigned by the database (auto-increment).
inline constexpr absl::string_view kInsertGeneration =
    "INSERT INTO suppression_generations (list_id, state, update_time) VALUES (?, ?, ?)";
inline constexpr absl::string_view kForgetGeneration =
    "DELETE FROM suppression_generations WHERE generation = ?";
inline constexpr absl::string_view kListGenerations =
    "SELECT generation, list_id, state, update_time FROM suppression_generations "
    "ORDER BY generation";

// Parameters: list id, generation, identifier.
inline constexpr absl::string_view kRemoveEntry =
    "DELETE FROM suppression_entries WHERE list_id = ? AND generation = ? AND identifier = ?";
// Parameters: list id, generation.
inline constexpr absl::string_view kCountEntries =
    "SELECT COUNT(*) FROM suppression_entries WHERE list_id = ? AND generation = ?";

}  // namespace cp::storage::sql
