#pragma once

#include "absl/strings/string_view.h"

// The statements on merges that SQLite and MySQL share, with '?'
// placeholders bound in order.
namespace cp::storage::sql {

// The merge columns, as DecodeMerge reads them.
#define CP_MERGE_COLUMNS "survivor_id, merge_id, applied, create_time, data"

// Parameters: survivor id, merge id, applied (0/1), create_time (micros),
// data (the serialized Merge).
inline constexpr absl::string_view kInsertMerge =
    "INSERT INTO profile_merges (" CP_MERGE_COLUMNS ") VALUES (?, ?, ?, ?, ?)";
// Parameters: applied, data, survivor id, merge id.
inline constexpr absl::string_view kUpdateMerge =
    "UPDATE profile_merges SET applied = ?, data = ? WHERE survivor_id = ? AND merge_id = ?";
// Parameters: survivor id, merge id.
inline constexpr absl::string_view kSelectMerge =
    "SELECT " CP_MERGE_COLUMNS " FROM profile_merges WHERE survivor_id = ? AND merge_id = ?";
// Parameters: survivor id, limit.
inline constexpr absl::string_view kListMerges = "SELECT " CP_MERGE_COLUMNS
                                                 " FROM profile_merges WHERE survivor_id = ? "
                                                 "ORDER BY create_time DESC, merge_id DESC LIMIT ?";
// Parameters: survivor id, cursor create_time, cursor create_time, cursor
// merge id, limit.
inline constexpr absl::string_view kListMergesAfter =
    "SELECT " CP_MERGE_COLUMNS
    " FROM profile_merges WHERE survivor_id = ? "
    "AND (create_time < ? OR (create_time = ? AND merge_id < ?)) "
    "ORDER BY create_time DESC, merge_id DESC LIMIT ?";
// Parameter: survivor id.
inline constexpr absl::string_view kListAppliedMerges =
    "SELECT " CP_MERGE_COLUMNS
    " FROM profile_merges WHERE survivor_id = ? AND applied = 1 "
    "ORDER BY create_time DESC, merge_id DESC";

#undef CP_MERGE_COLUMNS

}  // namespace cp::storage::sql
