#include "storage/mysql/mysql_change_repository.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "storage/mysql/mysql_row.h"
#include "storage/sql/change_statements.h"
#include "storage/sql/interaction_statements.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {
namespace {

// A locking read over a range of sequences: it returns once every
// transaction that inserted one of them has ended.
constexpr absl::string_view kAwaitSequences =
    "SELECT seq FROM change_log WHERE seq > ? AND seq <= ? ORDER BY seq LOCK IN SHARE MODE";

}  // namespace

MysqlChangeRepository::MysqlChangeRepository(MysqlConnection* connection, bool read_only,
                                             MysqlRunner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::Status MysqlChangeRepository::AppendChange(ChangeRecord record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  pending_.push_back(std::move(record));
  return absl::OkStatus();
}

absl::Status MysqlChangeRepository::Flush(bool* wrote) {
  *wrote = !pending_.empty();
  absl::Status status =
      sql::ForEachChunk(pending_.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderInsertChanges(&pending_[offset], count);
        return ExecuteMysqlUpdate(
                   run_, *connection_, "write the change log", fragment.sql,
                   [&](::sql::PreparedStatement& s) { BindParams(s, fragment.params); })
            .status();
      });
  pending_.clear();
  return status;
}

absl::StatusOr<std::vector<ChangeRecord>> MysqlChangeRepository::ListChanges(
    const ChangeQuery& query) {
  sql::SqlFragment fragment = sql::RenderChangeQuery(query);
  return QueryChanges("read the change log", fragment.sql, fragment.params);
}

absl::StatusOr<std::vector<ChangeRecord>> MysqlChangeRepository::ListAuditEvents(
    const AuditQuery& query) {
  sql::SqlFragment fragment = sql::RenderAuditQuery(query);
  return QueryChanges("read the audit trail", fragment.sql, fragment.params);
}

absl::StatusOr<std::vector<int64_t>> MysqlChangeRepository::ListSequences(int64_t after,
                                                                          int limit) {
  return QuerySequences("read change sequences", std::string(sql::kListChangeSequences), after,
                        limit);
}

absl::StatusOr<std::vector<int64_t>> MysqlChangeRepository::AwaitSequences(int64_t after,
                                                                           int64_t through) {
  // In a read-only body the connection is in autocommit: the locking read
  // gets a transaction of its own, which ends (and frees its locks) with it.
  const bool own_transaction = read_only_;
  if (own_transaction) {
    absl::Status begun =
        run_("begin a locking read", [&]() { connection_->Execute("START TRANSACTION"); });
    if (!begun.ok()) return begun;
  }
  absl::StatusOr<std::vector<int64_t>> sequences = QuerySequences(
      "wait for open change log writes", std::string(kAwaitSequences), after, through);
  if (own_transaction) {
    absl::Status ended = run_("end a locking read", [&]() {
      connection_->Execute(sequences.ok() ? "COMMIT" : "ROLLBACK");
    });
    if (sequences.ok() && !ended.ok()) return ended;
  }
  return sequences;
}

absl::StatusOr<int64_t> MysqlChangeRepository::MaxSequence() {
  int64_t max = 0;
  absl::Status status = run_("read the newest change", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(std::string(sql::kMaxChangeSequence));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next() && !rows->isNull(1)) max = rows->getInt64(1);
  });
  if (!status.ok()) return status;
  return max;
}

absl::StatusOr<std::optional<int64_t>> MysqlChangeRepository::FirstSequenceSince(absl::Time time) {
  absl::StatusOr<int64_t> max = MaxSequence();
  if (!max.ok()) return max.status();
  return sql::FindFirstSince(time, *max,
                             [&](int64_t from, int limit) { return Stamps(from, limit); });
}

absl::StatusOr<std::vector<sql::ChangeStamp>> MysqlChangeRepository::Stamps(int64_t from,
                                                                            int limit) {
  std::vector<sql::ChangeStamp> stamps;
  absl::Status status = run_("read change times", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(std::string(sql::kSelectChangeStamps));
    statement.setInt64(1, from);
    statement.setInt64(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      stamps.push_back({rows->getInt64(1), absl::FromUnixMicros(rows->getInt64(2))});
    }
  });
  if (!status.ok()) return status;
  return stamps;
}

absl::StatusOr<int> MysqlChangeRepository::PruneChanges(absl::Time feed_cutoff,
                                                        absl::Time audit_cutoff, int limit) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<std::vector<int64_t>> doomed = sql::ExpiredSequences(
      feed_cutoff, audit_cutoff, limit,
      [&](int64_t from, int count) { return Stamps(from, count); },
      [&](absl::Time cutoff, int count) {
        return QuerySequences("find expired changes", std::string(sql::kSelectExpiredFeedChanges),
                              absl::ToUnixMicros(cutoff), count);
      });
  if (!doomed.ok()) return doomed.status();
  int64_t deleted = 0;
  for (size_t offset = 0; offset < doomed->size(); offset += sql::kDeleteChunk) {
    std::vector<int64_t> chunk(
        doomed->begin() + offset,
        doomed->begin() + std::min(doomed->size(), offset + sql::kDeleteChunk));
    sql::SqlFragment fragment = sql::RenderDeleteChanges(chunk);
    absl::StatusOr<int64_t> affected =
        ExecuteMysqlUpdate(run_, *connection_, "prune the change log", fragment.sql,
                           [&](::sql::PreparedStatement& s) { BindParams(s, fragment.params); });
    if (!affected.ok()) return affected.status();
    deleted += *affected;
  }
  return static_cast<int>(deleted);
}

absl::StatusOr<std::vector<ChangeRecord>> MysqlChangeRepository::QueryChanges(
    absl::string_view what, const std::string& sql, const std::vector<sql::SqlParam>& params) {
  std::vector<ChangeRecord> records;
  absl::Status decoded;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    BindParams(statement, params);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodeChange, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

absl::StatusOr<std::vector<int64_t>> MysqlChangeRepository::QuerySequences(absl::string_view what,
                                                                           const std::string& sql,
                                                                           int64_t first,
                                                                           int64_t second) {
  std::vector<int64_t> sequences;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    statement.setInt64(1, first);
    statement.setInt64(2, second);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) sequences.push_back(rows->getInt64(1));
  });
  if (!status.ok()) return status;
  return sequences;
}

}  // namespace cp::storage
