#include "storage/sqlite/sqlite_consent_repository.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "storage/sql/consent_rows.h"
#include "storage/sql/consent_statements.h"
#include "storage/sql/in_list.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

// The state follows the event only when the event is later: occur_time
// first, record order (sequence) on ties.
constexpr absl::string_view kUpsertState =
    "INSERT INTO consent_states (profile_id, purpose_id, channel, contact_point, event_id, "
    "occur_time, sequence, decision, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (profile_id, purpose_id, channel, contact_point) DO UPDATE SET "
    "event_id = excluded.event_id, occur_time = excluded.occur_time, "
    "sequence = excluded.sequence, decision = excluded.decision, pending = excluded.pending "
    "WHERE excluded.occur_time > consent_states.occur_time OR "
    "(excluded.occur_time = consent_states.occur_time AND "
    "excluded.sequence > consent_states.sequence)";

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

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

absl::StatusOr<std::optional<PurposeRecord>> SqliteConsentRepository::GetPurpose(
    absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectPurpose);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return sql::DecodePurpose(SqliteRow(*statement));
}

absl::Status SqliteConsentRepository::InsertPurpose(const PurposeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kInsertPurpose, [&](SqliteStatement& s) {
    s.BindText(1, record.id);
    s.BindInt64(2, record.revision);
    s.BindBlob(3, data);
  });
  return sql::ExplainDuplicate(status, "a purpose with this id already exists (purposes.id)");
}

absl::Status SqliteConsentRepository::UpdatePurpose(const PurposeRecord& record,
                                                    int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kUpdatePurpose, [&](SqliteStatement& s) {
    s.BindInt64(1, record.revision);
    s.BindBlob(2, data);
    s.BindText(3, record.id);
    s.BindInt64(4, expected_revision);
  });
  if (!status.ok()) return status;
  return sql::CheckRevisionMatched(connection_->Changes(), "purpose");
}

absl::StatusOr<std::vector<PurposeRecord>> SqliteConsentRepository::ListPurposes(
    absl::string_view after_id, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListPurposes);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, after_id);
  statement->BindInt64(2, limit);
  std::vector<PurposeRecord> records;
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) -> absl::Status {
    absl::StatusOr<PurposeRecord> record = sql::DecodePurpose(row);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::Status SqliteConsentRepository::InsertNoticeVersion(const NoticeVersionRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kInsertNotice, [&](SqliteStatement& s) {
    s.BindText(1, record.purpose_id);
    s.BindInt64(2, record.version);
    s.BindText(3, record.notice_text);
    s.BindInt64(4, Micros(record.create_time));
  });
  return sql::ExplainDuplicate(status, "this notice version already exists (notice_versions)");
}

absl::StatusOr<std::optional<NoticeVersionRecord>> SqliteConsentRepository::GetNoticeVersion(
    absl::string_view purpose_id, int64_t version) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectNotice);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, purpose_id);
  statement->BindInt64(2, version);
  return ReadOne(*statement, sql::DecodeNoticeVersion);
}

