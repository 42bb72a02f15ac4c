#include "storage/sqlite/sqlite_consent_repository.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sql/in_list.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kSelectPurpose = "SELECT revision, data FROM purposes WHERE id = ?1";
constexpr absl::string_view kInsertPurpose =
    "INSERT INTO purposes (id, revision, data) VALUES (?1, ?2, ?3)";
constexpr absl::string_view kUpdatePurpose =
    "UPDATE purposes SET revision = ?2, data = ?3 WHERE id = ?1 AND revision = ?4";
constexpr absl::string_view kListPurposes =
    "SELECT id, revision, data FROM purposes WHERE id > ?1 ORDER BY id LIMIT ?2";
constexpr absl::string_view kInsertNotice =
    "INSERT INTO notice_versions (purpose_id, version, notice_text, create_time) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr absl::string_view kSelectNotice =
    "SELECT notice_text, create_time FROM notice_versions WHERE purpose_id = ?1 AND version = ?2";
constexpr absl::string_view kListNotices =
    "SELECT version, notice_text, create_time FROM notice_versions "
    "WHERE purpose_id = ?1 AND version < ?2 ORDER BY version DESC LIMIT ?3";
constexpr absl::string_view kInsertEvent =
    "INSERT INTO consent_events (profile_id, event_id, purpose_id, channel, contact_point, "
    "occur_time, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
// The state follows the event only when the event is later: occur_time
// first, record order (sequence) on ties.
constexpr absl::string_view kUpsertState =
    "INSERT INTO consent_states (profile_id, purpose_id, channel, contact_point, event_id, "
    "occur_time, sequence, decision, pending) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (profile_id, purpose_id, channel, contact_point) DO UPDATE SET "
    "event_id = excluded.event_id, occur_time = excluded.occur_time, "
    "sequence = excluded.sequence, decision = excluded.decision, pending = excluded.pending "
    "WHERE excluded.occur_time > consent_states.occur_time OR "
    "(excluded.occur_time = consent_states.occur_time AND "
    "excluded.sequence > consent_states.sequence)";
constexpr absl::string_view kSelectEvent =
    "SELECT sequence, purpose_id, channel, contact_point, occur_time, data FROM consent_events "
    "WHERE profile_id = ?1 AND event_id = ?2";
constexpr absl::string_view kStateColumns =
    "SELECT profile_id, purpose_id, channel, contact_point, event_id, occur_time, sequence, "
    "decision, pending FROM consent_states ";
constexpr absl::string_view kInsertToken =
    "INSERT INTO consent_confirmation_tokens (token_hash, profile_id, event_id, create_time, "
    "expire_time, use_time) VALUES (?1, ?2, ?3, ?4, ?5, NULL)";
constexpr absl::string_view kSelectToken =
    "SELECT profile_id, event_id, create_time, expire_time, use_time "
    "FROM consent_confirmation_tokens WHERE token_hash = ?1";
constexpr absl::string_view kUseToken =
    "UPDATE consent_confirmation_tokens SET use_time = ?2 "
    "WHERE token_hash = ?1 AND use_time IS NULL";

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

absl::StatusOr<PurposeRecord> ParsePurpose(absl::string_view id, int64_t revision,
                                           absl::string_view data) {
  PurposeRecord record;
  record.id = std::string(id);
  record.revision = revision;
  if (!record.purpose.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return absl::DataLossError("a stored purpose cannot be parsed");
  }
  return record;
}

// BindIds binds `ids` from parameter `first` on, padding with '' (no
// profile has an empty id) up to `padded`.
void BindIds(SqliteStatement& statement, int first, absl::Span<const std::string> ids,
             size_t padded) {
  for (size_t i = 0; i < padded; ++i) {
    statement.BindText(first + static_cast<int>(i),
                       i < ids.size() ? absl::string_view(ids[i]) : absl::string_view());
  }
}

}  // namespace

SqliteConsentRepository::SqliteConsentRepository(SqliteConnection* connection, bool read_only)
    : connection_(connection), read_only_(read_only) {}

