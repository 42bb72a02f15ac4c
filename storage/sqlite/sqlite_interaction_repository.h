#pragma once

#include <optional>
#include <vector>

#include "storage/interaction_repository.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"

namespace cp::storage {

// SqliteInteractionRepository is the InteractionRepository of a
// SqliteTransaction: it runs on the transaction's connection.
class SqliteInteractionRepository final : public InteractionRepository {
 public:
  // With `read_only`, writes fail with FAILED_PRECONDITION.
  SqliteInteractionRepository(SqliteConnection* connection, bool read_only);

  absl::Status InsertInteractions(const std::vector<InteractionRecord>& records) override;
  absl::StatusOr<std::vector<InteractionRecord>> FindInteractionsByRefs(
      const std::vector<std::pair<std::string, std::string>>& refs) override;
  absl::StatusOr<std::optional<InteractionRecord>> GetInteraction(
      absl::string_view interaction_id) override;
  absl::StatusOr<std::vector<InteractionRecord>> ListInteractions(
      const InteractionListQuery& query) override;
  absl::Status DeleteInteraction(absl::string_view interaction_id) override;
  absl::StatusOr<std::vector<std::string>> MoveInteractions(absl::string_view from,
                                                            absl::string_view to) override;
  absl::StatusOr<bool> MoveInteractionBack(absl::string_view id, absl::string_view from,
                                           absl::string_view to) override;
  absl::StatusOr<std::map<int, int64_t>> CountInboundByChannel(absl::string_view profile_id,
                                                               absl::Time from,
                                                               absl::Time to) override;
  absl::Status PutInsights(absl::string_view profile_id,
                           const customerprofile::v1::ProfileInsights& insights,
                           const customerprofile::internal::v1::InsightsState& state) override;
  absl::StatusOr<std::map<std::string, customerprofile::internal::v1::InsightsState>>
  GetInsightsStates(const std::vector<std::string>& profile_ids) override;
  absl::StatusOr<std::vector<StoredInsights>> ListStoredInsights(absl::string_view after_profile_id,
                                                                 int limit,
                                                                 bool only_without_totals) override;
  absl::StatusOr<std::optional<std::string>> GetTiersSpec() override;
  absl::Status PutTiersSpec(absl::string_view spec) override;
  absl::StatusOr<std::optional<customerprofile::v1::ProfileInsights>> GetInsights(
      absl::string_view profile_id) override;

 private:
  absl::StatusOr<std::vector<InteractionRecord>> ReadAll(SqliteStatement& statement);

  SqliteConnection* connection_;
  bool read_only_;
};

}  // namespace cp::storage
