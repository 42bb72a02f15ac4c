#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/change_repository.h"
#include "storage/sql/change_statements.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"

namespace cp::storage {

// SqliteChangeRepository is the ChangeRepository of a SqliteTransaction.
// SQLite runs one writer at a time and takes a change's sequence under the
// write lock (AUTOINCREMENT), so sequences commit in order and a rollback
// takes its sequences back: the log never has a gap a reader must wait on.
class SqliteChangeRepository final : public ChangeRepository {
 public:
  // With `read_only`, AppendChange fails with FAILED_PRECONDITION.
  SqliteChangeRepository(SqliteConnection* connection, bool read_only);

  absl::Status AppendChange(ChangeRecord record) override;
  absl::StatusOr<std::vector<ChangeRecord>> ListChanges(const ChangeQuery& query) override;
  absl::StatusOr<std::vector<ChangeRecord>> ListAuditEvents(const AuditQuery& query) override;
  absl::StatusOr<std::vector<int64_t>> ListSequences(int64_t after, int limit) override;
  absl::StatusOr<std::vector<int64_t>> AwaitSequences(int64_t after, int64_t through) override;
  absl::StatusOr<int64_t> MaxSequence() override;
  absl::StatusOr<std::optional<int64_t>> FirstSequenceSince(absl::Time time) override;
  absl::StatusOr<int> PruneChanges(absl::Time feed_cutoff, absl::Time audit_cutoff,
                                   int limit) override;

  // Flush writes the queued changes; the store calls it just before COMMIT
  // and returns whether any were written through `wrote`.
  absl::Status Flush(bool* wrote);

 private:
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(SqliteStatement& statement);
  absl::StatusOr<std::vector<sql::ChangeStamp>> Stamps(int64_t from, int limit);
  absl::StatusOr<std::vector<int64_t>> ReadSequences(absl::string_view sql, int64_t first,
                                                     int64_t second);

  SqliteConnection* connection_;
  bool read_only_;
  std::vector<ChangeRecord> pending_;
};

}  // namespace cp::storage
