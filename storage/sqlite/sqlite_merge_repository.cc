#include "storage/sqlite/sqlite_merge_repository.h"

#include <string>
#include <utility>

#include "storage/sql/merge_rows.h"
#include "storage/sql/merge_statements.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {

SqliteMergeRepository::SqliteMergeRepository(SqliteConnection* connection, bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::Status SqliteMergeRepository::InsertMerge(const MergeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.merge.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kInsertMerge, [&](SqliteStatement& s) {
    s.BindText(1, record.survivor_id);
    s.BindText(2, record.merge_id);
    s.BindInt64(3, record.applied ? 1 : 0);
    s.BindInt64(4, absl::ToUnixMicros(record.create_time));
    s.BindBlob(5, data);
  });
  return sql::ExplainDuplicate(status, "a merge with this id already exists (profile_merges)");
}

absl::Status SqliteMergeRepository::UpdateMerge(const MergeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.merge.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kUpdateMerge, [&](SqliteStatement& s) {
    s.BindInt64(1, record.applied ? 1 : 0);
    s.BindBlob(2, data);
    s.BindText(3, record.survivor_id);
    s.BindText(4, record.merge_id);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) return absl::NotFoundError("no such merge (profile_merges)");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<MergeRecord>> SqliteMergeRepository::GetMerge(
    absl::string_view survivor_id, absl::string_view merge_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectMerge);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, survivor_id);
  statement->BindText(2, merge_id);
  absl::StatusOr<std::vector<MergeRecord>> records = ReadMerges(*statement);
  if (!records.ok()) return records.status();
  if (records->empty()) return std::nullopt;
  return std::move(records->front());
}

absl::StatusOr<std::vector<MergeRecord>> SqliteMergeRepository::ListMerges(
    absl::string_view survivor_id, const std::optional<MergeCursor>& after, int limit) {
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(after.has_value() ? sql::kListMergesAfter : sql::kListMerges);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, survivor_id);
  if (after.has_value()) {
    statement->BindInt64(2, absl::ToUnixMicros(after->create_time));
    statement->BindInt64(3, absl::ToUnixMicros(after->create_time));
    statement->BindText(4, after->merge_id);
    statement->BindInt64(5, limit);
  } else {
    statement->BindInt64(2, limit);
  }
  return ReadMerges(*statement);
}

absl::StatusOr<std::vector<MergeRecord>> SqliteMergeRepository::ListAppliedMerges(
    absl::string_view survivor_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListAppliedMerges);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, survivor_id);
  return ReadMerges(*statement);
}

absl::StatusOr<std::vector<MergeRecord>> SqliteMergeRepository::ReadMerges(
    SqliteStatement& statement) {
  std::vector<MergeRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<MergeRecord> record = sql::DecodeMerge(SqliteRow(statement));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

}  // namespace cp::storage
