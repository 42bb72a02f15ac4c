#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/change_repository.h"
#include "storage/sql/filter_sql.h"
#include "storage/sql/row.h"

// The statements on the change log that SQLite and MySQL share, with '?'
// placeholders bound in order. The columns of a change row, as DecodeChange
// reads them: seq, change_time, resource_type, resource_name, profile_id,
// kind, is_read, app_id, actor, details.
namespace cp::storage::sql {

// The column of a rendered INSERT that holds the details blob, 1-based per
// row (rows have kChangeInsertColumns placeholders each).
inline constexpr int kChangeInsertColumns = 9;
inline constexpr int kChangeDetailsColumn = 9;

// RenderInsertChanges returns one INSERT of `count` records (their sequence
// left to the database): per row change_time, resource_type, resource_name,
// profile_id, kind, is_read, app_id, actor, details.
SqlFragment RenderInsertChanges(const ChangeRecord* records, int count);

// RenderChangeQuery returns the SELECT of the feed rows `query` selects.
SqlFragment RenderChangeQuery(const ChangeQuery& query);

// RenderAuditQuery returns the SELECT of the audit rows `query` selects.
SqlFragment RenderAuditQuery(const AuditQuery& query);

// Parameters: after, limit.
inline constexpr absl::string_view kListChangeSequences =
    "SELECT seq FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?";
inline constexpr absl::string_view kMaxChangeSequence = "SELECT MAX(seq) FROM change_log";
// Parameter: time (micros).
inline constexpr absl::string_view kFirstChangeSince =
    "SELECT seq FROM change_log WHERE change_time >= ? ORDER BY change_time, seq LIMIT 1";
// Parameters: audit cutoff (micros), limit: rows past every retention.
inline constexpr absl::string_view kSelectExpiredChanges =
    "SELECT seq FROM change_log WHERE change_time < ? ORDER BY change_time LIMIT ?";
// Parameters: feed cutoff (micros), limit: rows about no customer, past the
// feed's retention.
inline constexpr absl::string_view kSelectExpiredFeedChanges =
    "SELECT seq FROM change_log WHERE profile_id = '' AND change_time < ? ORDER BY seq LIMIT ?";

// RenderDeleteChanges returns the DELETE of the rows with `sequences`.
SqlFragment RenderDeleteChanges(const std::vector<int64_t>& sequences);

// DecodeChange reads a change row; DATA_LOSS when its details do not parse.
absl::StatusOr<ChangeRecord> DecodeChange(const SqlRow& row);

}  // namespace cp::storage::sql
