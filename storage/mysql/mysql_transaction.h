#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/mysql/mysql_change_repository.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_consent_repository.h"
#include "storage/mysql/mysql_interaction_repository.h"
#include "storage/mysql/mysql_merge_repository.h"
#include "storage/mysql/mysql_suppression_repository.h"
#include "storage/sql/profile_rows.h"
#include "storage/transaction.h"

namespace cp::storage {

// MysqlTransaction runs the repository operations on a connection inside a
// transaction the store has begun (and will commit or roll back). Each write
// is atomic on its own: a failed InsertProfile or UpdateProfile leaves
// nothing behind, even when the transaction goes on. After a deadlock, lock
// wait timeout or connection failure the transaction is over (MySQL rolled
// it back): every later operation fails the same way, and the store retries
// or fails the whole transaction.
class MysqlTransaction final : public Transaction {
 public:
  // MysqlTransaction uses `connection`; with `read_only`, writes fail with
  // FAILED_PRECONDITION.
  MysqlTransaction(MysqlConnection* connection, bool read_only);

  absl::StatusOr<std::optional<ProfileRecord>> GetProfile(absl::string_view id) override;
  absl::Status InsertProfile(const ProfileRecord& record) override;
  absl::Status UpdateProfile(const ProfileRecord& record, int64_t expected_revision) override;
  absl::StatusOr<std::vector<ProfileRecord>> ListProfiles(const ProfileListQuery& query) override;
  absl::StatusOr<std::vector<ProfileRecord>> LookupProfiles(const ProfileIdentifier& identifier,
                                                            int limit) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListMergedProfiles(
      absl::Span<const std::string> survivor_ids) override;
  absl::StatusOr<std::optional<std::string>> FindLiveProfileByExternalId(
      absl::string_view system, absl::string_view external_id) override;

  absl::StatusOr<std::optional<IdempotencyRecord>> GetRequest(
      absl::string_view scope, absl::string_view request_id) override;
  absl::Status PutRequest(const IdempotencyRecord& record) override;

  // failure is the deadlock, lock wait timeout or connection failure that
  // ended the transaction, or OK.
  const absl::Status& failure() const { return failure_; }

  ConsentRepository& consents() override { return consents_; }
  SuppressionRepository& suppressions() override { return suppressions_; }
  MergeRepository& merges() override { return merges_; }
  InteractionRepository& interactions() override { return interactions_; }
  ChangeRepository& changes() override { return changes_; }
  absl::StatusOr<bool> BackfillMatchKeys(int limit) override;

  // FlushChanges writes the changes appended to changes(); the store calls
  // it just before COMMIT. `wrote` tells whether there were any.
  absl::Status FlushChanges(bool* wrote) { return changes_.Flush(wrote); }

  // Do runs `body` on the connection (see MysqlConnection::Call), unless the
  // transaction is already over, and remembers a failure that ends it.
  absl::Status Do(absl::string_view what, absl::FunctionRef<void()> body);

 private:
  // KnownRow is a profile row as this transaction last read or wrote it.
  struct KnownRow {
    int64_t revision;
    sql::SideRows side_rows;
  };

  // LockRow reads and locks profile `id` (SELECT ... FOR UPDATE) and sets
  // `side_rows` to its side rows (left unset when the stored profile cannot
  // be parsed); ABORTED when it is missing or not at `expected_revision`.
  absl::Status LockRow(const std::string& id, int64_t expected_revision,
                       std::optional<sql::SideRows>* side_rows);
  // UpdateRow writes `record` over the row at `expected_revision` whose
  // side rows are `old_rows` (unset: unknown), rewriting those that change.
  absl::Status UpdateRow(const ProfileRecord& record, int64_t expected_revision,
                         const std::optional<sql::SideRows>& old_rows);
  // Atomically runs `write`: inside a savepoint rolled back when it fails.
  absl::Status InSavepoint(absl::FunctionRef<absl::Status()> write);
  absl::Status InsertTags(const std::string& id, const std::vector<std::string>& tags);
  absl::Status InsertExternalIds(const std::string& id, const sql::SideRows& rows);
  absl::Status InsertContactPoints(const std::string& id,
                                   const std::vector<std::pair<std::string, std::string>>& rows);
  // DeleteSideRows runs one of the side tables' DELETE statements for `id`.
  absl::Status DeleteSideRows(absl::string_view statement_sql, const std::string& id);
  // ExternalIdConflict explains a duplicate key on profile_external_ids.
  absl::Status ExternalIdConflict(const std::string& id, const sql::SideRows& rows);

  MysqlConnection* connection_;
  bool read_only_;
  absl::Status failure_;
  absl::flat_hash_map<std::string, KnownRow> known_rows_;
  MysqlConsentRepository consents_;
  MysqlSuppressionRepository suppressions_;
  MysqlMergeRepository merges_;
  MysqlInteractionRepository interactions_;
  MysqlChangeRepository changes_;
};

}  // namespace cp::storage
