#include "storage/mysql/mysql_transaction.h"

#include <datatype.h>
#include <prepared_statement.h>
#include <resultset.h>

#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "storage/mysql/mysql_row.h"
#include "storage/mysql/mysql_update.h"
#include "storage/sql/filter_sql.h"
#include "storage/sql/in_list.h"
#include "storage/sql/profile_rows.h"
#include "storage/sql/profile_statements.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {
namespace {

// kLockProfile is kSelectProfile with a lock on the row.
constexpr absl::string_view kLockProfile =
    "SELECT id, revision, data FROM profiles WHERE id = ? FOR UPDATE";
constexpr absl::string_view kFindConflictingExternalId =
    "SELECT 1 FROM profile_external_ids "
    "WHERE system = ? AND external_id = ? AND live = 1 AND profile_id <> ?";

// BindProfileValues binds the profile values of kInsertProfile /
// kUpdateProfile to the parameters from `first` on.
void BindProfileValues(::sql::PreparedStatement& statement, unsigned int first,
                       const ProfileRecord& record, const std::string& data) {
  const customerprofile::v1::Profile& profile = record.profile;
  statement.setInt64(first, record.revision);
  statement.setInt64(first + 1, sql::ToMicros(profile.create_time()));
  statement.setInt64(first + 2, sql::ToMicros(profile.update_time()));
  if (profile.has_delete_time()) {
    statement.setInt64(first + 3, sql::ToMicros(profile.delete_time()));
  } else {
    statement.setNull(first + 3, ::sql::DataType::BIGINT);
  }
  statement.setString(first + 4, profile.display_name());
  statement.setString(first + 5, profile.region_code());
  statement.setString(first + 6, data);
  std::optional<absl::string_view> merged_into = sql::MergedIntoId(profile);
  if (merged_into.has_value()) {
    statement.setString(first + 7, std::string(*merged_into));
  } else {
    statement.setNull(first + 7, ::sql::DataType::VARCHAR);
  }
}

}  // namespace

MysqlTransaction::MysqlTransaction(MysqlConnection* connection, bool read_only)
    : connection_(connection),
      read_only_(read_only),
      consents_(connection, read_only,
                [this](absl::string_view what, absl::FunctionRef<void()> body) {
                  return Do(what, body);
                }),
      suppressions_(connection, read_only,
                    [this](absl::string_view what, absl::FunctionRef<void()> body) {
                      return Do(what, body);
                    }),
      merges_(connection, read_only,
              [this](absl::string_view what, absl::FunctionRef<void()> body) {
                return Do(what, body);
              }),
      interactions_(connection, read_only,
                    [this](absl::string_view what, absl::FunctionRef<void()> body) {
                      return Do(what, body);
                    }),
      changes_(connection, read_only,
               [this](absl::string_view what, absl::FunctionRef<void()> body) {
                 return Do(what, body);
               }) {}

absl::Status MysqlTransaction::Do(absl::string_view what, absl::FunctionRef<void()> body) {
  if (!failure_.ok()) return failure_;
  absl::Status status = connection_->Call(what, body);
  if (!status.ok() && (connection_->last_error_kind() == MysqlErrorKind::kConflict ||
                       connection_->last_error_kind() == MysqlErrorKind::kConnection)) {
    failure_ = status;
  }
  return status;
}

absl::Status MysqlTransaction::InSavepoint(absl::FunctionRef<absl::Status()> write) {
  if (absl::Status s =
          Do("set a savepoint", [&]() { connection_->Execute(std::string(sql::kSavepoint)); });
      !s.ok()) {
    return s;
  }
  absl::Status status = write();
  if (!status.ok() && failure_.ok()) {
    // Undo the partial write; the transaction lives on.
    if (absl::Status s =
            Do("roll back to the savepoint",
               [&]() { connection_->Execute(std::string(sql::kRollbackToSavepoint)); });
        !s.ok()) {
      return s;
    }
  }
  return status;
}

absl::StatusOr<std::optional<ProfileRecord>> MysqlTransaction::GetProfile(absl::string_view id) {
  std::optional<absl::StatusOr<ProfileRecord>> record;
  absl::Status status = Do("read a profile", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectProfile));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) record = sql::DecodeProfile(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  if (!record.has_value()) {
    known_rows_.erase(id);
    return std::nullopt;
  }
  if (!record->ok()) return record->status();
  known_rows_[id] = KnownRow{(*record)->revision, sql::SideRowsOf((*record)->profile)};
  return **std::move(record);
}

