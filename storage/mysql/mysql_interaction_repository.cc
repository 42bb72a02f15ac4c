#include "storage/mysql/mysql_interaction_repository.h"

#include <datatype.h>
#include <prepared_statement.h>
#include <resultset.h>

#include <memory>
#include <utility>

#include "storage/mysql/mysql_row.h"
#include "storage/sql/interaction_statements.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {

MysqlInteractionRepository::MysqlInteractionRepository(MysqlConnection* connection, bool read_only,
                                                       MysqlRunner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::Status MysqlInteractionRepository::InsertInteractions(
    const std::vector<InteractionRecord>& records) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status chunks =
      sql::ForEachChunk(records.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderInsertInteractions(&records[offset], count);
        absl::StatusOr<int64_t> affected = ExecuteMysqlUpdate(
            run_, *connection_, "insert interactions", fragment.sql,
            [&](::sql::PreparedStatement& s) { BindParams(s, fragment.params); });
        if (!affected.ok()) {
          return sql::ExplainDuplicate(
              affected.status(),
              "an interaction with this id or (source_system, external_ref) exists (interactions)");
        }
        return absl::OkStatus();
      });
  return chunks;
}

absl::StatusOr<std::vector<InteractionRecord>> MysqlInteractionRepository::FindInteractionsByRefs(
    const std::vector<std::pair<std::string, std::string>>& refs) {
  std::vector<InteractionRecord> found;
  absl::Status chunks =
      sql::ForEachChunk(refs.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderSelectInteractionsByRefs(&refs[offset], count);
        auto records = Query("find interactions by reference", fragment.sql,
                             [&](::sql::PreparedStatement& s) { BindParams(s, fragment.params); });
        if (!records.ok()) return records.status();
        for (InteractionRecord& record : *records) found.push_back(std::move(record));
        return absl::OkStatus();
      });
  if (!chunks.ok()) return chunks;
  return found;
}

absl::StatusOr<std::optional<InteractionRecord>> MysqlInteractionRepository::GetInteraction(
    absl::string_view interaction_id) {
  auto records =
      Query("read an interaction", std::string(sql::kSelectInteraction),
            [&](::sql::PreparedStatement& s) { s.setString(1, std::string(interaction_id)); });
  if (!records.ok()) return records.status();
  if (records->empty()) return std::nullopt;
  return std::move(records->front());
}

absl::StatusOr<std::vector<InteractionRecord>> MysqlInteractionRepository::ListInteractions(
    const InteractionListQuery& query) {
  sql::SqlFragment fragment = sql::RenderInteractionListQuery(query);
  return Query("list interactions", fragment.sql,
               [&](::sql::PreparedStatement& s) { BindParams(s, fragment.params); });
}

absl::Status MysqlInteractionRepository::DeleteInteraction(absl::string_view interaction_id) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteMysqlUpdate(
      run_, *connection_, "delete an interaction", std::string(sql::kDeleteInteraction),
      [&](::sql::PreparedStatement& s) { s.setString(1, std::string(interaction_id)); });
  if (!affected.ok()) return affected.status();
  if (*affected == 0) return absl::NotFoundError("no such interaction");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> MysqlInteractionRepository::MoveInteractions(
    absl::string_view from, absl::string_view to) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::vector<std::string> ids;
  absl::Status status = run_("move interactions", [&]() {
    ::sql::PreparedStatement& select =
        connection_->Prepare(std::string(sql::kSelectInteractionIdsOf));
    select.setString(1, std::string(from));
    std::unique_ptr<::sql::ResultSet> rows(select.executeQuery());
    while (rows->next()) ids.push_back(MysqlRow(*rows).GetString(0));
    ::sql::PreparedStatement& move = connection_->Prepare(std::string(sql::kMoveInteractions));
    move.setString(1, std::string(to));
    move.setString(2, std::string(from));
    move.executeUpdate();
  });
  if (!status.ok()) return status;
  return ids;
}

absl::StatusOr<bool> MysqlInteractionRepository::MoveInteractionBack(absl::string_view id,
                                                                     absl::string_view from,
                                                                     absl::string_view to) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> moved =
      ExecuteMysqlUpdate(run_, *connection_, "move an interaction back",
                         std::string(sql::kMoveInteraction), [&](::sql::PreparedStatement& s) {
                           s.setString(1, std::string(to));
                           s.setString(2, std::string(id));
                           s.setString(3, std::string(from));
                         });
  if (!moved.ok()) return moved.status();
  return *moved > 0;
}

