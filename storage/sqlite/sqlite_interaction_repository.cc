#include "storage/sqlite/sqlite_interaction_repository.h"

#include <string>
#include <utility>

#include "storage/sql/interaction_statements.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {

SqliteInteractionRepository::SqliteInteractionRepository(SqliteConnection* connection,
                                                         bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::Status SqliteInteractionRepository::InsertInteractions(
    const std::vector<InteractionRecord>& records) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status chunks =
      sql::ForEachChunk(records.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderInsertInteractions(&records[offset], count);
        absl::Status status = RunStatement(*connection_, fragment.sql, [&](SqliteStatement& s) {
          BindParams(s, fragment.params);
          // The data column is a BLOB: rebind each row's as one.
          for (int i = 0; i < count; ++i) {
            s.BindBlob(12 * i + 12, std::get<std::string>(fragment.params[12 * i + 11]));
          }
        });
        if (!status.ok()) {
          return sql::ExplainDuplicate(
              status,
              "an interaction with this id or (source_system, external_ref) exists (interactions)");
        }
        return absl::OkStatus();
      });
  return chunks;
}

absl::StatusOr<std::vector<InteractionRecord>> SqliteInteractionRepository::FindInteractionsByRefs(
    const std::vector<std::pair<std::string, std::string>>& refs) {
  std::vector<InteractionRecord> found;
  absl::Status chunks =
      sql::ForEachChunk(refs.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderSelectInteractionsByRefs(&refs[offset], count);
        absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
        if (!statement.ok()) return statement.status();
        BindParams(*statement, fragment.params);
        auto records = ReadAll(*statement);
        if (!records.ok()) return records.status();
        for (InteractionRecord& record : *records) found.push_back(std::move(record));
        return absl::OkStatus();
      });
  if (!chunks.ok()) return chunks;
  return found;
}

absl::StatusOr<std::optional<InteractionRecord>> SqliteInteractionRepository::GetInteraction(
    absl::string_view interaction_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectInteraction);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, interaction_id);
  auto records = ReadAll(*statement);
  if (!records.ok()) return records.status();
  if (records->empty()) return std::nullopt;
  return std::move(records->front());
}

absl::StatusOr<std::vector<InteractionRecord>> SqliteInteractionRepository::ListInteractions(
    const InteractionListQuery& query) {
  sql::SqlFragment fragment = sql::RenderInteractionListQuery(query);
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
  if (!statement.ok()) return statement.status();
  BindParams(*statement, fragment.params);
  return ReadAll(*statement);
}

absl::Status SqliteInteractionRepository::DeleteInteraction(absl::string_view interaction_id) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kDeleteInteraction,
                                     [&](SqliteStatement& s) { s.BindText(1, interaction_id); });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) return absl::NotFoundError("no such interaction");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SqliteInteractionRepository::MoveInteractions(
    absl::string_view from, absl::string_view to) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::vector<std::string> ids;
  {
    absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectInteractionIdsOf);
    if (!statement.ok()) return statement.status();
    statement->BindText(1, from);
    while (true) {
      absl::StatusOr<bool> row = statement->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.emplace_back(statement->ColumnText(0));
    }
  }
  absl::Status status = RunStatement(*connection_, sql::kMoveInteractions, [&](SqliteStatement& s) {
    s.BindText(1, to);
    s.BindText(2, from);
  });
  if (!status.ok()) return status;
  return ids;
}

absl::StatusOr<bool> SqliteInteractionRepository::MoveInteractionBack(absl::string_view id,
                                                                      absl::string_view from,
                                                                      absl::string_view to) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kMoveInteraction, [&](SqliteStatement& s) {
    s.BindText(1, to);
    s.BindText(2, id);
    s.BindText(3, from);
  });
  if (!status.ok()) return status;
  return connection_->Changes() > 0;
}

