#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/change_repository.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_update.h"
#include "storage/sql/change_statements.h"

namespace cp::storage {

// MysqlChangeRepository is the ChangeRepository of a MysqlTransaction. A
// change's sequence is an AUTO_INCREMENT value, taken at insert and visible
// at commit; AwaitSequences is a locking read, which InnoDB makes wait for
// every open transaction that inserted a row in its range (the session is
// READ COMMITTED: no gap locks, so it holds up no writer).
class MysqlChangeRepository final : public ChangeRepository {
 public:
  // With `read_only`, AppendChange fails with FAILED_PRECONDITION.
  MysqlChangeRepository(MysqlConnection* connection, bool read_only, MysqlRunner run);

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
  // and learns through `wrote` whether any were written.
  absl::Status Flush(bool* wrote);

 private:
  absl::StatusOr<std::vector<ChangeRecord>> QueryChanges(absl::string_view what,
                                                         const std::string& sql,
                                                         const std::vector<sql::SqlParam>& params);
  absl::StatusOr<std::vector<sql::ChangeStamp>> Stamps(int64_t from, int limit);
  absl::StatusOr<std::vector<int64_t>> QuerySequences(absl::string_view what,
                                                      const std::string& sql, int64_t first,
                                                      int64_t second);

  MysqlConnection* connection_;
  bool read_only_;
  MysqlRunner run_;
  std::vector<ChangeRecord> pending_;
};

}  // namespace cp::storage