absl::Status MysqlTransaction::InsertProfile(const ProfileRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  sql::SideRows rows = sql::SideRowsOf(record.profile);
  auto write = [&]() -> absl::Status {
    std::string data = record.profile.SerializeAsString();
    absl::Status status = Do("insert a profile", [&]() {
      ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kInsertProfile));
      statement.setString(1, record.id);
      BindProfileValues(statement, 2, record, data);
      statement.executeUpdate();
    });
    status = sql::ExplainDuplicate(status, "a profile with this id already exists (profiles.id)");
    if (!status.ok()) return status;
    if (absl::Status s = InsertTags(record.id, rows.tags); !s.ok()) return s;
    if (absl::Status s = InsertContactPoints(record.id, rows.contact_points); !s.ok()) return s;
    if (absl::Status s = InsertExternalIds(record.id, rows); !s.ok()) return s;
    known_rows_[record.id] = KnownRow{record.revision, rows};
    return absl::OkStatus();
  };
  if (rows.tags.empty() && rows.external_ids.empty() && rows.contact_points.empty()) {
    return write();  // one statement: atomic without a savepoint
  }
  return InSavepoint(write);
}

absl::Status MysqlTransaction::UpdateProfile(const ProfileRecord& record,
                                             int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  // The old side rows are needed to rewrite only those that change. When
  // this transaction read the row at the expected revision, they are
  // known: the conditional UPDATE below then checks that the row still has
  // that revision. Otherwise the row is read and locked first.
  std::optional<sql::SideRows> old_rows;
  if (auto known = known_rows_.find(record.id);
      known != known_rows_.end() && known->second.revision == expected_revision) {
    old_rows = known->second.side_rows;
  } else if (absl::Status s = LockRow(record.id, expected_revision, &old_rows); !s.ok()) {
    return s;
  }
  return UpdateRow(record, expected_revision, old_rows);
}

absl::Status MysqlTransaction::LockRow(const std::string& id, int64_t expected_revision,
                                       std::optional<sql::SideRows>* side_rows) {
  std::optional<absl::StatusOr<ProfileRecord>> record;
  absl::Status status = Do("lock a profile", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kLockProfile));
    statement.setString(1, id);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) record = sql::DecodeProfile(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  // A row that cannot be parsed has unknown side rows: all are rewritten.
  if (record.has_value() && !record->ok()) return absl::OkStatus();
  if (!record.has_value() || (*record)->revision != expected_revision) {
    return sql::CheckRevisionMatched(0, "profile");
  }
  *side_rows = sql::SideRowsOf((*record)->profile);
  return absl::OkStatus();
}

absl::Status MysqlTransaction::UpdateRow(const ProfileRecord& record, int64_t expected_revision,
                                         const std::optional<sql::SideRows>& old_rows) {
  sql::SideRows rows = sql::SideRowsOf(record.profile);
  bool tags_changed = !old_rows.has_value() || old_rows->tags != rows.tags;
  bool external_ids_changed = !old_rows.has_value() ||
                              old_rows->external_ids != rows.external_ids ||
                              old_rows->live != rows.live;
  bool contact_points_changed =
      !old_rows.has_value() || old_rows->contact_points != rows.contact_points;

  auto write = [&]() -> absl::Status {
    std::string data = record.profile.SerializeAsString();
    int matched = 0;
    absl::Status s = Do("update a profile", [&]() {
      ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kUpdateProfile));
      BindProfileValues(statement, 1, record, data);
      statement.setString(9, record.id);
      statement.setInt64(10, expected_revision);
      matched = statement.executeUpdate();  // rows matched: CLIENT_FOUND_ROWS
    });
    if (!s.ok()) return s;
    if (s = sql::CheckRevisionMatched(matched, "profile"); !s.ok()) return s;
    if (tags_changed) {
      if (s = DeleteSideRows(sql::kDeleteTags, record.id); !s.ok()) return s;
      if (s = InsertTags(record.id, rows.tags); !s.ok()) return s;
    }
    if (contact_points_changed) {
      if (s = DeleteSideRows(sql::kDeleteContactPoints, record.id); !s.ok()) return s;
      if (s = InsertContactPoints(record.id, rows.contact_points); !s.ok()) return s;
    }
    if (external_ids_changed) {
      if (s = DeleteSideRows(sql::kDeleteExternalIds, record.id); !s.ok()) return s;
      if (s = InsertExternalIds(record.id, rows); !s.ok()) return s;
    }
    known_rows_[record.id] = KnownRow{record.revision, std::move(rows)};
    return absl::OkStatus();
  };
  if (!tags_changed && !external_ids_changed && !contact_points_changed) {
    return write();  // one statement: atomic without a savepoint
  }
  return InSavepoint(write);
}

