#include "storage/mysql/mysql_transaction.h"

#include <datatype.h>
#include <prepared_statement.h>
#include <resultset.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/sql/filter_sql.h"

namespace cp::storage {
namespace {

constexpr absl::string_view kSelectProfile = "SELECT revision, data FROM profiles WHERE id = ?";
constexpr absl::string_view kLockProfile =
    "SELECT revision, data FROM profiles WHERE id = ? FOR UPDATE";
constexpr absl::string_view kInsertProfile =
    "INSERT INTO profiles (id, revision, create_time, update_time, delete_time, display_name, "
    "region_code, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdateProfile =
    "UPDATE profiles SET revision = ?, create_time = ?, update_time = ?, delete_time = ?, "
    "display_name = ?, region_code = ?, data = ? WHERE id = ? AND revision = ?";
constexpr absl::string_view kFindLiveByExternalId =
    "SELECT profile_id FROM profile_external_ids "
    "WHERE system = ? AND external_id = ? AND live = 1";
constexpr absl::string_view kFindConflictingExternalId =
    "SELECT 1 FROM profile_external_ids "
    "WHERE system = ? AND external_id = ? AND live = 1 AND profile_id <> ?";
constexpr absl::string_view kSelectRequest =
    "SELECT request_hash, response, create_time FROM idempotency_keys "
    "WHERE scope = ? AND request_id = ?";
constexpr absl::string_view kInsertRequest =
    "INSERT INTO idempotency_keys (scope, request_id, request_hash, response, create_time) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr absl::string_view kListSelect = "SELECT p.id, p.revision, p.data FROM profiles p ";
constexpr absl::string_view kSavepoint = "SAVEPOINT profile_write";
constexpr absl::string_view kRollbackSavepoint = "ROLLBACK TO SAVEPOINT profile_write";

absl::Status RevisionMismatch() {
  return absl::AbortedError("the profile was changed or removed meanwhile (revision mismatch)");
}

int64_t ToMicros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

// ParseProfile reads a stored row's (id, revision, data) into a record.
absl::StatusOr<ProfileRecord> ParseProfile(std::string id, int64_t revision,
                                           const std::string& data) {
  ProfileRecord record;
  record.id = std::move(id);
  record.revision = revision;
  if (!record.profile.ParseFromString(data)) {
    return absl::DataLossError("a stored profile cannot be parsed");
  }
  return record;
}

// BindProfileValues binds revision, create_time, update_time, delete_time,
// display_name, region_code and data to the parameters from `first` on.
void BindProfileValues(::sql::PreparedStatement& statement, unsigned int first,
                       const ProfileRecord& record, const std::string& data) {
  const customerprofile::v1::Profile& profile = record.profile;
  statement.setInt64(first, record.revision);
  statement.setInt64(first + 1, ToMicros(profile.create_time()));
  statement.setInt64(first + 2, ToMicros(profile.update_time()));
  if (profile.has_delete_time()) {
    statement.setInt64(first + 3, ToMicros(profile.delete_time()));
  } else {
    statement.setNull(first + 3, ::sql::DataType::BIGINT);
  }
  statement.setString(first + 4, profile.display_name());
  statement.setString(first + 5, profile.region_code());
  statement.setString(first + 6, data);
}

// MultiRowInsert returns "INSERT INTO table (columns) VALUES row, row, ...".
std::string MultiRowInsert(absl::string_view table, absl::string_view columns,
                           absl::string_view row, size_t count) {
  std::string sql = absl::StrCat("INSERT INTO ", table, " (", columns, ") VALUES ");
  for (size_t i = 0; i < count; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", row);
  return sql;
}

template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
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
                    }) {}

MysqlTransaction::SideRows MysqlTransaction::SideRowsOf(
    const customerprofile::v1::Profile& profile) {
  SideRows rows;
  rows.tags.assign(profile.tags().begin(), profile.tags().end());
  SortUnique(rows.tags);
  for (const customerprofile::v1::ExternalId& external_id : profile.external_ids()) {
    rows.external_ids.emplace_back(external_id.system(), external_id.id());
  }
  SortUnique(rows.external_ids);
  rows.live = !profile.has_delete_time();
  for (const customerprofile::v1::Email& email : profile.emails()) {
    rows.contact_points.emplace_back("email", email.address());
  }
  for (const customerprofile::v1::Phone& phone : profile.phones()) {
    rows.contact_points.emplace_back("phone", phone.number());
  }
  SortUnique(rows.contact_points);
  return rows;
}

absl::Status MysqlTransaction::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

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
          Do("set a savepoint", [&]() { connection_->Execute(std::string(kSavepoint)); });
      !s.ok()) {
    return s;
  }
  absl::Status status = write();
  if (!status.ok() && failure_.ok()) {
    // Undo the partial write; the transaction lives on.
    if (absl::Status s = Do("roll back to the savepoint",
                            [&]() { connection_->Execute(std::string(kRollbackSavepoint)); });
        !s.ok()) {
      return s;
    }
  }
  return status;
}

