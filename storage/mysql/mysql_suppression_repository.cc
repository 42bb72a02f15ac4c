#include "storage/mysql/mysql_suppression_repository.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <algorithm>
#include <memory>
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
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdateList =
    "UPDATE suppression_lists SET id = ?, revision = ?, display_name = ?, source = ?, "
    "identifier_kind = ?, channel_mask = ?, generation = ?, entry_count = ?, create_time = ?, "
    "update_time = ? WHERE id = ? AND revision = ?";
constexpr absl::string_view kDeleteList =
    "DELETE FROM suppression_lists WHERE id = ? AND revision = ?";
constexpr absl::string_view kRetireListGenerations =
    "UPDATE suppression_generations SET state = ?, update_time = ? WHERE list_id = ?";
constexpr absl::string_view kInsertGeneration =
    "INSERT INTO suppression_generations (list_id, state, update_time) VALUES (?, ?, ?)";
constexpr absl::string_view kInsertGenerationWithId =
    "INSERT INTO suppression_generations (generation, list_id, state, update_time) "
    "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = VALUES(state), "
    "update_time = VALUES(update_time)";
constexpr absl::string_view kLastInsertId = "SELECT LAST_INSERT_ID()";
constexpr absl::string_view kForgetGeneration =
    "DELETE FROM suppression_generations WHERE generation = ?";
constexpr absl::string_view kListGenerations =
    "SELECT generation, list_id, state, update_time FROM suppression_generations "
    "ORDER BY generation";
constexpr absl::string_view kCopyEntries =
    "INSERT IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "SELECT list_id, ?, identifier FROM suppression_entries WHERE list_id = ? AND generation = ?";
constexpr absl::string_view kDeleteEntries =
    "DELETE FROM suppression_entries WHERE list_id = ? AND generation = ? LIMIT ?";
constexpr absl::string_view kRemoveEntry =
    "DELETE FROM suppression_entries WHERE list_id = ? AND generation = ? AND identifier = ?";
constexpr absl::string_view kCountEntries =
    "SELECT COUNT(*) FROM suppression_entries WHERE list_id = ? AND generation = ?";

// Rows per multi-row INSERT: big enough to amortise the round trip, small
// enough for the statement cache (one shape per distinct batch size).
constexpr size_t kInsertBatch = 1000;

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

SuppressionListRecord ReadList(::sql::ResultSet& rows) {
  SuppressionListRecord record;
  record.id = rows.getString(1);
  record.revision = rows.getInt64(2);
  record.display_name = rows.getString(3);
  record.source = rows.getString(4);
  record.identifier_kind = static_cast<v1::IdentifierKind>(rows.getInt(5));
  record.channels = ChannelsOf(rows.getInt64(6));
  record.generation = rows.getInt64(7);
  record.entry_count = rows.getInt64(8);
  record.create_time = absl::FromUnixMicros(rows.getInt64(9));
  record.update_time = absl::FromUnixMicros(rows.getInt64(10));
  return record;
}

void BindList(::sql::PreparedStatement& s, const SuppressionListRecord& record) {
  s.setString(1, record.id);
  s.setInt64(2, record.revision);
  s.setString(3, record.display_name);
  s.setString(4, record.source);
  s.setInt(5, record.identifier_kind);
  s.setInt64(6, ChannelMask(record.channels));
  s.setInt64(7, record.generation);
  s.setInt64(8, record.entry_count);
  s.setInt64(9, Micros(record.create_time));
  s.setInt64(10, Micros(record.update_time));
}

}  // namespace

MysqlSuppressionRepository::MysqlSuppressionRepository(MysqlConnection* connection, bool read_only,
                                                       Runner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::Status MysqlSuppressionRepository::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::ExecuteUpdate(
    absl::string_view what, const std::string& sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  int64_t affected = 0;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    bind(statement);
    affected = statement.executeUpdate();
  });
  if (!status.ok()) return status;
  return affected;
}

