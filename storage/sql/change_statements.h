#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
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
// Parameters: first sequence, limit: (seq, change_time) in sequence order.
inline constexpr absl::string_view kSelectChangeStamps =
    "SELECT seq, change_time FROM change_log WHERE seq >= ? ORDER BY seq LIMIT ?";
// Parameters: feed cutoff (micros), limit: rows about no customer, past the
// feed's retention.
inline constexpr absl::string_view kSelectExpiredFeedChanges =
    "SELECT seq FROM change_log WHERE profile_id = '' AND change_time < ? ORDER BY seq LIMIT ?";

// ChangeStamp is a change's sequence and time.
struct ChangeStamp {
  int64_t sequence = 0;
  absl::Time time;
};

// StampsFrom reads the stamps of at most `limit` changes from sequence
// `from` on, in sequence order (kSelectChangeStamps).
using StampsFrom =
    absl::FunctionRef<absl::StatusOr<std::vector<ChangeStamp>>(int64_t from, int limit)>;

// FindFirstSince returns the lowest sequence at or below `max_sequence`
// whose change is at or after `time`, or nullopt: a binary search over
// sequences (change times follow them, the log keeps no time index), a
// few dozen primary key reads at most.
absl::StatusOr<std::optional<int64_t>> FindFirstSince(absl::Time time, int64_t max_sequence,
                                                      StampsFrom stamps);

// FeedExpired reads at most `limit` sequences of changes about no customer
// older than `cutoff` (kSelectExpiredFeedChanges).
using FeedExpired =
    absl::FunctionRef<absl::StatusOr<std::vector<int64_t>>(absl::Time cutoff, int limit)>;

// ExpiredSequences returns what ChangeRepository::PruneChanges deletes: at
// most `limit` sequences, first the oldest rows before `audit_cutoff` (in
// sequence order, up to the first that is not; none at InfinitePast), then
// rows about no customer before `feed_cutoff`.
absl::StatusOr<std::vector<int64_t>> ExpiredSequences(absl::Time feed_cutoff,
                                                      absl::Time audit_cutoff, int limit,
                                                      StampsFrom stamps, FeedExpired feed_expired);

// kDeleteChunk is the most sequences one RenderDeleteChanges names.
inline constexpr size_t kDeleteChunk = 256;

// RenderDeleteChanges returns the DELETE of the rows with `sequences`.
SqlFragment RenderDeleteChanges(const std::vector<int64_t>& sequences);

// DecodeChange reads a change row; DATA_LOSS when its details do not parse.
absl::StatusOr<ChangeRecord> DecodeChange(const SqlRow& row);

}  // namespace cp::storage::sql