absl::StatusOr<std::optional<ProfileRecord>> MysqlTransaction::GetProfile(absl::string_view id) {
  bool found = false;
  int64_t revision = 0;
  std::string data;
  absl::Status status = Do("read a profile", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectProfile));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      found = true;
      revision = rows->getInt64(1);
      data = rows->getString(2);
    }
  });
  if (!status.ok()) return status;
  if (!found) {
    known_rows_.erase(id);
    return std::nullopt;
  }
  absl::StatusOr<ProfileRecord> record = ParseProfile(std::string(id), revision, data);
  if (record.ok()) known_rows_[id] = KnownRow{revision, std::move(data)};
  if (!record.ok()) return record.status();
  return *std::move(record);
}

absl::Status MysqlTransaction::InsertProfile(const ProfileRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  SideRows rows = SideRowsOf(record.profile);
  auto write = [&]() -> absl::Status {
    std::string data = record.profile.SerializeAsString();
    absl::Status status = Do("insert a profile", [&]() {
      ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kInsertProfile));
      statement.setString(1, record.id);
      BindProfileValues(statement, 2, record, data);
      statement.executeUpdate();
    });
    if (absl::IsAlreadyExists(status)) {
      return absl::AlreadyExistsError("a profile with this id already exists (profiles.id)");
    }
    if (!status.ok()) return status;
    if (absl::Status s = InsertTags(record.id, rows.tags); !s.ok()) return s;
    if (absl::Status s = InsertContactPoints(record.id, rows.contact_points); !s.ok()) return s;
    if (absl::Status s = InsertExternalIds(record.id, rows); !s.ok()) return s;
    known_rows_[record.id] = KnownRow{record.revision, std::move(data)};
    return absl::OkStatus();
  };
  if (rows.tags.empty() && rows.external_ids.empty() && rows.contact_points.empty()) {
    return write();  // one statement: atomic without a savepoint
  }
  return InSavepoint(write);
}

absl::Status MysqlTransaction::UpdateProfile(const ProfileRecord& record,
                                             int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  // The old side rows are needed to rewrite only those that change. When
  // this transaction read the row at the expected revision, its data is
  // known: the conditional UPDATE below then checks that the row still has
  // that revision. Otherwise the row is read and locked first.
  std::string old_data;
  if (auto known = known_rows_.find(record.id);
      known != known_rows_.end() && known->second.revision == expected_revision) {
    old_data = known->second.data;
  } else if (absl::Status s = LockRow(record.id, expected_revision, &old_data); !s.ok()) {
    return s;
  }
  return UpdateRow(record, expected_revision, old_data);
}

absl::Status MysqlTransaction::LockRow(const std::string& id, int64_t expected_revision,
                                       std::string* data) {
  bool found = false;
  int64_t revision = 0;
  absl::Status status = Do("lock a profile", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kLockProfile));
    statement.setString(1, id);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      found = true;
      revision = rows->getInt64(1);
      *data = rows->getString(2);
    }
  });
  if (!status.ok()) return status;
  if (!found || revision != expected_revision) return RevisionMismatch();
  return absl::OkStatus();
}

absl::Status MysqlTransaction::UpdateRow(const ProfileRecord& record, int64_t expected_revision,
                                         const std::string& old_data) {
  customerprofile::v1::Profile old_profile;
  bool old_parsed = old_profile.ParseFromString(old_data);
  SideRows old_rows = SideRowsOf(old_profile);
  SideRows rows = SideRowsOf(record.profile);
  bool tags_changed = !old_parsed || old_rows.tags != rows.tags;
  bool external_ids_changed =
      !old_parsed || old_rows.external_ids != rows.external_ids || old_rows.live != rows.live;
  bool contact_points_changed = !old_parsed || old_rows.contact_points != rows.contact_points;

  auto write = [&]() -> absl::Status {
    std::string data = record.profile.SerializeAsString();
    int matched = 0;
    absl::Status s = Do("update a profile", [&]() {
      ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kUpdateProfile));
      BindProfileValues(statement, 1, record, data);
      statement.setString(8, record.id);
      statement.setInt64(9, expected_revision);
      matched = statement.executeUpdate();  // rows matched: CLIENT_FOUND_ROWS
    });
    if (!s.ok()) return s;
    if (matched != 1) return RevisionMismatch();
    if (tags_changed) {
      if (s = DeleteSideRows("profile_tags", record.id); !s.ok()) return s;
      if (s = InsertTags(record.id, rows.tags); !s.ok()) return s;
    }
    if (contact_points_changed) {
      if (s = DeleteSideRows("profile_contact_points", record.id); !s.ok()) return s;
      if (s = InsertContactPoints(record.id, rows.contact_points); !s.ok()) return s;
    }
    if (external_ids_changed) {
      if (s = DeleteSideRows("profile_external_ids", record.id); !s.ok()) return s;
      if (s = InsertExternalIds(record.id, rows); !s.ok()) return s;
    }
    known_rows_[record.id] = KnownRow{record.revision, std::move(data)};
    return absl::OkStatus();
  };
  if (!tags_changed && !external_ids_changed && !contact_points_changed) {
    return write();  // one statement: atomic without a savepoint
  }
  return InSavepoint(write);
}