absl::StatusOr<std::optional<SuppressionListRecord>> MysqlSuppressionRepository::GetList(
    absl::string_view id) {
  std::optional<SuppressionListRecord> result;
  absl::Status status = run_("read a suppression list", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat(kListColumns, "WHERE id = ?"));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = ReadList(*rows);
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::optional<SuppressionListRecord>> MysqlSuppressionRepository::LockList(
    absl::string_view id) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::optional<SuppressionListRecord> result;
  absl::Status status = run_("lock a suppression list", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat(kListColumns, "WHERE id = ? FOR UPDATE"));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = ReadList(*rows);
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status MysqlSuppressionRepository::InsertList(const SuppressionListRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int64_t> affected =
      ExecuteUpdate("insert a suppression list", std::string(kInsertList),
                    [&](::sql::PreparedStatement& s) { BindList(s, record); });
  if (absl::IsAlreadyExists(affected.status())) {
    return absl::AlreadyExistsError(
        "a suppression list with this id already exists (suppression_lists.id)");
  }
  if (!affected.ok()) return affected.status();
  return ForgetGeneration(record.generation);
}

absl::Status MysqlSuppressionRepository::UpdateList(const SuppressionListRecord& record,
                                                    int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "update a suppression list", std::string(kUpdateList), [&](::sql::PreparedStatement& s) {
        BindList(s, record);
        s.setString(11, record.id);
        s.setInt64(12, expected_revision);
      });
  if (!affected.ok()) return affected.status();
  if (*affected == 0) {
    return absl::AbortedError("the suppression list was changed or removed meanwhile");
  }
  return absl::OkStatus();
}

absl::Status MysqlSuppressionRepository::DeleteList(const SuppressionListRecord& list,
                                                    absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "delete a suppression list", std::string(kDeleteList), [&](::sql::PreparedStatement& s) {
        s.setString(1, list.id);
        s.setInt64(2, list.revision);
      });
  if (!affected.ok()) return affected.status();
  if (*affected == 0) {
    return absl::AbortedError("the suppression list was changed or removed meanwhile");
  }
  affected = ExecuteUpdate("retire generations", std::string(kRetireListGenerations),
                           [&](::sql::PreparedStatement& s) {
                             s.setInt(1, static_cast<int>(GenerationState::kRetired));
                             s.setInt64(2, Micros(now));
                             s.setString(3, list.id);
                           });
  if (!affected.ok()) return affected.status();
  return RetireGeneration(list.id, list.generation, now);
}

absl::StatusOr<std::vector<SuppressionListRecord>> MysqlSuppressionRepository::ListLists(
    absl::string_view after_id, int limit) {
  std::vector<SuppressionListRecord> records;
  absl::Status status = run_("list suppression lists", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat(kListColumns, "WHERE id > ? ORDER BY id LIMIT ?"));
    statement.setString(1, std::string(after_id));
    statement.setInt(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) records.push_back(ReadList(*rows));
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::AllocateGeneration(absl::string_view list_id,
                                                                       absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  int64_t generation = 0;
  absl::Status status = run_("allocate a generation", [&]() {
    ::sql::PreparedStatement& insert = connection_->Prepare(std::string(kInsertGeneration));
    insert.setString(1, std::string(list_id));
    insert.setInt(2, static_cast<int>(GenerationState::kStaging));
    insert.setInt64(3, Micros(now));
    insert.executeUpdate();
    ::sql::PreparedStatement& last = connection_->Prepare(std::string(kLastInsertId));
    std::unique_ptr<::sql::ResultSet> rows(last.executeQuery());
    if (rows->next()) generation = rows->getInt64(1);
  });
  if (!status.ok()) return status;
  if (generation == 0) return absl::InternalError("no generation number was assigned");
  return generation;
}

absl::Status MysqlSuppressionRepository::RetireGeneration(absl::string_view list_id,
                                                          int64_t generation, absl::Time now) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return ExecuteUpdate("retire a generation", std::string(kInsertGenerationWithId),
                       [&](::sql::PreparedStatement& s) {
                         s.setInt64(1, generation);
                         s.setString(2, std::string(list_id));
                         s.setInt(3, static_cast<int>(GenerationState::kRetired));
                         s.setInt64(4, Micros(now));
                       })
      .status();
}

absl::Status MysqlSuppressionRepository::ForgetGeneration(int64_t generation) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return ExecuteUpdate("forget a generation", std::string(kForgetGeneration),
                       [&](::sql::PreparedStatement& s) { s.setInt64(1, generation); })
      .status();
}

