#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/suppression_repository.h"

namespace cp::storage {

// SqliteSuppressionRepository is the SuppressionRepository of a
// SqliteTransaction: it runs on the transaction's connection.
class SqliteSuppressionRepository final : public SuppressionRepository {
 public:
  // SqliteSuppressionRepository uses `connection`; with `read_only`, writes
  // fail with FAILED_PRECONDITION.
  SqliteSuppressionRepository(SqliteConnection* connection, bool read_only);

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
  SqliteConnection* connection_;
  bool read_only_;
};

}  // namespace cp::storage