absl::Status MysqlTransaction::DeleteSideRows(absl::string_view table, const std::string& id) {
  return Do(absl::StrCat("delete from ", table), [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat("DELETE FROM ", table, " WHERE profile_id = ?"));
    statement.setString(1, id);
    statement.executeUpdate();
  });
}

absl::Status MysqlTransaction::InsertTags(const std::string& id,
                                          const std::vector<std::string>& tags) {
  if (tags.empty()) return absl::OkStatus();
  return Do("insert into profile_tags", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(
        MultiRowInsert("profile_tags", "profile_id, tag", "(?, ?)", tags.size()));
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
    ::sql::PreparedStatement& statement = connection_->Prepare(MultiRowInsert(
        "profile_contact_points", "profile_id, kind, value", "(?, ?, ?)", rows.size()));
    unsigned int index = 1;
    for (const auto& [kind, value] : rows) {
      statement.setString(index++, id);
      statement.setString(index++, kind);
      statement.setString(index++, value);
    }
    statement.executeUpdate();
  });
}

absl::Status MysqlTransaction::InsertExternalIds(const std::string& id, const SideRows& rows) {
  if (rows.external_ids.empty()) return absl::OkStatus();
  absl::Status status = Do("insert into profile_external_ids", [&]() {
    // live is 1, or NULL for a soft-deleted profile (constants, not values).
    ::sql::PreparedStatement& statement = connection_->Prepare(
        MultiRowInsert("profile_external_ids", "profile_id, system, external_id, live",
                       rows.live ? "(?, ?, ?, 1)" : "(?, ?, ?, NULL)", rows.external_ids.size()));
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

absl::Status MysqlTransaction::ExternalIdConflict(const std::string& id, const SideRows& rows) {
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
  struct Row {
    std::string id;
    int64_t revision;
    std::string data;
  };
  std::vector<Row> rows;
  absl::Status status = Do("list profiles", [&]() {
    ::sql::PreparedStatement& statement =
        connection_->Prepare(absl::StrCat(kListSelect, fragment.sql));
    for (size_t i = 0; i < fragment.params.size(); ++i) {
      unsigned int index = static_cast<unsigned int>(i) + 1;
      if (const auto* text = std::get_if<std::string>(&fragment.params[i])) {
        statement.setString(index, *text);
      } else {
        statement.setInt64(index, std::get<int64_t>(fragment.params[i]));
      }
    }
    std::unique_ptr<::sql::ResultSet> result(statement.executeQuery());
    while (result->next()) {
      rows.push_back(Row{result->getString(1), result->getInt64(2), result->getString(3)});
    }
  });
  if (!status.ok()) return status;
  std::vector<ProfileRecord> records;
  records.reserve(rows.size());
  for (Row& row : rows) {
    absl::StatusOr<ProfileRecord> record = ParseProfile(std::move(row.id), row.revision, row.data);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::StatusOr<std::optional<std::string>> MysqlTransaction::FindLiveProfileByExternalId(
    absl::string_view system, absl::string_view external_id) {
  std::optional<std::string> id;
  absl::Status status = Do("find a profile by external id", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kFindLiveByExternalId));
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
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectRequest));
    statement.setString(1, std::string(scope));
    statement.setString(2, std::string(request_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      record.emplace();
      record->scope = std::string(scope);
      record->request_id = std::string(request_id);
      record->request_hash = rows->getString(1);
      record->response = rows->getString(2);
      record->create_time = absl::FromUnixMicros(rows->getInt64(3));
    }
  });
  if (!status.ok()) return status;
  return record;
}

absl::Status MysqlTransaction::PutRequest(const IdempotencyRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = Do("record a request", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kInsertRequest));
    statement.setString(1, record.scope);
    statement.setString(2, record.request_id);
    statement.setString(3, record.request_hash);
    statement.setString(4, record.response);
    statement.setInt64(5, absl::ToUnixMicros(record.create_time));
    statement.executeUpdate();
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("this request_id is already recorded (idempotency_keys)");
  }
  return status;
}

}  // namespace cp::storage