absl::StatusOr<std::vector<NoticeVersionRecord>> SqliteConsentRepository::ListNoticeVersions(
    absl::string_view purpose_id, int64_t before_version, int limit) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListNotices);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, purpose_id);
  statement->BindInt64(2, before_version <= 0 ? INT64_MAX : before_version);
  statement->BindInt64(3, limit);
  std::vector<NoticeVersionRecord> records;
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) {
    records.push_back(sql::DecodeNoticeVersion(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::Status SqliteConsentRepository::AppendConsentEvent(ConsentEventRecord* record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record->event.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kInsertEvent, [&](SqliteStatement& s) {
    s.BindText(1, record->profile_id);
    s.BindText(2, record->event_id);
    s.BindText(3, record->purpose_id);
    s.BindInt64(4, record->channel);
    s.BindText(5, record->contact_point);
    s.BindInt64(6, Micros(record->occur_time));
    s.BindBlob(7, data);
  });
  status = sql::ExplainDuplicate(status, "a consent event with this id already exists");
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
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectEvent);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  statement->BindText(2, event_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return sql::DecodeConsentEvent(SqliteRow(*statement));
}

absl::StatusOr<std::vector<ConsentEventRecord>> SqliteConsentRepository::ListConsentEvents(
    const ConsentEventQuery& query) {
  sql::SqlFragment fragment = sql::RenderConsentEventQuery(query);
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(fragment.sql);
  if (!statement.ok()) return statement.status();
  BindParams(*statement, fragment.params);
  std::vector<ConsentEventRecord> records;
  absl::Status status = ReadAll(*statement, [&](const sql::SqlRow& row) -> absl::Status {
    absl::StatusOr<ConsentEventRecord> record = sql::DecodeConsentEvent(row);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::ReadStates(
    SqliteStatement& statement) {
  std::vector<ConsentStateRecord> states;
  absl::Status status = ReadAll(statement, [&](const sql::SqlRow& row) {
    states.push_back(sql::DecodeConsentState(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return states;
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::ListConsentStates(
    absl::string_view profile_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kListStates);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, profile_id);
  return ReadStates(*statement);
}

absl::StatusOr<std::vector<ConsentStateRecord>> SqliteConsentRepository::GetConsentStates(
    absl::string_view profile_id, absl::string_view purpose_id, v1::Channel channel) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kGetStates);
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

  absl::StatusOr<SqliteStatement> profiles =
      connection_->Prepare(InList(sql::kSubjectProfilesIn, padded));
  if (!profiles.ok()) return profiles.status();
  BindIds(*profiles, 1, profile_ids, padded);
  absl::Status status = ReadAll(*profiles, [&](const sql::SqlRow& row) {
    sql::AddSubjectProfile(row, &subjects);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  absl::StatusOr<SqliteStatement> states =
      connection_->Prepare(InList(sql::kStatesOfProfilesIn, padded));
  if (!states.ok()) return states.status();
  states->BindText(1, purpose_id);
  states->BindInt64(2, channel);
  BindIds(*states, 3, profile_ids, padded);
  status = ReadAll(*states, [&](const sql::SqlRow& row) {
    sql::AddSubjectState(sql::DecodeConsentState(row), &subjects);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  absl::StatusOr<SqliteStatement> contacts =
      connection_->Prepare(InList(sql::kContactPointsOfProfilesIn, padded));
  if (!contacts.ok()) return contacts.status();
  BindIds(*contacts, 1, profile_ids, padded);
  status = ReadAll(*contacts, [&](const sql::SqlRow& row) {
    sql::AddSubjectContactPoint(row, &subjects);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return subjects;
}

absl::Status SqliteConsentRepository::InsertConfirmationToken(
    const ConfirmationTokenRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kInsertToken, [&](SqliteStatement& s) {
    s.BindBlob(1, record.token_hash);
    s.BindText(2, record.profile_id);
    s.BindText(3, record.event_id);
    s.BindInt64(4, Micros(record.create_time));
    s.BindInt64(5, Micros(record.expire_time));
  });
  return sql::ExplainDuplicate(status, "this confirmation token already exists");
}

absl::StatusOr<std::optional<ConfirmationTokenRecord>>
SqliteConsentRepository::GetConfirmationToken(absl::string_view token_hash) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectToken);
  if (!statement.ok()) return statement.status();
  statement->BindBlob(1, token_hash);
  return ReadOne(*statement, sql::DecodeConfirmationToken);
}

absl::Status SqliteConsentRepository::MarkConfirmationTokenUsed(absl::string_view token_hash,
                                                                absl::Time use_time) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kUseToken, [&](SqliteStatement& s) {
    s.BindInt64(1, Micros(use_time));
    s.BindBlob(2, token_hash);
  });
  if (!status.ok()) return status;
  if (connection_->Changes() == 1) return absl::OkStatus();
  absl::StatusOr<std::optional<ConfirmationTokenRecord>> token = GetConfirmationToken(token_hash);
  if (!token.ok()) return token.status();
  if (!token->has_value()) return absl::NotFoundError("no such confirmation token");
  return absl::AbortedError("the confirmation token was used meanwhile");
}

}  // namespace cp::storage
