#include "storage/sqlite/sqlite_transaction.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/sql/filter_sql.h"

namespace cp::storage {
namespace {

constexpr absl::string_view kSelectProfile = "SELECT revision, data FROM profiles WHERE id = ?1";
constexpr absl::string_view kInsertProfile =
    "INSERT INTO profiles (id, revision, create_time, update_time, delete_time, display_name, "
    "region_code, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr absl::string_view kUpdateProfile =
    "UPDATE profiles SET revision = ?2, create_time = ?3, update_time = ?4, delete_time = ?5, "
    "display_name = ?6, region_code = ?7, data = ?8 WHERE id = ?1 AND revision = ?9";
constexpr absl::string_view kInsertTag =
    "INSERT INTO profile_tags (profile_id, tag) VALUES (?1, ?2)";
constexpr absl::string_view kDeleteTags = "DELETE FROM profile_tags WHERE profile_id = ?1";
constexpr absl::string_view kInsertExternalId =
    "INSERT INTO profile_external_ids (profile_id, system, external_id, live) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr absl::string_view kDeleteExternalIds =
    "DELETE FROM profile_external_ids WHERE profile_id = ?1";
constexpr absl::string_view kInsertContactPoint =
    "INSERT INTO profile_contact_points (profile_id, kind, value) VALUES (?1, ?2, ?3)";
constexpr absl::string_view kDeleteContactPoints =
    "DELETE FROM profile_contact_points WHERE profile_id = ?1";
constexpr absl::string_view kFindLiveByExternalId =
    "SELECT profile_id FROM profile_external_ids "
    "WHERE system = ?1 AND external_id = ?2 AND live = 1";
constexpr absl::string_view kSelectRequest =
    "SELECT request_hash, response, create_time FROM idempotency_keys "
    "WHERE scope = ?1 AND request_id = ?2";
constexpr absl::string_view kInsertRequest =
    "INSERT INTO idempotency_keys (scope, request_id, request_hash, response, create_time) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr absl::string_view kListSelect = "SELECT p.id, p.revision, p.data FROM profiles p ";
constexpr absl::string_view kSavepoint = "SAVEPOINT profile_write";
constexpr absl::string_view kReleaseSavepoint = "RELEASE profile_write";
constexpr absl::string_view kRollbackSavepoint = "ROLLBACK TO profile_write";

int64_t ToMicros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

// ParseProfile reads a stored row's (id, revision, data) into a record.
absl::StatusOr<ProfileRecord> ParseProfile(absl::string_view id, int64_t revision,
                                           absl::string_view data) {
  ProfileRecord record;
  record.id = std::string(id);
  record.revision = revision;
  if (!record.profile.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return absl::DataLossError("a stored profile cannot be parsed");
  }
  return record;
}

// BindProfileColumns binds ?1..?8 of kInsertProfile / kUpdateProfile.
void BindProfileColumns(SqliteStatement& statement, const ProfileRecord& record,
                        const std::string& data) {
  const customerprofile::v1::Profile& profile = record.profile;
  statement.BindText(1, record.id);
  statement.BindInt64(2, record.revision);
  statement.BindInt64(3, ToMicros(profile.create_time()));
  statement.BindInt64(4, ToMicros(profile.update_time()));
  if (profile.has_delete_time()) {
    statement.BindInt64(5, ToMicros(profile.delete_time()));
  } else {
    statement.BindNull(5);
  }
  statement.BindText(6, profile.display_name());
  statement.BindText(7, profile.region_code());
  statement.BindBlob(8, data);
}

}  // namespace

SqliteTransaction::SqliteTransaction(SqliteConnection* connection, bool read_only,
                                     ProfileCache* cache, uint64_t ticket)
    : connection_(connection),
      read_only_(read_only),
      cache_(cache),
      ticket_(ticket),
      consents_(connection, read_only),
      suppressions_(connection, read_only) {}

absl::Status SqliteTransaction::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ProfileRecord>> SqliteTransaction::GetProfile(absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectProfile);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  int64_t revision = statement->ColumnInt64(0);
  absl::string_view data = statement->ColumnBlob(1);
  absl::StatusOr<ProfileRecord> record = ParseProfile(id, revision, data);
  if (!record.ok()) return record.status();
  if (cache_ != nullptr && read_only_) cache_->Fill(ticket_, id, revision, data);
  return *std::move(record);
}

absl::Status SqliteTransaction::InsertProfile(const ProfileRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = InSavepoint([&]() -> absl::Status {
    if (absl::Status s = InsertProfileRow(record); !s.ok()) return s;
    return InsertSideRows(record);
  });
  if (status.ok()) written_profiles_.push_back(record.id);
  return status;
}

absl::Status SqliteTransaction::UpdateProfile(const ProfileRecord& record,
                                              int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = InSavepoint([&]() -> absl::Status {
    if (absl::Status s = UpdateProfileRow(record, expected_revision); !s.ok()) return s;
    if (absl::Status s = DeleteSideRows(record.id); !s.ok()) return s;
    return InsertSideRows(record);
  });
  if (status.ok()) written_profiles_.push_back(record.id);
  return status;
}

