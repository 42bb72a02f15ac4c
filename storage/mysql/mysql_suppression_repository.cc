#include "storage/mysql/mysql_suppression_repository.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "storage/mysql/mysql_row.h"
#include "storage/sql/in_list.h"
#include "storage/sql/suppression_rows.h"
#include "storage/sql/suppression_statements.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

// kLockList is kSelectList with a lock on the row.
constexpr absl::string_view kLockList =
    "SELECT id, revision, display_name, source, identifier_kind, channel_mask, generation, "
    "entry_count, create_time, update_time FROM suppression_lists WHERE id = ? FOR UPDATE";
constexpr absl::string_view kUpsertGenerationState =
    "INSERT INTO suppression_generations (generation, list_id, state, update_time) "
    "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = VALUES(state), "
    "update_time = VALUES(update_time)";
constexpr absl::string_view kLastInsertId = "SELECT LAST_INSERT_ID()";
constexpr absl::string_view kInsertEntries =
    "INSERT IGNORE INTO suppression_entries (list_id, generation, identifier) VALUES ";
constexpr absl::string_view kEntryRow = "(?, ?, ?)";
// Parameters: to, list id, from.
constexpr absl::string_view kCopyEntries =
    "INSERT IGNORE INTO suppression_entries (list_id, generation, identifier) "
    "SELECT list_id, ?, identifier FROM suppression_entries WHERE list_id = ? AND generation = ?";
constexpr absl::string_view kDeleteEntries =
    "DELETE FROM suppression_entries WHERE list_id = ? AND generation = ? LIMIT ?";
// Parameters: channel mask twice, list id twice, then the IN list. Entries
// first, by identifier: left to itself the optimizer starts from the (few)
// lists and walks every entry of each. Sorted by the caller, not by an
// ORDER BY that would cost a temporary table.
constexpr absl::string_view kFindEntriesIn =
    "SELECT STRAIGHT_JOIN l.id, e.identifier, l.channel_mask FROM suppression_entries e "
    "FORCE INDEX (suppression_entries_identifier) "
    "JOIN suppression_lists l FORCE INDEX (PRIMARY) "
    "ON l.id = e.list_id AND l.generation = e.generation "
    "WHERE (? = 0 OR (l.channel_mask & ?) <> 0) AND (? = '' OR l.id = ?) "
    "AND e.identifier IN (";

// Rows per multi-row INSERT: big enough to amortise the round trip, small
// enough for the statement cache (one shape per distinct batch size).
constexpr size_t kInsertBatch = 1000;

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

// BindListValues binds the list values of kInsertList / kUpdateList to the
// parameters from `first` on.
void BindListValues(::sql::PreparedStatement& s, unsigned int first,
                    const SuppressionListRecord& record) {
  s.setInt64(first, record.revision);
  s.setString(first + 1, record.display_name);
  s.setString(first + 2, record.source);
  s.setInt(first + 3, record.identifier_kind);
  s.setInt64(first + 4, ChannelMask(record.channels));
  s.setInt64(first + 5, record.generation);
  s.setInt64(first + 6, record.entry_count);
  s.setInt64(first + 7, Micros(record.create_time));
  s.setInt64(first + 8, Micros(record.update_time));
}

}  // namespace

MysqlSuppressionRepository::MysqlSuppressionRepository(MysqlConnection* connection, bool read_only,
                                                       Runner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::StatusOr<int64_t> MysqlSuppressionRepository::ExecuteUpdate(
    absl::string_view what, const std::string& sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  return ExecuteMysqlUpdate(run_, *connection_, what, sql, bind);
}

absl::StatusOr<std::optional<SuppressionListRecord>> MysqlSuppressionRepository::GetList(
    absl::string_view id) {
  std::optional<SuppressionListRecord> result;
  absl::Status status = run_("read a suppression list", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectList));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = sql::DecodeSuppressionList(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::optional<SuppressionListRecord>> MysqlSuppressionRepository::LockList(
    absl::string_view id) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::optional<SuppressionListRecord> result;
  absl::Status status = run_("lock a suppression list", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kLockList));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = sql::DecodeSuppressionList(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status MysqlSuppressionRepository::InsertList(const SuppressionListRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "insert a suppression list", std::string(sql::kInsertList), [&](::sql::PreparedStatement& s) {
        s.setString(1, record.id);
        BindListValues(s, 2, record);
      });
  if (absl::Status s = sql::ExplainDuplicate(
          affected.status(),
          "a suppression list with this id already exists (suppression_lists.id)");
      !s.ok()) {
    return s;
  }
  return ForgetGeneration(record.generation);
}

absl::Status MysqlSuppressionRepository::UpdateList(const SuppressionListRecord& record,
                                                    int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "update a suppression list", std::string(sql::kUpdateList), [&](::sql::PreparedStatement& s) {
        BindListValues(s, 1, record);
        s.setString(10, record.id);
        s.setInt64(11, expected_revision);
      });
  if (!affected.ok()) return affected.status();
  return sql::CheckRevisionMatched(*affected, "suppression list");
}