absl::Status SqliteConsentRepository::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<PurposeRecord>> SqliteConsentRepository::GetPurpose(
    absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectPurpose);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  absl::StatusOr<PurposeRecord> record =
      ParsePurpose(id, statement->ColumnInt64(0), statement->ColumnBlob(1));
  if (!record.ok()) return record.status();
  return *std::move(record);
}

absl::Status SqliteConsentRepository::InsertPurpose(const PurposeRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::Status status = RunStatement(*connection_, kInsertPurpose, [&](SqliteStatement& s) {
    s.BindText(1, record.id);
    s.BindInt64(2, record.revision);
    s.BindBlob(3, data);
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("a purpose with this id already exists (purposes.id)");
  }
  return status;
}

absl::Status SqliteConsentRepository::UpdatePurpose(const PurposeRecord& record,
                                                    int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::Status status = RunStatement(*connection_, kUpdatePurpose, [&](SqliteStatement& s) {
    s.BindText(1, record.id);
    s.BindInt64(2, record.revision);
    s.BindBlob(3, data);
    s.BindInt64(4, expected_revision);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 0) {
    return absl::AbortedError("the purpose was changed or removed meanwhile (revision mismatch)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PurposeRecord>> SqliteConsentRepository::ListPurposes(
    absl::string_view after_id, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kListPurposes);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, after_id);
  statement->BindInt64(2, limit);
  std::vector<PurposeRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<PurposeRecord> record =
        ParsePurpose(statement->ColumnText(0), statement->ColumnInt64(1), statement->ColumnBlob(2));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::Status SqliteConsentRepository::InsertNoticeVersion(const NoticeVersionRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kInsertNotice, [&](SqliteStatement& s) {
    s.BindText(1, record.purpose_id);
    s.BindInt64(2, record.version);
    s.BindText(3, record.notice_text);
    s.BindInt64(4, Micros(record.create_time));
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("this notice version already exists (notice_versions)");
  }
  return status;
}

absl::StatusOr<std::optional<NoticeVersionRecord>> SqliteConsentRepository::GetNoticeVersion(
    absl::string_view purpose_id, int64_t version) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectNotice);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, purpose_id);
  statement->BindInt64(2, version);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return NoticeVersionRecord{std::string(purpose_id), version,
                             std::string(statement->ColumnText(0)),
                             FromMicros(statement->ColumnInt64(1))};
}

absl::StatusOr<std::vector<NoticeVersionRecord>> SqliteConsentRepository::ListNoticeVersions(
    absl::string_view purpose_id, int64_t before_version, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kListNotices);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, purpose_id);
  statement->BindInt64(2, before_version <= 0 ? INT64_MAX : before_version);
  statement->BindInt64(3, limit);
  std::vector<NoticeVersionRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    records.push_back(NoticeVersionRecord{std::string(purpose_id), statement->ColumnInt64(0),
                                          std::string(statement->ColumnText(1)),
                                          FromMicros(statement->ColumnInt64(2))});
  }
  return records;
}

