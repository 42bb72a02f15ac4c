#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_update.h"
#include "storage/suppression_repository.h"

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace cp::storage {

// MysqlSuppressionRepository is the SuppressionRepository of a
// MysqlTransaction. Entries go in with multi-row INSERT IGNORE statements.
class MysqlSuppressionRepository final : public SuppressionRepository {
 public:
  // Runner runs connector work as MysqlTransaction::Do does.
  using Runner = MysqlRunner;

  // MysqlSuppressionRepository uses `connection` through `run`; with
  // `read_only`, writes fail with FAILED_PRECONDITION.
  MysqlSuppressionRepository(MysqlConnection* connection, bool read_only, Runner run);

  absl::StatusOr<std::optional<SuppressionListRecord>> GetList(absl::string_view id) override;
  absl::StatusOr<std::optional<SuppressionListRecord>> LockList(absl::string_view id) override;
  absl::Status InsertList(const SuppressionListRecord& record) override;
  absl::Status UpdateList(const SuppressionListRecord& record, int64_t expected_revision) override;
  absl::Status DeleteList(const SuppressionListRecord& list, absl::Time now) override;
  absl::StatusOr<std::vector<SuppressionListRecord>> ListLists(absl::string_view after_id,
                                                               int limit) override;
  absl::StatusOr<int64_t> AllocateGeneration(absl::string_view list_id, absl::Time now) override;
  absl::Status RetireGeneration(absl::string_view list_id, int64_t generation,
                                absl::Time now) override;
  absl::Status ForgetGeneration(int64_t generation) override;
  absl::StatusOr<std::vector<GenerationRecord>> ListGenerations() override;
  absl::StatusOr<int64_t> InsertEntries(absl::string_view list_id, int64_t generation,
                                        absl::Span<const std::string> identifiers) override;
  absl::StatusOr<int64_t> CopyEntries(absl::string_view list_id, int64_t from, int64_t to) override;
  absl::StatusOr<int64_t> DeleteEntries(absl::string_view list_id, int64_t generation,
                                        int64_t limit) override;
  absl::StatusOr<bool> RemoveEntry(absl::string_view list_id, int64_t generation,
                                   absl::string_view identifier) override;
  absl::StatusOr<int64_t> CountEntries(absl::string_view list_id, int64_t generation) override;
  absl::StatusOr<std::vector<SuppressionMatch>> FindEntries(
      absl::Span<const std::string> identifiers, int64_t channel_mask,
      absl::string_view list_id) override;

 private:
  // ExecuteUpdate runs one prepared write and returns the affected rows.
  absl::StatusOr<int64_t> ExecuteUpdate(absl::string_view what, const std::string& sql,
                                        absl::FunctionRef<void(::sql::PreparedStatement&)> bind);

  MysqlConnection* connection_;
  bool read_only_;
  Runner run_;
};

}  // namespace cp::storage