absl::Status MysqlSuppressionRepository::DeleteList(const SuppressionListRecord& list,
                                                    absl::Time now) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> affected = ExecuteUpdate(
      "delete a suppression list", std::string(sql::kDeleteList), [&](::sql::PreparedStatement& s) {
        s.setString(1, list.id);
        s.setInt64(2, list.revision);
      });
  if (!affected.ok()) return affected.status();
  if (absl::Status s = sql::CheckRevisionMatched(*affected, "suppression list"); !s.ok()) return s;
  affected = ExecuteUpdate("retire generations", std::string(sql::kRetireListGenerations),
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
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kListLists));
    statement.setString(1, std::string(after_id));
    statement.setInt(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) records.push_back(sql::DecodeSuppressionList(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::AllocateGeneration(absl::string_view list_id,
                                                                       absl::Time now) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  int64_t generation = 0;
  absl::Status status = run_("allocate a generation", [&]() {
    ::sql::PreparedStatement& insert = connection_->Prepare(std::string(sql::kInsertGeneration));
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
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return ExecuteUpdate("retire a generation", std::string(kUpsertGenerationState),
                       [&](::sql::PreparedStatement& s) {
                         s.setInt64(1, generation);
                         s.setString(2, std::string(list_id));
                         s.setInt(3, static_cast<int>(GenerationState::kRetired));
                         s.setInt64(4, Micros(now));
                       })
      .status();
}

absl::Status MysqlSuppressionRepository::ForgetGeneration(int64_t generation) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  return ExecuteUpdate("forget a generation", std::string(sql::kForgetGeneration),
                       [&](::sql::PreparedStatement& s) { s.setInt64(1, generation); })
      .status();
}

absl::StatusOr<std::vector<GenerationRecord>> MysqlSuppressionRepository::ListGenerations() {
  std::vector<GenerationRecord> records;
  absl::Status status = run_("list generations", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kListGenerations));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) records.push_back(sql::DecodeGeneration(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<int64_t> MysqlSuppressionRepository::InsertEntries(
    absl::string_view list_id, int64_t generation, absl::Span<const std::string> identifiers) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  int64_t added = 0;
  const std::string list(list_id);
  for (size_t start = 0; start < identifiers.size(); start += kInsertBatch) {
    size_t count = std::min(kInsertBatch, identifiers.size() - start);
    // Full batches share one statement; the last one is padded to a power
    // of two with repeats of its first identifier, which IGNORE skips.
    size_t rows = count == kInsertBatch ? kInsertBatch : std::min(kInsertBatch, PaddedSize(count));
    absl::StatusOr<int64_t> affected =
        ExecuteUpdate("insert suppression entries", MultiRowInsert(kInsertEntries, kEntryRow, rows),
                      [&](::sql::PreparedStatement& s) {
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
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
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
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
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
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int64_t> affected =
      ExecuteUpdate("remove a suppression entry", std::string(sql::kRemoveEntry),
                    [&](::sql::PreparedStatement& s) {
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
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kCountEntries));
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
  absl::Status status = run_("find suppression entries", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(InList(kFindEntriesIn, padded));
    statement.setInt64(1, channel_mask);
    statement.setInt64(2, channel_mask);
    statement.setString(3, std::string(list_id));
    statement.setString(4, std::string(list_id));
    for (size_t i = 0; i < padded; ++i) {
      statement.setString(5 + static_cast<unsigned int>(i),
                          i < identifiers.size() ? identifiers[i] : identifiers[0]);
    }
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) matches.push_back(sql::DecodeMatch(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  SortMatches(&matches);
  return matches;
}

}  // namespace cp::storage