absl::Status SqliteConsentRepository::AppendConsentEvent(ConsentEventRecord* record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record->event.SerializeAsString();
  absl::Status status = RunStatement(*connection_, kInsertEvent, [&](SqliteStatement& s) {
    s.BindText(1, record->profile_id);
    s.BindText(2, record->event_id);
    s.BindText(3, record->purpose_id);
    s.BindInt64(4, record->channel);
    s.BindText(5, record->contact_point);
    s.BindInt64(6, Micros(record->occur_time));
    s.BindBlob(7, data);
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("a consent event with this id already exists");
  }
  if (!status.ok()) return status;
  record->sequence = sqlite3_last_insert_rowid(connection_->db());
  return RunStatement(*connection_, kUpsertState, [&](SqliteStatement& s) {
    s.BindText(1, record->profile_id);
    s.BindText(2, record->purpose_id);
    s.BindInt64(3, record->channel);
    s.BindText(4, record->contact_point);
    s.BindText(5, record->event_id);
    s.BindInt64(6, Micros(record->occur_time));
    s.BindInt64(7, record->sequence);
    s.BindInt64(8, record->event.decision());
    s.BindInt64(9, record->event.pending_confirmation() ? 1 : 0);
  });
}

absl::StatusOr<std::optional<ConsentEventRecord>> SqliteConsentRepository::GetConsentEvent(
    absl::string_view profile_id, absl::string_view event_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectEvent);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  statement->BindText(2, event_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  ConsentEventRecord record;
  record.profile_id = std::string(profile_id);
  record.event_id = std::string(event_id);
  record.sequence = statement->ColumnInt64(0);
  record.purpose_id = std::string(statement->ColumnText(1));
  record.channel = static_cast<v1::Channel>(statement->ColumnInt64(2));
  record.contact_point = std::string(statement->ColumnText(3));
  record.occur_time = FromMicros(statement->ColumnInt64(4));
  absl::string_view data = statement->ColumnBlob(5);
  if (!record.event.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return absl::DataLossError("a stored consent event cannot be parsed");
  }
  return record;
}

absl::StatusOr<std::vector<ConsentEventRecord>> SqliteConsentRepository::ListConsentEvents(
    const ConsentEventQuery& query) {
  std::string sql =
      "SELECT event_id, sequence, purpose_id, channel, contact_point, occur_time, data "
      "FROM consent_events WHERE profile_id = ?1";
  if (!query.purpose_id.empty()) absl::StrAppend(&sql, " AND purpose_id = ?2");
  if (query.channel != v1::CHANNEL_UNSPECIFIED) absl::StrAppend(&sql, " AND channel = ?3");
  if (query.after.has_value()) {
    absl::StrAppend(&sql, " AND (occur_time < ?4 OR (occur_time = ?4 AND sequence < ?5))");
  }
  absl::StrAppend(&sql, " ORDER BY occur_time DESC, sequence DESC LIMIT ?6");
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, query.profile_id);
  if (!query.purpose_id.empty()) statement->BindText(2, query.purpose_id);
  if (query.channel != v1::CHANNEL_UNSPECIFIED) statement->BindInt64(3, query.channel);
  if (query.after.has_value()) {
    statement->BindInt64(4, Micros(query.after->first));
    statement->BindInt64(5, query.after->second);
  }
  statement->BindInt64(6, query.limit);
  std::vector<ConsentEventRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ConsentEventRecord record;
    record.profile_id = query.profile_id;
    record.event_id = std::string(statement->ColumnText(0));
    record.sequence = statement->ColumnInt64(1);
    record.purpose_id = std::string(statement->ColumnText(2));
    record.channel = static_cast<v1::Channel>(statement->ColumnInt64(3));
    record.contact_point = std::string(statement->ColumnText(4));
    record.occur_time = FromMicros(statement->ColumnInt64(5));
    absl::string_view data = statement->ColumnBlob(6);
    if (!record.event.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::DataLossError("a stored consent event cannot be parsed");
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::ReadStates(
    SqliteStatement& statement) {
  std::vector<ConsentStateRecord> states;
  while (true) {
    absl::StatusOr<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ConsentStateRecord state;
    state.profile_id = std::string(statement.ColumnText(0));
    state.purpose_id = std::string(statement.ColumnText(1));
    state.channel = static_cast<v1::Channel>(statement.ColumnInt64(2));
    state.contact_point = std::string(statement.ColumnText(3));
    state.event_id = std::string(statement.ColumnText(4));
    state.occur_time = FromMicros(statement.ColumnInt64(5));
    state.sequence = statement.ColumnInt64(6);
    state.decision = static_cast<v1::ConsentDecision>(statement.ColumnInt64(7));
    state.pending_confirmation = statement.ColumnInt64(8) != 0;
    states.push_back(std::move(state));
  }
  return states;
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::ListConsentStates(
    absl::string_view profile_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(absl::StrCat(
      kStateColumns, "WHERE profile_id = ?1 ORDER BY purpose_id, channel, contact_point"));
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  return ReadStates(*statement);
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::GetConsentStates(
    absl::string_view profile_id, absl::string_view purpose_id, v1::Channel channel) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(absl::StrCat(
      kStateColumns,
      "WHERE profile_id = ?1 AND purpose_id = ?2 AND channel = ?3 ORDER BY contact_point"));
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  statement->BindText(2, purpose_id);
  statement->BindInt64(3, channel);
  return ReadStates(*statement);
}

absl::StatusOr<absl::flat_hash_map<std::string, CheckSubject>>
SqliteConsentRepository::LoadCheckSubjects(absl::string_view purpose_id, v1::Channel channel,
                                           absl::Span<const std::string> profile_ids) {
  absl::flat_hash_map<std::string, CheckSubject> subjects;
  if (profile_ids.empty()) return subjects;
  size_t padded = PaddedSize(profile_ids.size());
  std::string in_list = Placeholders(padded);

  absl::StatusOr<SqliteStatement> profiles = connection_->Prepare(
      absl::StrCat("SELECT id, delete_time IS NOT NULL FROM profiles WHERE id IN (", in_list, ")"));
  if (!profiles.ok()) return profiles.status();
  BindIds(*profiles, 1, profile_ids, padded);
  while (true) {
    absl::StatusOr<bool> row = profiles->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    subjects[profiles->ColumnText(0)].deleted = profiles->ColumnInt64(1) != 0;
  }

  absl::StatusOr<SqliteStatement> states = connection_->Prepare(absl::StrCat(
      kStateColumns, "WHERE purpose_id = ?1 AND channel = ?2 AND profile_id IN (", in_list, ")"));
  if (!states.ok()) return states.status();
  states->BindText(1, purpose_id);
  states->BindInt64(2, channel);
  BindIds(*states, 3, profile_ids, padded);
  absl::StatusOr<std::vector<ConsentStateRecord>> rows = ReadStates(*states);
  if (!rows.ok()) return rows.status();
  for (ConsentStateRecord& state : *rows) {
    auto it = subjects.find(state.profile_id);
    if (it != subjects.end()) it->second.states.push_back(std::move(state));
  }

  absl::StatusOr<SqliteStatement> contacts = connection_->Prepare(absl::StrCat(
      "SELECT profile_id, kind, value FROM profile_contact_points WHERE profile_id IN (", in_list,
      ")"));
  if (!contacts.ok()) return contacts.status();
  BindIds(*contacts, 1, profile_ids, padded);
  while (true) {
    absl::StatusOr<bool> row = contacts->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto it = subjects.find(contacts->ColumnText(0));
    if (it == subjects.end()) continue;
    it->second.contact_points.emplace_back(std::string(contacts->ColumnText(1)),
                                           std::string(contacts->ColumnText(2)));
  }
  return subjects;
}

absl::Status SqliteConsentRepository::InsertConfirmationToken(
    const ConfirmationTokenRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kInsertToken, [&](SqliteStatement& s) {
    s.BindBlob(1, record.token_hash);
    s.BindText(2, record.profile_id);
    s.BindText(3, record.event_id);
    s.BindInt64(4, Micros(record.create_time));
    s.BindInt64(5, Micros(record.expire_time));
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("this confirmation token already exists");
  }
  return status;
}

absl::StatusOr<std::optional<ConfirmationTokenRecord>>
SqliteConsentRepository::GetConfirmationToken(absl::string_view token_hash) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(kSelectToken);
  if (!statement.ok()) return statement.status();
  statement->BindBlob(1, token_hash);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  ConfirmationTokenRecord record;
  record.token_hash = std::string(token_hash);
  record.profile_id = std::string(statement->ColumnText(0));
  record.event_id = std::string(statement->ColumnText(1));
  record.create_time = FromMicros(statement->ColumnInt64(2));
  record.expire_time = FromMicros(statement->ColumnInt64(3));
  if (!statement->ColumnIsNull(4)) record.use_time = FromMicros(statement->ColumnInt64(4));
  return record;
}

absl::Status SqliteConsentRepository::MarkConfirmationTokenUsed(absl::string_view token_hash,
                                                                absl::Time use_time) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, kUseToken, [&](SqliteStatement& s) {
    s.BindBlob(1, token_hash);
    s.BindInt64(2, Micros(use_time));
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 1) return absl::OkStatus();
  absl::StatusOr<std::optional<ConfirmationTokenRecord>> token = GetConfirmationToken(token_hash);
  if (!token.ok()) return token.status();
  if (!token->has_value()) return absl::NotFoundError("no such confirmation token");
  return absl::AbortedError("the confirmation token was used meanwhile");
}

}  // namespace cp::storage
