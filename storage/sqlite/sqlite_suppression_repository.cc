#include "storage/sqlite/sqlite_suppression_repository.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sql/in_list.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kListColumns =
    "SELECT id, revision, display_name, source, identifier_kind, channel_mask, generation, "
    "entry_count, create_time, update_time FROM suppression_lists ";
constexpr absl::string_view kInsertList =
    "INSERT INTO suppression_lists (id, revision, display_name, source, identifier_kind, "
    "channel_mask, generation, entry_count, create_time, update_time) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr absl::string_view kUpdateList =
    "UPDATE suppression_lists SET revision = ?2, display_name = ?3, source = ?4, "
    "identifier_kind = ?5, channel_mask = ?6, generation = ?7, entry_count = ?8, "
    "create_time = ?9, update_time = ?10 WHERE id = ?1 AND revision = ?11";
constexpr absl::string_view kDeleteList =
    "DELETE FROM suppression_lists WHERE id = ?1 AND revision = ?2";
constexpr absl::string_view kRetireListGenerations =
    "UPDATE suppression_generations SET state = ?2, update_time = ?3 WHERE list_id = ?1";
constexpr absl::string_view kInsertGeneration =
    "INSERT INTO suppression_generations (list_id, state, update_time) VALUES (?1, ?2, ?3)";
constexpr absl::string_view kUpsertGenerationState =
    "INSERT INTO suppression_generations (generation, list_id, state, update_time) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (generation) DO UPDATE SET state = excluded.state, "
    "update_time = excluded.update_time";
constexpr absl::string_view kForgetGeneration =
    "DELETE FROM suppression_generations WHERE generation = ?1";
constexpr absl::string_view kListGenerations =
    "SELECT generation, list_id, state, update_time FROM suppression_generations "
    "ORDER BY generation";
constexpr absl::string_view kInsertEntry =
    "INSERT OR IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "VALUES (?1, ?2, ?3)";
constexpr absl::string_view kCopyEntries =
    "INSERT OR IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "SELECT list_id, ?3, identifier FROM suppression_entries "
    "WHERE list_id = ?1 AND generation = ?2";
constexpr absl::string_view kDeleteEntries =
    "DELETE FROM suppression_entries WHERE list_id = ?1 AND generation = ?2 AND identifier IN "
    "(SELECT identifier FROM suppression_entries WHERE list_id = ?1 AND generation = ?2 "
    "LIMIT ?3)";
constexpr absl::string_view kRemoveEntry =
    "DELETE FROM suppression_entries WHERE list_id = ?1 AND generation = ?2 AND identifier = ?3";
constexpr absl::string_view kCountEntries =
    "SELECT COUNT(*) FROM suppression_entries WHERE list_id = ?1 AND generation = ?2";

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

// ReadList reads a row of kListColumns.
SuppressionListRecord ReadList(const SqliteStatement& s) {
  SuppressionListRecord record;
  record.id = std::string(s.ColumnText(0));
  record.revision = s.ColumnInt64(1);
  record.display_name = std::string(s.ColumnText(2));
  record.source = std::string(s.ColumnText(3));
  record.identifier_kind = static_cast<v1::IdentifierKind>(s.ColumnInt64(4));
  record.channels = ChannelsOf(s.ColumnInt64(5));
  record.generation = s.ColumnInt64(6);
  record.entry_count = s.ColumnInt64(7);
  record.create_time = absl::FromUnixMicros(s.ColumnInt64(8));
  record.update_time = absl::FromUnixMicros(s.ColumnInt64(9));
  return record;
}

// BindList binds a list's columns as ?1 .. ?10 in kInsertList's order.
void BindList(SqliteStatement& s, const SuppressionListRecord& record) {
  s.BindText(1, record.id);
  s.BindInt64(2, record.revision);
  s.BindText(3, record.display_name);
  s.BindText(4, record.source);
  s.BindInt64(5, record.identifier_kind);
  s.BindInt64(6, ChannelMask(record.channels));
  s.BindInt64(7, record.generation);
  s.BindInt64(8, record.entry_count);
  s.BindInt64(9, Micros(record.create_time));
  s.BindInt64(10, Micros(record.update_time));
}

}  // namespace

SqliteSuppressionRepository::SqliteSuppressionRepository(SqliteConnection* connection,
                                                         bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::Status SqliteSuppressionRepository::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<SuppressionListRecord>> SqliteSuppressionRepository::GetList(
    absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(absl::StrCat(kListColumns, "WHERE id = ?1"));
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return ReadList(*statement);
}

// SQLite runs one writer at a time (BEGIN IMMEDIATE): reading is locking.
absl::StatusOr<std::optional<SuppressionListRecord>> SqliteSuppressionRepository::LockList(
    absl::string_view id) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return GetList(id);
}

absl::Status SqliteSuppressionRepository::InsertList(const SuppressionListRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status =
      RunStatement(*connection_, kInsertList, [&](SqliteStatement& s) { BindList(s, record); });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError(
        "a suppression list with this id already exists (suppression_lists.id)");
  }
  if (!status.ok()) return status;
  return ForgetGeneration(record.generation);
}

