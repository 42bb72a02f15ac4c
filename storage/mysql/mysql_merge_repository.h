#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/merge_repository.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_update.h"

namespace cp::storage {

// MysqlMergeRepository is the MergeRepository of a MysqlTransaction: it runs
// connector work through the transaction's runner.
class MysqlMergeRepository final : public MergeRepository {
 public:
  // MysqlMergeRepository uses `connection` through `run`; with `read_only`,
  // writes fail with FAILED_PRECONDITION.
  MysqlMergeRepository(MysqlConnection* connection, bool read_only, MysqlRunner run);

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
  // Query runs the read `sql` with parameters set by `bind` and decodes its
  // rows.
  absl::StatusOr<std::vector<MergeRecord>> Query(
      absl::string_view what, absl::string_view sql,
      absl::FunctionRef<void(::sql::PreparedStatement&)> bind);

  MysqlConnection* connection_;
  bool read_only_;
  MysqlRunner run_;
};

}  // namespace cp::storage