absl::Status MysqlTransaction::DeleteSideRows(absl::string_view statement_sql,
                                              const std::string& id) {
  return Do("delete side rows", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(statement_sql));
    statement.setString(1, id);
    statement.executeUpdate();
  });
}

absl::Status MysqlTransaction::InsertTags(const std::string& id,
                                          const std::vector<std::string>& tags) {
  if (tags.empty()) return absl::OkStatus();
  return Do("insert into profile_tags", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(MultiRowInsert(sql::kInsertTags, sql::kTagRow, tags.size()));
    unsigned int index = 1;
    for (const std::string& tag : tags) {
      statement.setString(index++, id);
      statement.setString(index++, tag);
    }
    statement.executeUpdate();
  });
}

absl::Status MysqlTransaction::InsertContactPoints(
    const std::string& id, const std::vector<std::pair<std::string, std::string>>& rows) {
  if (rows.empty()) return absl::OkStatus();
  return Do("insert into profile_contact_points", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(
        MultiRowInsert(sql::kInsertContactPoints, sql::kContactPointRow, rows.size()));
    unsigned int index = 1;
    for (const auto& [kind, value] : rows) {
      statement.setString(index++, id);
      statement.setString(index++, kind);
      statement.setString(index++, value);
      statement.setString(index++, sql::ContactPointLookupValue(kind, value));
    }
    statement.executeUpdate();
  });
}

absl::Status MysqlTransaction::InsertExternalIds(const std::string& id, const sql::SideRows& rows) {
  if (rows.external_ids.empty()) return absl::OkStatus();
  absl::Status status = Do("insert into profile_external_ids", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(MultiRowInsert(
        sql::kInsertExternalIds, rows.live ? sql::kLiveExternalIdRow : sql::kDeletedExternalIdRow,
        rows.external_ids.size()));
    unsigned int index = 1;
    for (const auto& [system, external_id] : rows.external_ids) {
      statement.setString(index++, id);
      statement.setString(index++, system);
      statement.setString(index++, external_id);
    }
    statement.executeUpdate();
  });
  if (absl::IsAlreadyExists(status)) return ExternalIdConflict(id, rows);
  return status;
}

absl::Status MysqlTransaction::ExternalIdConflict(const std::string& id,
                                                  const sql::SideRows& rows) {
  for (const auto& [system, external_id] : rows.external_ids) {
    bool taken = false;
    absl::Status status = Do("find the conflicting external id", [&]() {
      ::sql::PreparedStatement& statement =
          connection_->Prepare(std::string(kFindConflictingExternalId));
      statement.setString(1, system);
      statement.setString(2, external_id);
      statement.setString(3, id);
      std::unique_ptr<::sql::ResultSet> result(statement.executeQuery());
      taken = result->next();
    });
    if (!status.ok()) return status;
    if (taken) {
      return absl::AlreadyExistsError(
          absl::StrCat("an external id of system '", system,
                       "' belongs to another live profile (profile_external_ids)"));
    }
  }
  return absl::AlreadyExistsError(
      "an external id belongs to another live profile (profile_external_ids)");
}

