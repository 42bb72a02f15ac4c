#include "storage/sql/change_statements.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "storage/sql/in_list.h"

namespace cp::storage::sql {
namespace {

constexpr absl::string_view kChangeColumns =
    "seq, change_time, resource_type, resource_name, profile_id, kind, is_read, app_id, actor, "
    "details";

// Conditions collects "a AND b AND ..." after WHERE.
class Conditions {
 public:
  explicit Conditions(SqlFragment* out) : out_(out) {}
  void Add(absl::string_view condition) {
    absl::StrAppend(&out_->sql, first_ ? " WHERE " : " AND ", condition);
    first_ = false;
  }

 private:
  SqlFragment* out_;
  bool first_ = true;
};

}  // namespace

SqlFragment RenderInsertChanges(const ChangeRecord* records, int count) {
  SqlFragment out;
  out.sql = MultiRowInsert(
      "INSERT INTO change_log (change_time, resource_type, resource_name, profile_id, kind, "
      "is_read, app_id, actor, details) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count);
  out.params.reserve(static_cast<size_t>(count) * kChangeInsertColumns);
  for (int i = 0; i < count; ++i) {
    const ChangeRecord& record = records[i];
    out.params.emplace_back(absl::ToUnixMicros(record.change_time));
    out.params.emplace_back(static_cast<int64_t>(record.resource_type));
    out.params.emplace_back(record.resource_name);
    out.params.emplace_back(record.profile_id);
    out.params.emplace_back(static_cast<int64_t>(record.kind));
    out.params.emplace_back(static_cast<int64_t>(record.read ? 1 : 0));
    out.params.emplace_back(record.app_id);
    out.params.emplace_back(record.actor);
    out.params.emplace_back(record.details.SerializeAsString());
  }
  return out;
}

SqlFragment RenderChangeQuery(const ChangeQuery& query) {
  SqlFragment out;
  out.sql = absl::StrCat("SELECT ", kChangeColumns, " FROM change_log");
  Conditions where(&out);
  if (!query.profile_id.empty()) {
    // First, so that (profile_id, seq) is the index range.
    where.Add("profile_id = ?");
    out.params.emplace_back(query.profile_id);
  }
  where.Add("seq > ? AND seq <= ? AND is_read = 0");
  out.params.emplace_back(query.after_sequence);
  out.params.emplace_back(query.through_sequence);
  if (!query.resource_types.empty()) {
    where.Add(InList("resource_type IN (", query.resource_types.size()));
    for (int type : query.resource_types) out.params.emplace_back(static_cast<int64_t>(type));
  }
  out.sql += " ORDER BY seq LIMIT ?";
  out.params.emplace_back(static_cast<int64_t>(query.limit));
  return out;
}

SqlFragment RenderAuditQuery(const AuditQuery& query) {
  SqlFragment out;
  out.sql = absl::StrCat("SELECT ", kChangeColumns, " FROM change_log");
  Conditions where(&out);
  where.Add("profile_id = ?");
  out.params.emplace_back(query.profile_id);
  if (query.before_sequence.has_value()) {
    where.Add("seq < ?");
    out.params.emplace_back(*query.before_sequence);
  }
  if (query.resource_type.has_value()) {
    where.Add("resource_type = ?");
    out.params.emplace_back(static_cast<int64_t>(*query.resource_type));
  }
  if (query.kind.has_value()) {
    where.Add("kind = ?");
    out.params.emplace_back(static_cast<int64_t>(*query.kind));
  }
  if (query.read.has_value()) {
    where.Add("is_read = ?");
    out.params.emplace_back(static_cast<int64_t>(*query.read ? 1 : 0));
  }
  if (query.app_id.has_value()) {
    where.Add("app_id = ?");
    out.params.emplace_back(*query.app_id);
  }
  if (query.actor.has_value()) {
    where.Add("actor = ?");
    out.params.emplace_back(*query.actor);
  }
  if (query.from.has_value()) {
    where.Add("change_time >= ?");
    out.params.emplace_back(absl::ToUnixMicros(*query.from));
  }
  if (query.to.has_value()) {
    where.Add("change_time < ?");
    out.params.emplace_back(absl::ToUnixMicros(*query.to));
  }
  out.sql += " ORDER BY seq DESC LIMIT ?";
  out.params.emplace_back(static_cast<int64_t>(query.limit));
  return out;
}

absl::StatusOr<std::optional<int64_t>> FindFirstSince(absl::Time time, int64_t max_sequence,
                                                      StampsFrom stamps) {
  // At or after x, the first change is at or after `time` (or there is none).
  auto reached = [&](int64_t x) -> absl::StatusOr<bool> {
    absl::StatusOr<std::vector<ChangeStamp>> found = stamps(x, 1);
    if (!found.ok()) return found.status();
    return found->empty() || found->front().time >= time;
  };
  int64_t low = 0;  // not reached
  absl::StatusOr<bool> at_start = reached(0);
  if (!at_start.ok()) return at_start.status();
  int64_t high = max_sequence + 1;  // reached: nothing there
  if (*at_start) high = 0;
  while (high - low > 1) {
    const int64_t middle = low + (high - low) / 2;
    absl::StatusOr<bool> found = reached(middle);
    if (!found.ok()) return found.status();
    (*found ? high : low) = middle;
  }
  absl::StatusOr<std::vector<ChangeStamp>> first = stamps(high, 1);
  if (!first.ok()) return first.status();
  if (first->empty()) return std::nullopt;
  return first->front().sequence;
}

absl::StatusOr<std::vector<int64_t>> ExpiredSequences(absl::Time feed_cutoff,
                                                      absl::Time audit_cutoff, int limit,
                                                      StampsFrom stamps, FeedExpired feed_expired) {
  std::vector<int64_t> doomed;
  if (audit_cutoff != absl::InfinitePast()) {
    absl::StatusOr<std::vector<ChangeStamp>> oldest = stamps(0, limit);
    if (!oldest.ok()) return oldest.status();
    for (const ChangeStamp& stamp : *oldest) {
      if (stamp.time >= audit_cutoff) break;
      doomed.push_back(stamp.sequence);
    }
  }
  if (static_cast<int>(doomed.size()) < limit) {
    absl::StatusOr<std::vector<int64_t>> expired =
        feed_expired(feed_cutoff, limit - static_cast<int>(doomed.size()));
    if (!expired.ok()) return expired.status();
    doomed.insert(doomed.end(), expired->begin(), expired->end());
  }
  return doomed;
}

SqlFragment RenderDeleteChanges(const std::vector<int64_t>& sequences) {
  SqlFragment out;
  const size_t size = PaddedSize(sequences.size());
  out.sql = InList("DELETE FROM change_log WHERE seq IN (", size);
  for (int64_t seq : sequences) out.params.emplace_back(seq);
  // Padding repeats a sequence already listed.
  while (out.params.size() < size) out.params.emplace_back(sequences.front());
  return out;
}

absl::StatusOr<ChangeRecord> DecodeChange(const SqlRow& row) {
  ChangeRecord record;
  record.sequence = row.GetInt64(0);
  record.change_time = absl::FromUnixMicros(row.GetInt64(1));
  record.resource_type = static_cast<int>(row.GetInt64(2));
  record.resource_name = row.GetString(3);
  record.profile_id = row.GetString(4);
  record.kind = static_cast<int>(row.GetInt64(5));
  record.read = row.GetInt64(6) != 0;
  record.app_id = row.GetString(7);
  record.actor = row.GetString(8);
  if (!record.details.ParseFromString(row.GetString(9))) {
    return absl::DataLossError("a stored change cannot be parsed (change_log)");
  }
  return record;
}

}  // namespace cp::storage::sql
