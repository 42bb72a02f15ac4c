#pragma once

#include <optional>
#include <vector>

#include "storage/merge_repository.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"

namespace cp::storage {

// SqliteMergeRepository is the MergeRepository of a SqliteTransaction: it
// runs on the transaction's connection.
class SqliteMergeRepository final : public MergeRepository {
 public:
  // SqliteMergeRepository uses `connection`; with `read_only`, writes fail
  // with FAILED_PRECONDITION.
  SqliteMergeRepository(SqliteConnection* connection, bool read_only);

  absl::Status InsertMerge(const MergeRecord& record) override;
  absl::Status UpdateMerge(const MergeRecord& record) override;
  absl::StatusOr<std::optional<MergeRecord>> GetMerge(absl::string_view survivor_id,
                                                      absl::string_view merge_id) override;
  absl::StatusOr<std::vector<MergeRecord>> ListMerges(absl::string_view survivor_id,
                                                      const std::optional<MergeCursor>& after,
                                                      int limit) override;
  absl::StatusOr<std::vector<MergeRecord>> ListAppliedMerges(
      absl::string_view survivor_id) override;

 private:
  absl::StatusOr<std::vector<MergeRecord>> ReadMerges(SqliteStatement& statement);

  SqliteConnection* connection_;
  bool read_only_;
};

}  // namespace cp::storage