absl::Status SqliteTransaction::InSavepoint(absl::FunctionRef<absl::Status()> write) {
  absl::StatusOr<SqliteStatement> begin = connection_->Prepare(kSavepoint);
  if (!begin.ok()) return begin.status();
  if (absl::Status s = begin->Execute(); !s.ok()) return s;
  absl::Status status = write();
  if (!status.ok()) {
    // Undo the partial write, then drop the savepoint; the transaction lives on.
    if (absl::Status s = RunStatement(*connection_, kRollbackSavepoint, [](auto&) {}); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = RunStatement(*connection_, kReleaseSavepoint, [](auto&) {}); !s.ok()) {
    return s;
  }
  return status;
}

absl::Status SqliteTransaction::InsertProfileRow(const ProfileRecord& record) {
  std::string data = record.profile.SerializeAsString();
  absl::Status status = RunStatement(*connection_, kInsertProfile, [&](SqliteStatement& s) {
    BindProfileColumns(s, record, data);
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("a profile with this id already exists (profiles.id)");
  }
  return status;
}

absl::Status SqliteTransaction::UpdateProfileRow(const ProfileRecord& record,
                                                 int64_t expected_revision) {
  std::string data = record.profile.SerializeAsString();
  absl::Status status = RunStatement(*connection_, kUpdateProfile, [&](SqliteStatement& s) {
    BindProfileColumns(s, record, data);
    s.BindInt64(9, expected_revision);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) {
    return absl::AbortedError("the profile was changed or removed meanwhile (revision mismatch)");
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::DeleteSideRows(absl::string_view id) {
  for (absl::string_view sql : {kDeleteTags, kDeleteExternalIds, kDeleteContactPoints}) {
    absl::Status status =
        RunStatement(*connection_, sql, [&](SqliteStatement& s) { s.BindText(1, id); });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::InsertSideRows(const ProfileRecord& record) {
  const customerprofile::v1::Profile& profile = record.profile;

  absl::flat_hash_set<absl::string_view> tags;
  for (const std::string& tag : profile.tags()) {
    if (!tags.insert(tag).second) continue;
    absl::Status status = RunStatement(*connection_, kInsertTag, [&](SqliteStatement& s) {
      s.BindText(1, record.id);
      s.BindText(2, tag);
    });
    if (!status.ok()) return status;
  }

  absl::flat_hash_set<std::pair<absl::string_view, absl::string_view>> external_ids;
  for (const customerprofile::v1::ExternalId& external_id : profile.external_ids()) {
    if (!external_ids.emplace(external_id.system(), external_id.id()).second) continue;
    absl::Status status = RunStatement(*connection_, kInsertExternalId, [&](SqliteStatement& s) {
      s.BindText(1, record.id);
      s.BindText(2, external_id.system());
      s.BindText(3, external_id.id());
      if (profile.has_delete_time()) {
        s.BindNull(4);
      } else {
        s.BindInt64(4, 1);
      }
    });
    if (absl::IsAlreadyExists(status)) {
      return absl::AlreadyExistsError(
          "an external id belongs to another live profile (profile_external_ids)");
    }
    if (!status.ok()) return status;
  }

  absl::flat_hash_set<std::pair<absl::string_view, absl::string_view>> contact_points;
  for (const customerprofile::v1::Email& email : profile.emails()) {
    contact_points.emplace("email", email.address());
  }
  for (const customerprofile::v1::Phone& phone : profile.phones()) {
    contact_points.emplace("phone", phone.number());
  }
  for (const auto& [kind, value] : contact_points) {
    absl::Status status = RunStatement(*connection_, kInsertContactPoint, [&](SqliteStatement& s) {
      s.BindText(1, record.id);
      s.BindText(2, kind);
      s.BindText(3, value);
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProfileRecord>> SqliteTransaction::ListProfiles(
    const ProfileListQuery& query) {
  sql::SqlFragment fragment = sql::RenderProfileListQuery(query);
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(std::string(kListSelect) + fragment.sql);
  if (!statement.ok()) return statement.status();
  for (size_t i = 0; i < fragment.params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&fragment.params[i])) {
      statement->BindText(index, *text);
    } else {
      statement->BindInt64(index, std::get<int64_t>(fragment.params[i]));
    }
  }
  std::vector<ProfileRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<ProfileRecord> record =
        ParseProfile(statement->ColumnText(0), statement->ColumnInt64(1), statement->ColumnBlob(2));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::StatusOr<std::optional<std::string>> SqliteTransaction::FindLiveProfileByExternalId(
    absl::string_view system, absl::string_view external_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kFindLiveByExternalId);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, system);
  statement->BindText(2, external_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return std::string(statement->ColumnText(0));
}

absl::StatusOr<std::optional<IdempotencyRecord>> SqliteTransaction::GetRequest(
    absl::string_view scope, absl::string_view request_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectRequest);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, scope);
  statement->BindText(2, request_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  IdempotencyRecord record;
  record.scope = std::string(scope);
  record.request_id = std::string(request_id);
  record.request_hash = std::string(statement->ColumnBlob(0));
  record.response = std::string(statement->ColumnBlob(1));
  record.create_time = absl::FromUnixMicros(statement->ColumnInt64(2));
  return record;
}

absl::Status SqliteTransaction::PutRequest(const IdempotencyRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kInsertRequest, [&](SqliteStatement& s) {
    s.BindText(1, record.scope);
    s.BindText(2, record.request_id);
    s.BindBlob(3, record.request_hash);
    s.BindBlob(4, record.response);
    s.BindInt64(5, absl::ToUnixMicros(record.create_time));
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("this request_id is already recorded (idempotency_keys)");
  }
  return status;
}

}  // namespace cp::storage
