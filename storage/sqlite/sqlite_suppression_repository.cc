#include "storage/sqlite/sqlite_suppression_repository.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "storage/sql/in_list.h"
#include "storage/sql/suppression_rows.h"
#include "storage/sql/suppression_statements.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kUpsertGenerationState =
    "INSERT INTO suppression_generations (generation, list_id, state, update_time) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (generation) DO UPDATE SET state = excluded.state, "
    "update_time = excluded.update_time";
constexpr absl::string_view kInsertEntry =
    "INSERT OR IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "VALUES (?, ?, ?)";
// Parameters: to, list id, from.
constexpr absl::string_view kCopyEntries =
    "INSERT OR IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "SELECT list_id, ?, identifier FROM suppression_entries WHERE list_id = ? AND generation = ?";
// Parameters: list id, generation, list id, generation, limit.
constexpr absl::string_view kDeleteEntries =
    "DELETE FROM suppression_entries WHERE list_id = ? AND generation = ? AND identifier IN "
    "(SELECT identifier FROM suppression_entries WHERE list_id = ? AND generation = ? "
    "LIMIT ?)";
// Parameters: channel mask twice, list id twice, then the IN list. CROSS
// JOIN keeps entries the outer loop (found by identifier), whatever the
// statistics say.
constexpr absl::string_view kFindEntriesIn =
    "SELECT l.id, e.identifier, l.channel_mask FROM suppression_entries e "
    "CROSS JOIN suppression_lists l ON l.id = e.list_id AND l.generation = e.generation "
    "WHERE (? = 0 OR (l.channel_mask & ?) != 0) AND (? = '' OR l.id = ?) "
    "AND e.identifier IN (";

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

// BindListValues binds the list values of kInsertList / kUpdateList to the
// parameters from `first` on.
void BindListValues(SqliteStatement& s, int first, const SuppressionListRecord& record) {
  s.BindInt64(first, record.revision);
  s.BindText(first + 1, record.display_name);
  s.BindText(first + 2, record.source);
  s.BindInt64(first + 3, record.identifier_kind);
  s.BindInt64(first + 4, ChannelMask(record.channels));
  s.BindInt64(first + 5, record.generation);
  s.BindInt64(first + 6, record.entry_count);
  s.BindInt64(first + 7, Micros(record.create_time));
  s.BindInt64(first + 8, Micros(record.update_time));
}

}  // namespace

SqliteSuppressionRepository::SqliteSuppressionRepository(SqliteConnection* connection,
                                                         bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::StatusOr<std::optional<SuppressionListRecord>> SqliteSuppressionRepository::GetList(
    absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectList);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  return ReadOne(*statement, sql::DecodeSuppressionList);
}

// SQLite runs one writer at a time (BEGIN IMMEDIATE): reading is locking.
absl::StatusOr<std::optional<SuppressionListRecord>> SqliteSuppressionRepository::LockList(
    absl::string_view id) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return GetList(id);
}

absl::Status SqliteSuppressionRepository::InsertList(const SuppressionListRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kInsertList, [&](SqliteStatement& s) {
    s.BindText(1, record.id);
    BindListValues(s, 2, record);
  });
  status = sql::ExplainDuplicate(
      status, "a suppression list with this id already exists (suppression_lists.id)");
  if (!status.ok()) return status;
  return ForgetGeneration(record.generation);
}

absl::Status SqliteSuppressionRepository::UpdateList(const SuppressionListRecord& record,
                                                     int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kUpdateList, [&](SqliteStatement& s) {
    BindListValues(s, 1, record);
    s.BindText(10, record.id);
    s.BindInt64(11, expected_revision);
  });
  if (!status.ok()) return status;
  return sql::CheckRevisionMatched(connection_->Changes(), "suppression list");
}

absl::Status SqliteSuppressionRepository::DeleteList(const SuppressionListRecord& list,
                                                     absl::Time now) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kDeleteList, [&](SqliteStatement& s) {
    s.BindText(1, list.id);
    s.BindInt64(2, list.revision);
  });
  if (!status.ok()) return status;
  status = sql::CheckRevisionMatched(connection_->Changes(), "suppression list");
  if (!status.ok()) return status;
  status = RunStatement(*connection_, sql::kRetireListGenerations, [&](SqliteStatement& s) {
    s.BindInt64(1, static_cast<int64_t>(GenerationState::kRetired));
    s.BindInt64(2, Micros(now));
    s.BindText(3, list.id);
  });
  if (!status.ok()) return status;
  return RetireGeneration(list.id, list.generation, now);
}

