#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_cache.h"
#include "storage/sqlite/sqlite_change_repository.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_consent_repository.h"
#include "storage/sqlite/sqlite_interaction_repository.h"
#include "storage/sqlite/sqlite_merge_repository.h"
#include "storage/sqlite/sqlite_suppression_repository.h"
#include "storage/transaction.h"

namespace cp::storage {

// SqliteTransaction runs the repository operations on a connection inside a
// transaction the store has begun (and will commit or roll back). Each write
// is atomic on its own: a failed InsertProfile or UpdateProfile leaves
// nothing behind, even when the transaction goes on.
class SqliteTransaction final : public Transaction {
 public:
  // SqliteTransaction uses `connection`; with `read_only`, writes fail with
  // FAILED_PRECONDITION. With a `cache`, a read-only transaction offers the
  // profile rows it reads to it with `ticket` (taken before the transaction
  // began), and the profiles a transaction writes are recorded for the store
  // to drop from it around the commit (written_profiles).
  SqliteTransaction(SqliteConnection* connection, bool read_only, ProfileCache* cache = nullptr,
                    uint64_t ticket = ProfileCache::kNoTicket);

  // written_profiles names the profiles this transaction inserted or
  // updated.
  const std::vector<std::string>& written_profiles() const { return written_profiles_; }

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

  ConsentRepository& consents() override { return consents_; }
  SuppressionRepository& suppressions() override { return suppressions_; }
  MergeRepository& merges() override { return merges_; }
  InteractionRepository& interactions() override { return interactions_; }
  ChangeRepository& changes() override { return changes_; }
  absl::StatusOr<bool> BackfillMatchKeys(int limit) override;

  // FlushChanges writes the changes appended to changes(); the store calls
  // it just before COMMIT. `wrote` tells whether there were any.
  absl::Status FlushChanges(bool* wrote) { return changes_.Flush(wrote); }

 private:
  // Atomically runs `write` inside a savepoint, rolled back when it fails.
  absl::Status InSavepoint(absl::FunctionRef<absl::Status()> write);
  absl::Status InsertProfileRow(const ProfileRecord& record);
  absl::Status UpdateProfileRow(const ProfileRecord& record, int64_t expected_revision);
  absl::Status DeleteSideRows(absl::string_view id);
  absl::Status InsertSideRows(const ProfileRecord& record);
  absl::Status InsertContactPoints(const std::string& id,
                                   const std::vector<std::pair<std::string, std::string>>& points);

  SqliteConnection* connection_;
  bool read_only_;
  ProfileCache* cache_;
  uint64_t ticket_;
  std::vector<std::string> written_profiles_;
  SqliteConsentRepository consents_;
  SqliteSuppressionRepository suppressions_;
  SqliteMergeRepository merges_;
  SqliteInteractionRepository interactions_;
  SqliteChangeRepository changes_;
};

}  // namespace cp::storage
