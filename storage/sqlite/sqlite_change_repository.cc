#include "storage/sqlite/sqlite_change_repository.h"

#include <string>
#include <utility>
#include <variant>

#include "storage/sql/change_statements.h"
#include "storage/sql/interaction_statements.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {

SqliteChangeRepository::SqliteChangeRepository(SqliteConnection* connection, bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::Status SqliteChangeRepository::AppendChange(ChangeRecord record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  pending_.push_back(std::move(record));
  return absl::OkStatus();
}

absl::Status SqliteChangeRepository::Flush(bool* wrote) {
  *wrote = !pending_.empty();
  absl::Status status =
      sql::ForEachChunk(pending_.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderInsertChanges(&pending_[offset], count);
        return RunStatement(*connection_, fragment.sql, [&](SqliteStatement& s) {
          BindParams(s, fragment.params);
          for (int i = 0; i < count; ++i) {
            const int column = sql::kChangeInsertColumns * i + sql::kChangeDetailsColumn;
            s.BindBlob(column, std::get<std::string>(fragment.params[column - 1]));
          }
        });
      });
  pending_.clear();
  return status;
}

absl::StatusOr<std::vector<ChangeRecord>> SqliteChangeRepository::ListChanges(
    const ChangeQuery& query) {
  sql::SqlFragment fragment = sql::RenderChangeQuery(query);
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
  if (!statement.ok()) return statement.status();
  BindParams(*statement, fragment.params);
  return ReadChanges(*statement);
}

absl::StatusOr<std::vector<ChangeRecord>> SqliteChangeRepository::ListAuditEvents(
    const AuditQuery& query) {
  sql::SqlFragment fragment = sql::RenderAuditQuery(query);
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
  if (!statement.ok()) return statement.status();
  BindParams(*statement, fragment.params);
  return ReadChanges(*statement);
}

absl::StatusOr<std::vector<int64_t>> SqliteChangeRepository::ListSequences(int64_t after,
                                                                           int limit) {
  return ReadSequences(sql::kListChangeSequences, after, limit);
}

absl::StatusOr<std::vector<int64_t>> SqliteChangeRepository::AwaitSequences(int64_t after,
                                                                            int64_t through) {
  // Nothing is ever in flight below a committed sequence (see the class
  // comment): what is stored is final.
  return ReadSequences("SELECT seq FROM change_log WHERE seq > ? AND seq <= ? ORDER BY seq", after,
                       through);
}

absl::StatusOr<int64_t> SqliteChangeRepository::MaxSequence() {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kMaxChangeSequence);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  return *row ? statement->ColumnInt64(0) : 0;
}

absl::StatusOr<std::optional<int64_t>> SqliteChangeRepository::FirstSequenceSince(absl::Time time) {
  absl::StatusOr<int64_t> max = MaxSequence();
  if (!max.ok()) return max.status();
  return sql::FindFirstSince(time, *max,
                             [&](int64_t from, int limit) { return Stamps(from, limit); });
}

absl::StatusOr<std::vector<sql::ChangeStamp>> SqliteChangeRepository::Stamps(int64_t from,
                                                                             int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectChangeStamps);
  if (!statement.ok()) return statement.status();
  statement->BindInt64(1, from);
  statement->BindInt64(2, limit);
  std::vector<sql::ChangeStamp> stamps;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    stamps.push_back({statement->ColumnInt64(0), absl::FromUnixMicros(statement->ColumnInt64(1))});
  }
  return stamps;
}

absl::StatusOr<int> SqliteChangeRepository::PruneChanges(absl::Time feed_cutoff,
                                                         absl::Time audit_cutoff, int limit) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<std::vector<int64_t>> doomed = sql::ExpiredSequences(
      feed_cutoff, audit_cutoff, limit,
      [&](int64_t from, int count) { return Stamps(from, count); },
      [&](absl::Time cutoff, int count) {
        return ReadSequences(sql::kSelectExpiredFeedChanges, absl::ToUnixMicros(cutoff), count);
      });
  if (!doomed.ok()) return doomed.status();
  int64_t deleted = 0;
  for (size_t offset = 0; offset < doomed->size(); offset += sql::kDeleteChunk) {
    std::vector<int64_t> chunk(
        doomed->begin() + offset,
        doomed->begin() + std::min(doomed->size(), offset + sql::kDeleteChunk));
    sql::SqlFragment fragment = sql::RenderDeleteChanges(chunk);
    absl::Status status = RunStatement(*connection_, fragment.sql,
                                       [&](SqliteStatement& s) { BindParams(s, fragment.params); });
    if (!status.ok()) return status;
    deleted += connection_->Changes();
  }
  return static_cast<int>(deleted);
}

absl::StatusOr<std::vector<ChangeRecord>> SqliteChangeRepository::ReadChanges(
    SqliteStatement& statement) {
  std::vector<ChangeRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<ChangeRecord> record = sql::DecodeChange(SqliteRow(statement));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<int64_t>> SqliteChangeRepository::ReadSequences(absl::string_view sql,
                                                                           int64_t first,
                                                                           int64_t second) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql);
  if (!statement.ok()) return statement.status();
  statement->BindInt64(1, first);
  statement->BindInt64(2, second);
  std::vector<int64_t> sequences;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    sequences.push_back(statement->ColumnInt64(0));
  }
  return sequences;
}

}  // namespace cp::storage