absl::StatusOr<std::vector<SuppressionListRecord>> SqliteSuppressionRepository::ListLists(
    absl::string_view after_id, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListLists);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, after_id);
  statement->BindInt64(2, limit);
  std::vector<SuppressionListRecord> records;
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) {
    records.push_back(sql::DecodeSuppressionList(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::AllocateGeneration(absl::string_view list_id,
                                                                        absl::Time now) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kInsertGeneration, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, static_cast<int64_t>(GenerationState::kStaging));
    s.BindInt64(3, Micros(now));
  });
  if (!status.ok()) return status;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(connection_->db()));
}

absl::Status SqliteSuppressionRepository::RetireGeneration(absl::string_view list_id,
                                                           int64_t generation, absl::Time now) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return RunStatement(*connection_, kUpsertGenerationState, [&](SqliteStatement& s) {
    s.BindInt64(1, generation);
    s.BindText(2, list_id);
    s.BindInt64(3, static_cast<int64_t>(GenerationState::kRetired));
    s.BindInt64(4, Micros(now));
  });
}

absl::Status SqliteSuppressionRepository::ForgetGeneration(int64_t generation) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return RunStatement(*connection_, sql::kForgetGeneration,
                      [&](SqliteStatement& s) { s.BindInt64(1, generation); });
}

absl::StatusOr<std::vector<GenerationRecord>> SqliteSuppressionRepository::ListGenerations() {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListGenerations);
  if (!statement.ok()) return statement.status();
  std::vector<GenerationRecord> records;
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) {
    records.push_back(sql::DecodeGeneration(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::InsertEntries(
    absl::string_view list_id, int64_t generation, absl::Span<const std::string> identifiers) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kInsertEntry);
  if (!statement.ok()) return statement.status();
  int64_t added = 0;
  for (const std::string& identifier : identifiers) {
    statement->BindText(1, list_id);
    statement->BindInt64(2, generation);
    statement->BindText(3, identifier);
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    added += connection_->Changes();
    statement->Reset();
  }
  return added;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::CopyEntries(absl::string_view list_id,
                                                                 int64_t from, int64_t to) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kCopyEntries, [&](SqliteStatement& s) {
    s.BindInt64(1, to);
    s.BindText(2, list_id);
    s.BindInt64(3, from);
  });
  if (!status.ok()) return status;
  return connection_->Changes();
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::DeleteEntries(absl::string_view list_id,
                                                                   int64_t generation,
                                                                   int64_t limit) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kDeleteEntries, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, generation);
    s.BindText(3, list_id);
    s.BindInt64(4, generation);
    s.BindInt64(5, limit);
  });
  if (!status.ok()) return status;
  return connection_->Changes();
}

absl::StatusOr<bool> SqliteSuppressionRepository::RemoveEntry(absl::string_view list_id,
                                                              int64_t generation,
                                                              absl::string_view identifier) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kRemoveEntry, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, generation);
    s.BindText(3, identifier);
  });
  if (!status.ok()) return status;
  return connection_->Changes() > 0;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::CountEntries(absl::string_view list_id,
                                                                  int64_t generation) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kCountEntries);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, list_id);
  statement->BindInt64(2, generation);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  return *row ? statement->ColumnInt64(0) : 0;
}

absl::StatusOr<std::vector<SuppressionMatch>> SqliteSuppressionRepository::FindEntries(
    absl::Span<const std::string> identifiers, int64_t channel_mask, absl::string_view list_id) {
  std::vector<SuppressionMatch> matches;
  if (identifiers.empty()) return matches;
  // One statement is one consistent read: a list published meanwhile is
  // seen whole, before or after.
  size_t padded = PaddedSize(identifiers.size());
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(InList(kFindEntriesIn, padded));
  if (!statement.ok()) return statement.status();
  statement->BindInt64(1, channel_mask);
  statement->BindInt64(2, channel_mask);
  statement->BindText(3, list_id);
  statement->BindText(4, list_id);
  for (size_t i = 0; i < padded; ++i) {
    // Padding repeats the first identifier: it matches nothing new.
    statement->BindText(5 + static_cast<int>(i),
                        i < identifiers.size() ? identifiers[i] : identifiers[0]);
  }
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) {
    matches.push_back(sql::DecodeMatch(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  SortMatches(&matches);
  return matches;
}

}  // namespace cp::storage
