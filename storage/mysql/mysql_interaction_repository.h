#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/interaction_repository.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_update.h"

namespace cp::storage {

// MysqlInteractionRepository is the InteractionRepository of a
// MysqlTransaction: it runs connector work through the transaction's runner.
class MysqlInteractionRepository final : public InteractionRepository {
 public:
  // With `read_only`, writes fail with FAILED_PRECONDITION.
  MysqlInteractionRepository(MysqlConnection* connection, bool read_only, MysqlRunner run);

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
  absl::StatusOr<std::vector<InteractionRecord>> Query(
      absl::string_view what, const std::string& sql,
      absl::FunctionRef<void(::sql::PreparedStatement&)> bind);

  MysqlConnection* connection_;
  bool read_only_;
  MysqlRunner run_;
};

}  // namespace cp::storage