absl::StatusOr<std::map<int, int64_t>> SqliteInteractionRepository::CountInboundByChannel(
    absl::string_view profile_id, absl::Time from, absl::Time to) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kCountInboundByChannel);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  statement->BindInt64(2, absl::ToUnixMicros(from));
  statement->BindInt64(3, absl::ToUnixMicros(to));
  statement->BindInt64(4, customerprofile::v1::INTERACTION_DIRECTION_INBOUND);
  std::map<int, int64_t> counts;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    counts[static_cast<int>(statement->ColumnInt64(0))] = statement->ColumnInt64(1);
  }
  return counts;
}

absl::Status SqliteInteractionRepository::PutInsights(
    absl::string_view profile_id, const customerprofile::v1::ProfileInsights& insights,
    const customerprofile::internal::v1::InsightsState& state) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = insights.SerializeAsString();
  std::string totals = state.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kReplaceInsights, [&](SqliteStatement& s) {
    s.BindText(1, profile_id);
    s.BindBlob(2, data);
    s.BindBlob(3, totals);
  });
  if (!status.ok()) return status;
  return RunStatement(*connection_, sql::kUpdateProfileInsights, [&](SqliteStatement& s) {
    s.BindText(1, insights.value_tier());
    s.BindInt64(2, sql::LastInteractionMicros(insights));
    s.BindText(3, profile_id);
  });
}

absl::StatusOr<std::map<std::string, customerprofile::internal::v1::InsightsState>>
SqliteInteractionRepository::GetInsightsStates(const std::vector<std::string>& profile_ids) {
  std::map<std::string, customerprofile::internal::v1::InsightsState> states;
  absl::Status chunks =
      sql::ForEachChunk(profile_ids.size(), [&](size_t offset, int count) -> absl::Status {
        sql::SqlFragment fragment = sql::RenderSelectInsightsStates(&profile_ids[offset], count);
        absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
        if (!statement.ok()) return statement.status();
        BindParams(*statement, fragment.params);
        while (true) {
          absl::StatusOr<bool> row = statement->Step();
          if (!row.ok()) return row.status();
          if (!*row) break;
          if (!states[std::string(statement->ColumnText(0))].ParseFromString(
                  std::string(statement->ColumnBlob(1)))) {
            return absl::DataLossError("stored insights totals cannot be parsed");
          }
        }
        return absl::OkStatus();
      });
  if (!chunks.ok()) return chunks;
  return states;
}

absl::StatusOr<std::vector<StoredInsights>> SqliteInteractionRepository::ListStoredInsights(
    absl::string_view after_profile_id, int limit, bool only_without_totals) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(
      only_without_totals ? sql::kListInsightsWithoutTotals : sql::kListStoredInsights);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, after_profile_id);
  statement->BindInt64(2, limit);
  std::vector<StoredInsights> rows;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<StoredInsights> stored = sql::DecodeStoredInsights(SqliteRow(*statement));
    if (!stored.ok()) return stored.status();
    rows.push_back(*std::move(stored));
  }
  return rows;
}

absl::StatusOr<std::optional<customerprofile::v1::ProfileInsights>>
SqliteInteractionRepository::GetInsights(absl::string_view profile_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectInsights);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  customerprofile::v1::ProfileInsights insights;
  if (!insights.ParseFromString(std::string(statement->ColumnBlob(0)))) {
    return absl::DataLossError("stored insights cannot be parsed");
  }
  return insights;
}

absl::StatusOr<std::optional<std::string>> SqliteInteractionRepository::GetTiersSpec() {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectTiersSpec);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return std::string(statement->ColumnText(0));
}

absl::Status SqliteInteractionRepository::PutTiersSpec(absl::string_view spec) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return RunStatement(*connection_, sql::kReplaceTiersSpec,
                      [&](SqliteStatement& s) { s.BindText(1, spec); });
}

absl::StatusOr<std::vector<InteractionRecord>> SqliteInteractionRepository::ReadAll(
    SqliteStatement& statement) {
  std::vector<InteractionRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<InteractionRecord> record = sql::DecodeInteraction(SqliteRow(statement));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

}  // namespace cp::storage