absl::StatusOr<std::vector<GenerationRecord>> MysqlSuppressionRepository::ListGenerations() {
  std::vector<GenerationRecord> records;
  absl::Status status = run_("list generations", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kListGenerations));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      GenerationRecord record;
      record.generation = rows->getInt64(1);
      record.list_id = rows->getString(2);
      record.state = static_cast<GenerationState>(rows->getInt(3));
      record.update_time = absl::FromUnixMicros(rows->getInt64(4));
      records.push_back(std::move(record));
    }
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::InsertEntries(
    absl::string_view list_id, int64_t generation, absl::Span<const std::string> identifiers) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  int64_t added = 0;
  const std::string list(list_id);
  for (size_t start = 0; start < identifiers.size(); start += kInsertBatch) {
    size_t count = std::min(kInsertBatch, identifiers.size() - start);
    // Full batches share one statement; the last one is padded to a power
    // of two with repeats of its first identifier, which IGNORE skips.
    size_t rows = count == kInsertBatch ? kInsertBatch : std::min(kInsertBatch, PaddedSize(count));
    std::string sql =
        "INSERT IGNORE INTO suppression_entries (list_id, generation, identifier) VALUES ";
    for (size_t i = 0; i < rows; ++i) absl::StrAppend(&sql, i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    absl::StatusOr<int64_t> affected =
        ExecuteUpdate("insert suppression entries", sql, [&](::sql::PreparedStatement& s) {
          for (size_t i = 0; i < rows; ++i) {
            unsigned int base = static_cast<unsigned int>(i * 3);
            s.setString(base + 1, list);
            s.setInt64(base + 2, generation);
            s.setString(base + 3, identifiers[start + (i < count ? i : 0)]);
          }
        });
    if (!affected.ok()) return affected.status();
    added += *affected;
  }
  return added;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::CopyEntries(absl::string_view list_id,
                                                                int64_t from, int64_t to) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return ExecuteUpdate("copy suppression entries", std::string(kCopyEntries),
                       [&](::sql::PreparedStatement& s) {
                         s.setInt64(1, to);
                         s.setString(2, std::string(list_id));
                         s.setInt64(3, from);
                       });
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::DeleteEntries(absl::string_view list_id,
                                                                  int64_t generation,
                                                                  int64_t limit) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  return ExecuteUpdate("delete suppression entries", std::string(kDeleteEntries),
                       [&](::sql::PreparedStatement& s) {
                         s.setString(1, std::string(list_id));
                         s.setInt64(2, generation);
                         s.setInt64(3, limit);
                       });
}

absl::StatusOr<bool> MysqlSuppressionRepository::RemoveEntry(absl::string_view list_id,
                                                             int64_t generation,
                                                             absl::string_view identifier) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "remove a suppression entry", std::string(kRemoveEntry), [&](::sql::PreparedStatement& s) {
        s.setString(1, std::string(list_id));
        s.setInt64(2, generation);
        s.setString(3, std::string(identifier));
      });
  if (!affected.ok()) return affected.status();
  return *affected > 0;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::CountEntries(absl::string_view list_id,
                                                                 int64_t generation) {
  int64_t count = 0;
  absl::Status status = run_("count suppression entries", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kCountEntries));
    statement.setString(1, std::string(list_id));
    statement.setInt64(2, generation);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) count = rows->getInt64(1);
  });
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<std::vector<SuppressionMatch>> MysqlSuppressionRepository::FindEntries(
    absl::Span<const std::string> identifiers, int64_t channel_mask, absl::string_view list_id) {
  std::vector<SuppressionMatch> matches;
  if (identifiers.empty()) return matches;
  // One statement is one consistent read: a list published meanwhile is
  // seen whole, before or after.
  size_t padded = PaddedSize(identifiers.size());
  std::string sql =
      // Entries first, by identifier: left to itself the optimizer starts
      // from the (few) lists and walks every entry of each.
      "SELECT STRAIGHT_JOIN l.id, e.identifier, l.channel_mask FROM suppression_entries e "
      "FORCE INDEX (suppression_entries_identifier) "
      "JOIN suppression_lists l FORCE INDEX (PRIMARY) "
      "ON l.id = e.list_id AND l.generation = e.generation "
      "WHERE (? = 0 OR (l.channel_mask & ?) <> 0) AND (? = '' OR l.id = ?) "
      "AND e.identifier IN (";
  absl::StrAppend(&sql, Placeholders(padded));
  // Sorted here, not by an ORDER BY that would cost a temporary table.
  absl::StrAppend(&sql, ")");
  absl::Status status = run_("find suppression entries", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    statement.setInt64(1, channel_mask);
    statement.setInt64(2, channel_mask);
    statement.setString(3, std::string(list_id));
    statement.setString(4, std::string(list_id));
    for (size_t i = 0; i < padded; ++i) {
      statement.setString(5 + static_cast<unsigned int>(i),
                          i < identifiers.size() ? identifiers[i] : identifiers[0]);
    }
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      SuppressionMatch match;
      match.list_id = rows->getString(1);
      match.identifier = rows->getString(2);
      match.channels = ChannelsOf(rows->getInt64(3));
      matches.push_back(std::move(match));
    }
  });
  if (!status.ok()) return status;
  SortMatches(&matches);
  return matches;
}

}  // namespace cp::storage