absl::Status SqliteSuppressionRepository::UpdateList(const SuppressionListRecord& record,
                                                     int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kUpdateList, [&](SqliteStatement& s) {
    BindList(s, record);
    s.BindInt64(11, expected_revision);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) {
    return absl::AbortedError("the suppression list was changed or removed meanwhile");
  }
  return absl::OkStatus();
}

absl::Status SqliteSuppressionRepository::DeleteList(const SuppressionListRecord& list,
                                                     absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kDeleteList, [&](SqliteStatement& s) {
    s.BindText(1, list.id);
    s.BindInt64(2, list.revision);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) {
    return absl::AbortedError("the suppression list was changed or removed meanwhile");
  }
  status = RunStatement(*connection_, kRetireListGenerations, [&](SqliteStatement& s) {
    s.BindText(1, list.id);
    s.BindInt64(2, static_cast<int64_t>(GenerationState::kRetired));
    s.BindInt64(3, Micros(now));
  });
  if (!status.ok()) return status;
  return RetireGeneration(list.id, list.generation, now);
}

absl::StatusOr<std::vector<SuppressionListRecord>> SqliteSuppressionRepository::ListLists(
    absl::string_view after_id, int limit) {
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(absl::StrCat(kListColumns, "WHERE id > ?1 ORDER BY id LIMIT ?2"));
  if (!statement.ok()) return statement.status();
  statement->BindText(1, after_id);
  statement->BindInt64(2, limit);
  std::vector<SuppressionListRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    records.push_back(ReadList(*statement));
  }
  return records;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::AllocateGeneration(absl::string_view list_id,
                                                                        absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kInsertGeneration, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, static_cast<int64_t>(GenerationState::kStaging));
    s.BindInt64(3, Micros(now));
  });
  if (!status.ok()) return status;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(connection_->db()));
}

absl::Status SqliteSuppressionRepository::RetireGeneration(absl::string_view list_id,
                                                           int64_t generation, absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return RunStatement(*connection_, kUpsertGenerationState, [&](SqliteStatement& s) {
    s.BindInt64(1, generation);
    s.BindText(2, list_id);
    s.BindInt64(3, static_cast<int64_t>(GenerationState::kRetired));
    s.BindInt64(4, Micros(now));
  });
}

absl::Status SqliteSuppressionRepository::ForgetGeneration(int64_t generation) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return RunStatement(*connection_, kForgetGeneration,
                      [&](SqliteStatement& s) { s.BindInt64(1, generation); });
}

absl::StatusOr<std::vector<GenerationRecord>> SqliteSuppressionRepository::ListGenerations() {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kListGenerations);
  if (!statement.ok()) return statement.status();
  std::vector<GenerationRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    GenerationRecord record;
    record.generation = statement->ColumnInt64(0);
    record.list_id = std::string(statement->ColumnText(1));
    record.state = static_cast<GenerationState>(statement->ColumnInt64(2));
    record.update_time = absl::FromUnixMicros(statement->ColumnInt64(3));
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::InsertEntries(
    absl::string_view list_id, int64_t generation, absl::Span<const std::string> identifiers) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
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
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kCopyEntries, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, from);
    s.BindInt64(3, to);
  });
  if (!status.ok()) return status;
  return connection_->Changes();
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::DeleteEntries(absl::string_view list_id,
                                                                   int64_t generation,
                                                                   int64_t limit) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kDeleteEntries, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, generation);
    s.BindInt64(3, limit);
  });
  if (!status.ok()) return status;
  return connection_->Changes();
}

absl::StatusOr<bool> SqliteSuppressionRepository::RemoveEntry(absl::string_view list_id,
                                                              int64_t generation,
                                                              absl::string_view identifier) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kRemoveEntry, [&](SqliteStatement& s) {
    s.BindText(1, list_id);
    s.BindInt64(2, generation);
    s.BindText(3, identifier);
  });
  if (!status.ok()) return status;
  return connection_->Changes() > 0;
}

absl::StatusOr<int64_t> SqliteSuppressionRepository::CountEntries(absl::string_view list_id,
                                                                  int64_t generation) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kCountEntries);
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
  std::string sql =
      // CROSS JOIN keeps entries the outer loop (found by identifier),
      // whatever the statistics say.
      "SELECT l.id, e.identifier, l.channel_mask FROM suppression_entries e "
      "CROSS JOIN suppression_lists l ON l.id = e.list_id AND l.generation = e.generation "
      "WHERE (?1 = 0 OR (l.channel_mask & ?1) != 0) AND (?2 = '' OR l.id = ?2) "
      "AND e.identifier IN (";
  absl::StrAppend(&sql, Placeholders(padded));
  absl::StrAppend(&sql, ")");
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql);
  if (!statement.ok()) return statement.status();
  statement->BindInt64(1, channel_mask);
  statement->BindText(2, list_id);
  for (size_t i = 0; i < padded; ++i) {
    // Padding repeats the first identifier: it matches nothing new.
    statement->BindText(3 + static_cast<int>(i),
                        i < identifiers.size() ? identifiers[i] : identifiers[0]);
  }
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SuppressionMatch match;
    match.list_id = std::string(statement->ColumnText(0));
    match.identifier = std::string(statement->ColumnText(1));
    match.channels = ChannelsOf(statement->ColumnInt64(2));
    matches.push_back(std::move(match));
  }
  SortMatches(&matches);
  return matches;
}

}  // namespace cp::storage
