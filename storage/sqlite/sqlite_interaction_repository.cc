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

absl::Status SqliteInteractionRepository::InsertInteraction(const InteractionRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  const customerprofile::v1::Interaction& interaction = record.interaction;
  std::string data = interaction.SerializeAsString();
  absl::Status status =
      RunStatement(*connection_, sql::kInsertInteraction, [&](SqliteStatement& s) {
        s.BindText(1, record.interaction_id);
        s.BindText(2, record.profile_id);
        s.BindText(3, record.origin_profile_id);
        s.BindInt64(4, absl::ToUnixMicros(record.occur_time));
        s.BindInt64(5, absl::ToUnixMicros(record.create_time));
        s.BindText(6, interaction.source_system());
        if (interaction.external_ref().empty()) {
          s.BindNull(7);
        } else {
          s.BindText(7, interaction.external_ref());
        }
        s.BindInt64(8, interaction.channel());
        s.BindInt64(9, interaction.direction());
        s.BindInt64(10, interaction.kind());
        s.BindText(11, interaction.campaign());
        s.BindBlob(12, data);
      });
  return sql::ExplainDuplicate(
      status, "an interaction with this id or (source_system, external_ref) exists (interactions)");
}

absl::Status SqliteInteractionRepository::InsertInteractions(
    const std::vector<InteractionRecord>& records) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  size_t done = 0;
  for (int chunk : sql::kMultiRowChunks) {
    while (records.size() - done >= static_cast<size_t>(chunk)) {
      sql::SqlFragment fragment = sql::RenderInsertInteractions(&records[done], chunk);
      absl::Status status = RunStatement(*connection_, fragment.sql, [&](SqliteStatement& s) {
        BindParams(s, fragment.params);
        // The data column is a BLOB: rebind each row's as one.
        for (int i = 0; i < chunk; ++i) {
          s.BindBlob(12 * i + 12, std::get<std::string>(fragment.params[12 * i + 11]));
        }
      });
      if (!status.ok()) {
        return sql::ExplainDuplicate(
            status,
            "an interaction with this id or (source_system, external_ref) exists (interactions)");
      }
      done += chunk;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InteractionRecord>> SqliteInteractionRepository::FindInteractionsByRefs(
    const std::vector<std::pair<std::string, std::string>>& refs) {
  std::vector<InteractionRecord> found;
  size_t done = 0;
  for (int chunk : sql::kMultiRowChunks) {
    while (refs.size() - done >= static_cast<size_t>(chunk)) {
      sql::SqlFragment fragment = sql::RenderSelectInteractionsByRefs(&refs[done], chunk);
      absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
      if (!statement.ok()) return statement.status();
      BindParams(*statement, fragment.params);
      auto records = ReadAll(*statement);
      if (!records.ok()) return records.status();
      for (InteractionRecord& record : *records) found.push_back(std::move(record));
      done += chunk;
    }
  }
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

absl::StatusOr<std::optional<InteractionRecord>> SqliteInteractionRepository::FindInteractionByRef(
    absl::string_view source_system, absl::string_view external_ref) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectInteractionByRef);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, source_system);
  statement->BindText(2, external_ref);
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

absl::StatusOr<std::optional<customerprofile::internal::v1::InsightsState>>
SqliteInteractionRepository::GetInsightsState(absl::string_view profile_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectInsightsState);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  customerprofile::internal::v1::InsightsState state;
  if (!state.ParseFromString(std::string(statement->ColumnBlob(0)))) {
    return absl::DataLossError("stored insights totals cannot be parsed");
  }
  return state;
}

absl::StatusOr<std::map<std::string, customerprofile::internal::v1::InsightsState>>
SqliteInteractionRepository::GetInsightsStates(const std::vector<std::string>& profile_ids) {
  std::map<std::string, customerprofile::internal::v1::InsightsState> states;
  size_t done = 0;
  for (int chunk : sql::kMultiRowChunks) {
    while (profile_ids.size() - done >= static_cast<size_t>(chunk)) {
      sql::SqlFragment fragment = sql::RenderSelectInsightsStates(&profile_ids[done], chunk);
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
      done += chunk;
    }
  }
  return states;
}

absl::StatusOr<std::vector<StoredInsights>> SqliteInteractionRepository::ListStoredInsights(
    absl::string_view after_profile_id, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListStoredInsights);
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
