#include "storage/mysql/mysql_merge_repository.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <memory>
#include <utility>

#include "storage/mysql/mysql_row.h"
#include "storage/sql/merge_rows.h"
#include "storage/sql/merge_statements.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {

MysqlMergeRepository::MysqlMergeRepository(MysqlConnection* connection, bool read_only,
                                           MysqlRunner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::Status MysqlMergeRepository::InsertMerge(const MergeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.merge.SerializeAsString();
  absl::StatusOr<int64_t> affected =
      ExecuteMysqlUpdate(run_, *connection_, "insert a merge", std::string(sql::kInsertMerge),
                         [&](::sql::PreparedStatement& s) {
                           s.setString(1, record.survivor_id);
                           s.setString(2, record.merge_id);
                           s.setInt(3, record.applied ? 1 : 0);
                           s.setInt64(4, absl::ToUnixMicros(record.create_time));
                           s.setString(5, data);
                         });
  return sql::ExplainDuplicate(affected.status(),
                               "a merge with this id already exists (profile_merges)");
}

absl::Status MysqlMergeRepository::UpdateMerge(const MergeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.merge.SerializeAsString();
  absl::StatusOr<int64_t> affected =
      ExecuteMysqlUpdate(run_, *connection_, "update a merge", std::string(sql::kUpdateMerge),
                         [&](::sql::PreparedStatement& s) {
                           s.setInt(1, record.applied ? 1 : 0);
                           s.setString(2, data);
                           s.setString(3, record.survivor_id);
                           s.setString(4, record.merge_id);
                         });
  if (!affected.ok()) return affected.status();
  if (*affected == 0) return absl::NotFoundError("no such merge (profile_merges)");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<MergeRecord>> MysqlMergeRepository::GetMerge(
    absl::string_view survivor_id, absl::string_view merge_id) {
  absl::StatusOr<std::vector<MergeRecord>> records =
      Query("read a merge", sql::kSelectMerge, [&](::sql::PreparedStatement& s) {
        s.setString(1, std::string(survivor_id));
        s.setString(2, std::string(merge_id));
      });
  if (!records.ok()) return records.status();
  if (records->empty()) return std::nullopt;
  return std::move(records->front());
}

absl::StatusOr<std::vector<MergeRecord>> MysqlMergeRepository::ListMerges(
    absl::string_view survivor_id, const std::optional<MergeCursor>& after, int limit) {
  return Query("list merges", after.has_value() ? sql::kListMergesAfter : sql::kListMerges,
               [&](::sql::PreparedStatement& s) {
                 s.setString(1, std::string(survivor_id));
                 if (after.has_value()) {
                   s.setInt64(2, absl::ToUnixMicros(after->create_time));
                   s.setInt64(3, absl::ToUnixMicros(after->create_time));
                   s.setString(4, after->merge_id);
                   s.setInt(5, limit);
                 } else {
                   s.setInt(2, limit);
                 }
               });
}

absl::StatusOr<std::vector<MergeRecord>> MysqlMergeRepository::ListAppliedMerges(
    absl::string_view survivor_id) {
  return Query("list applied merges", sql::kListAppliedMerges,
               [&](::sql::PreparedStatement& s) { s.setString(1, std::string(survivor_id)); });
}

absl::StatusOr<std::vector<MergeRecord>> MysqlMergeRepository::Query(
    absl::string_view what, absl::string_view sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  std::vector<MergeRecord> records;
  absl::Status decoded;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql));
    bind(statement);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodeMerge, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

}  // namespace cp::storage