absl::StatusOr<std::map<int, int64_t>> MysqlInteractionRepository::CountInboundByChannel(
    absl::string_view profile_id, absl::Time from, absl::Time to) {
  std::map<int, int64_t> counts;
  absl::Status status = run_("count inbound interactions", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(std::string(sql::kCountInboundByChannel));
    statement.setString(1, std::string(profile_id));
    statement.setInt64(2, absl::ToUnixMicros(from));
    statement.setInt64(3, absl::ToUnixMicros(to));
    statement.setInt(4, customerprofile::v1::INTERACTION_DIRECTION_INBOUND);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      MysqlRow row(*rows);
      counts[static_cast<int>(row.GetInt64(0))] = row.GetInt64(1);
    }
  });
  if (!status.ok()) return status;
  return counts;
}

absl::Status MysqlInteractionRepository::PutInsights(
    absl::string_view profile_id, const customerprofile::v1::ProfileInsights& insights,
    const customerprofile::internal::v1::InsightsState& state) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = insights.SerializeAsString();
  std::string totals = state.SerializeAsString();
  absl::StatusOr<int64_t> inserted =
      ExecuteMysqlUpdate(run_, *connection_, "replace insights", std::string(sql::kReplaceInsights),
                         [&](::sql::PreparedStatement& s) {
                           s.setString(1, std::string(profile_id));
                           s.setString(2, data);
                           s.setString(3, totals);
                         });
  if (!inserted.ok()) return inserted.status();
  absl::StatusOr<int64_t> copied = ExecuteMysqlUpdate(
      run_, *connection_, "copy insights to the profile", std::string(sql::kUpdateProfileInsights),
      [&](::sql::PreparedStatement& s) {
        s.setString(1, insights.value_tier());
        s.setInt64(2, sql::LastInteractionMicros(insights));
        s.setString(3, std::string(profile_id));
      });
  return copied.status();
}

absl::StatusOr<std::map<std::string, customerprofile::internal::v1::InsightsState>>
MysqlInteractionRepository::GetInsightsStates(const std::vector<std::string>& profile_ids) {
  std::map<std::string, customerprofile::internal::v1::InsightsState> states;
  absl::Status chunks =
      sql::ForEachChunk(profile_ids.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderSelectInsightsStates(&profile_ids[offset], count);
        std::vector<std::pair<std::string, std::string>> rows;
        absl::Status status = run_("read insights totals", [&]() {
          ::sql::PreparedStatement& statement = connection_->Prepare(fragment.sql);
          BindParams(statement, fragment.params);
          std::unique_ptr<::sql::ResultSet> result(statement.executeQuery());
          while (result->next()) {
            MysqlRow row(*result);
            rows.emplace_back(row.GetString(0), row.GetString(1));
          }
        });
        if (!status.ok()) return status;
        for (const auto& [id, blob] : rows) {
          if (!states[id].ParseFromString(blob)) {
            return absl::DataLossError("stored insights totals cannot be parsed");
          }
        }
        return absl::OkStatus();
      });
  if (!chunks.ok()) return chunks;
  return states;
}

absl::StatusOr<std::vector<StoredInsights>> MysqlInteractionRepository::ListStoredInsights(
    absl::string_view after_profile_id, int limit, bool only_without_totals) {
  std::vector<StoredInsights> stored;
  absl::Status decoded;
  absl::Status status = run_("list insights", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(
        only_without_totals ? sql::kListInsightsWithoutTotals : sql::kListStoredInsights));
    statement.setString(1, std::string(after_profile_id));
    statement.setInt(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodeStoredInsights, &stored);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return stored;
}

absl::StatusOr<std::optional<customerprofile::v1::ProfileInsights>>
MysqlInteractionRepository::GetInsights(absl::string_view profile_id) {
  std::optional<std::string> data;
  absl::Status status = run_("read insights", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectInsights));
    statement.setString(1, std::string(profile_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) data = MysqlRow(*rows).GetString(0);
  });
  if (!status.ok()) return status;
  if (!data.has_value()) return std::nullopt;
  customerprofile::v1::ProfileInsights insights;
  if (!insights.ParseFromString(*data))
    return absl::DataLossError("stored insights cannot be parsed");
  return insights;
}

absl::StatusOr<std::optional<std::string>> MysqlInteractionRepository::GetTiersSpec() {
  std::optional<std::string> spec;
  absl::Status status = run_("read the insights tiers", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectTiersSpec));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) spec = MysqlRow(*rows).GetString(0);
  });
  if (!status.ok()) return status;
  return spec;
}

absl::Status MysqlInteractionRepository::PutTiersSpec(absl::string_view spec) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return ExecuteMysqlUpdate(run_, *connection_, "store the insights tiers",
                            std::string(sql::kReplaceTiersSpec),
                            [&](::sql::PreparedStatement& s) { s.setString(1, std::string(spec)); })
      .status();
}

absl::StatusOr<std::vector<InteractionRecord>> MysqlInteractionRepository::Query(
    absl::string_view what, const std::string& sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  std::vector<InteractionRecord> records;
  absl::Status decoded;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    bind(statement);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodeInteraction, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

}  // namespace cp::storage