absl::StatusOr<std::vector<ProfileRecord>> MysqlTransaction::ListProfiles(
    const ProfileListQuery& query) {
  sql::SqlFragment fragment = sql::RenderProfileListQuery(query);
  std::vector<ProfileRecord> records;
  absl::Status decoded;
  absl::Status status = Do("list profiles", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat(sql::kListProfiles, fragment.sql));
    BindParams(statement, fragment.params);
    std::unique_ptr<::sql::ResultSet> result(statement.executeQuery());
    decoded = DecodeAll(*result, sql::DecodeProfile, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

absl::StatusOr<std::vector<ProfileRecord>> MysqlTransaction::LookupProfiles(
    const ProfileIdentifier& identifier, int limit) {
  bool external = identifier.kind == ProfileIdentifier::Kind::kExternalId;
  std::vector<ProfileRecord> records;
  absl::Status decoded;
  absl::Status status = Do("look up profiles", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(
        std::string(external ? sql::kLookupByExternalId : sql::kLookupByContactPoint));
    if (external) {
      statement.setString(1, identifier.system);
      statement.setString(2, identifier.value);
    } else {
      absl::string_view kind = sql::LookupKindOf(identifier.kind);
      statement.setString(1, std::string(kind));
      statement.setString(2, sql::ContactPointLookupValue(kind, identifier.value));
    }
    statement.setInt(3, limit);
    std::unique_ptr<::sql::ResultSet> result(statement.executeQuery());
    decoded = DecodeAll(*result, sql::DecodeProfile, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

absl::StatusOr<bool> MysqlTransaction::BackfillMatchKeys(int limit) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::optional<std::string> next;
  std::vector<absl::StatusOr<ProfileRecord>> records;
  absl::Status status = Do("read the match key backfill", [&]() {
    // Locked to the commit: servers migrating at once take turns per batch.
    ::sql::PreparedStatement& marker =
        connection_->Prepare(absl::StrCat(sql::kSelectMatchKeyBackfill, " FOR UPDATE"));
    std::unique_ptr<::sql::ResultSet> rows(marker.executeQuery());
    if (!rows->next()) return;
    next = MysqlRow(*rows).GetString(0);
    ::sql::PreparedStatement& profiles =
        connection_->Prepare(std::string(sql::kSelectProfilesAfter));
    profiles.setString(1, *next);
    profiles.setInt(2, limit);
    rows.reset(profiles.executeQuery());
    while (rows->next()) records.push_back(sql::DecodeProfile(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  if (!next.has_value()) return false;
  for (const absl::StatusOr<ProfileRecord>& record : records) {
    if (!record.ok()) return record.status();
    if (absl::Status s = DeleteSideRows(sql::kDeleteMatchKeys, record->id); !s.ok()) return s;
    if (absl::Status s = InsertContactPoints(record->id, sql::MatchKeyRowsOf(record->profile));
        !s.ok()) {
      return s;
    }
    known_rows_.erase(record->id);
  }
  const bool more = static_cast<int>(records.size()) == limit;
  absl::StatusOr<int64_t> done = ExecuteMysqlUpdate(
      [this](absl::string_view what, absl::FunctionRef<void()> body) { return Do(what, body); },
      *connection_, "advance the match key backfill",
      std::string(more ? sql::kUpdateMatchKeyBackfill : sql::kFinishMatchKeyBackfill),
      [&](::sql::PreparedStatement& statement) {
        if (more) statement.setString(1, records.back()->id);
      });
  if (!done.ok()) return done.status();
  return more;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
MysqlTransaction::ListMergedProfiles(absl::Span<const std::string> survivor_ids) {
  std::vector<std::pair<std::string, std::string>> merged;
  if (survivor_ids.empty()) return merged;
  const size_t padded = PaddedSize(survivor_ids.size());
  absl::Status status = Do("list merged profiles", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(InList(sql::kMergedProfilesIn, padded));
    for (size_t i = 0; i < padded; ++i) {
      // Padded with '' (no profile has an empty id).
      statement.setString(static_cast<unsigned int>(i) + 1,
                          i < survivor_ids.size() ? survivor_ids[i] : "");
    }
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      MysqlRow row(*rows);
      merged.emplace_back(row.GetString(0), row.GetString(1));
    }
  });
  if (!status.ok()) return status;
  return merged;
}

absl::StatusOr<std::optional<std::string>> MysqlTransaction::FindLiveProfileByExternalId(
    absl::string_view system, absl::string_view external_id) {
  std::optional<std::string> id;
  absl::Status status = Do("find a profile by external id", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(std::string(sql::kFindLiveByExternalId));
    statement.setString(1, std::string(system));
    statement.setString(2, std::string(external_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) id = std::string(rows->getString(1));
  });
  if (!status.ok()) return status;
  return id;
}

absl::StatusOr<std::optional<IdempotencyRecord>> MysqlTransaction::GetRequest(
    absl::string_view scope, absl::string_view request_id) {
  std::optional<IdempotencyRecord> record;
  absl::Status status = Do("read a request record", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectRequest));
    statement.setString(1, std::string(scope));
    statement.setString(2, std::string(request_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) record = sql::DecodeRequest(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  return record;
}

absl::Status MysqlTransaction::PutRequest(const IdempotencyRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = Do("record a request", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kInsertRequest));
    statement.setString(1, record.scope);
    statement.setString(2, record.request_id);
    statement.setString(3, record.request_hash);
    statement.setString(4, record.response);
    statement.setInt64(5, absl::ToUnixMicros(record.create_time));
    statement.executeUpdate();
  });
  return sql::ExplainDuplicate(status, "this request_id is already recorded (idempotency_keys)");
}

}  // namespace cp::storage
