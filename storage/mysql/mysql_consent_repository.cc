#include "storage/mysql/mysql_consent_repository.h"

#include <datatype.h>
#include <prepared_statement.h>
#include <resultset.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sql/in_list.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kSelectPurpose = "SELECT revision, data FROM purposes WHERE id = ?";
constexpr absl::string_view kInsertPurpose =
    "INSERT INTO purposes (id, revision, data) VALUES (?, ?, ?)";
constexpr absl::string_view kUpdatePurpose =
    "UPDATE purposes SET revision = ?, data = ? WHERE id = ? AND revision = ?";
constexpr absl::string_view kListPurposes =
    "SELECT id, revision, data FROM purposes WHERE id > ? ORDER BY id LIMIT ?";
constexpr absl::string_view kInsertNotice =
    "INSERT INTO notice_versions (purpose_id, version, notice_text, create_time) "
    "VALUES (?, ?, ?, ?)";
constexpr absl::string_view kSelectNotice =
    "SELECT notice_text, create_time FROM notice_versions WHERE purpose_id = ? AND version = ?";
constexpr absl::string_view kListNotices =
    "SELECT version, notice_text, create_time FROM notice_versions "
    "WHERE purpose_id = ? AND version < ? ORDER BY version DESC LIMIT ?";
constexpr absl::string_view kInsertEvent =
    "INSERT INTO consent_events (profile_id, event_id, purpose_id, channel, contact_point, "
    "occur_time, data) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kLastInsertId = "SELECT LAST_INSERT_ID()";
// MySQL applies the assignments left to right, each seeing the ones before:
// every column but occur_time follows the event when it is later; then
// occur_time follows when sequence did (sequences are unique, so sequence
// equals the event's exactly when it was taken).
constexpr absl::string_view kUpsertState =
    "INSERT INTO consent_states (profile_id, purpose_id, channel, contact_point, event_id, "
    "occur_time, sequence, decision, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE "
    "event_id = IF(VALUES(occur_time) > occur_time OR (VALUES(occur_time) = occur_time AND "
    "VALUES(sequence) > sequence), VALUES(event_id), event_id), "
    "decision = IF(VALUES(occur_time) > occur_time OR (VALUES(occur_time) = occur_time AND "
    "VALUES(sequence) > sequence), VALUES(decision), decision), "
    "pending = IF(VALUES(occur_time) > occur_time OR (VALUES(occur_time) = occur_time AND "
    "VALUES(sequence) > sequence), VALUES(pending), pending), "
    "sequence = IF(VALUES(occur_time) > occur_time OR (VALUES(occur_time) = occur_time AND "
    "VALUES(sequence) > sequence), VALUES(sequence), sequence), "
    "occur_time = IF(sequence = VALUES(sequence), VALUES(occur_time), occur_time)";
constexpr absl::string_view kSelectEvent =
    "SELECT sequence, purpose_id, channel, contact_point, occur_time, data FROM consent_events "
    "WHERE profile_id = ? AND event_id = ?";
constexpr absl::string_view kStateColumns =
    "SELECT profile_id, purpose_id, channel, contact_point, event_id, occur_time, sequence, "
    "decision, pending FROM consent_states ";
constexpr absl::string_view kInsertToken =
    "INSERT INTO consent_confirmation_tokens (token_hash, profile_id, event_id, create_time, "
    "expire_time, use_time) VALUES (?, ?, ?, ?, ?, NULL)";
constexpr absl::string_view kSelectToken =
    "SELECT profile_id, event_id, create_time, expire_time, use_time "
    "FROM consent_confirmation_tokens WHERE token_hash = ?";
constexpr absl::string_view kUseToken =
    "UPDATE consent_confirmation_tokens SET use_time = ? WHERE token_hash = ? AND use_time IS NULL";

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

void BindIds(::sql::PreparedStatement& statement, unsigned int first,
             absl::Span<const std::string> ids, size_t padded) {
  for (size_t i = 0; i < padded; ++i) {
    statement.setString(first + static_cast<unsigned int>(i), i < ids.size() ? ids[i] : "");
  }
}

ConsentStateRecord ReadState(::sql::ResultSet& rows) {
  ConsentStateRecord state;
  state.profile_id = rows.getString(1);
  state.purpose_id = rows.getString(2);
  state.channel = static_cast<v1::Channel>(rows.getInt(3));
  state.contact_point = rows.getString(4);
  state.event_id = rows.getString(5);
  state.occur_time = FromMicros(rows.getInt64(6));
  state.sequence = rows.getInt64(7);
  state.decision = static_cast<v1::ConsentDecision>(rows.getInt(8));
  state.pending_confirmation = rows.getInt(9) != 0;
  return state;
}

}  // namespace

MysqlConsentRepository::MysqlConsentRepository(MysqlConnection* connection, bool read_only,
                                               Runner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::Status MysqlConsentRepository::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

absl::StatusOr<int> MysqlConsentRepository::ExecuteUpdate(
    absl::string_view what, const std::string& sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  int affected = 0;
  absl::Status status = run_(what, [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    bind(statement);
    affected = statement.executeUpdate();
  });
  if (!status.ok()) return status;
  return affected;
}

absl::StatusOr<std::optional<PurposeRecord>> MysqlConsentRepository::GetPurpose(
    absl::string_view id) {
  std::optional<PurposeRecord> result;
  std::string data;
  absl::Status status = run_("read a purpose", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectPurpose));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      result.emplace();
      result->id = std::string(id);
      result->revision = rows->getInt64(1);
      data = rows->getString(2);
    }
  });
  if (!status.ok()) return status;
  if (result.has_value() && !result->purpose.ParseFromString(data)) {
    return absl::DataLossError("a stored purpose cannot be parsed");
  }
  return result;
}

absl::Status MysqlConsentRepository::InsertPurpose(const PurposeRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a purpose", std::string(kInsertPurpose), [&](auto& s) {
        s.setString(1, record.id);
        s.setInt64(2, record.revision);
        s.setString(3, data);
      });
  if (absl::IsAlreadyExists(affected.status())) {
    return absl::AlreadyExistsError("a purpose with this id already exists (purposes.id)");
  }
  return affected.status();
}

absl::Status MysqlConsentRepository::UpdatePurpose(const PurposeRecord& record,
                                                   int64_t expected_revision) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::StatusOr<int> affected =
      ExecuteUpdate("update a purpose", std::string(kUpdatePurpose), [&](auto& s) {
        s.setInt64(1, record.revision);
        s.setString(2, data);
        s.setString(3, record.id);
        s.setInt64(4, expected_revision);
      });
  if (!affected.ok()) return affected.status();
  if (*affected == 0) {
    return absl::AbortedError("the purpose was changed or removed meanwhile (revision mismatch)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PurposeRecord>> MysqlConsentRepository::ListPurposes(
    absl::string_view after_id, int limit) {
  std::vector<std::pair<PurposeRecord, std::string>> rows_read;
  absl::Status status = run_("list purposes", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kListPurposes));
    statement.setString(1, std::string(after_id));
    statement.setInt(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      PurposeRecord record;
      record.id = rows->getString(1);
      record.revision = rows->getInt64(2);
      rows_read.emplace_back(std::move(record), rows->getString(3));
    }
  });
  if (!status.ok()) return status;
  std::vector<PurposeRecord> records;
  for (auto& [record, data] : rows_read) {
    if (!record.purpose.ParseFromString(data)) {
      return absl::DataLossError("a stored purpose cannot be parsed");
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::Status MysqlConsentRepository::InsertNoticeVersion(const NoticeVersionRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a notice version", std::string(kInsertNotice), [&](auto& s) {
        s.setString(1, record.purpose_id);
        s.setInt64(2, record.version);
        s.setString(3, record.notice_text);
        s.setInt64(4, Micros(record.create_time));
      });
  if (absl::IsAlreadyExists(affected.status())) {
    return absl::AlreadyExistsError("this notice version already exists (notice_versions)");
  }
  return affected.status();
}

absl::StatusOr<std::optional<NoticeVersionRecord>> MysqlConsentRepository::GetNoticeVersion(
    absl::string_view purpose_id, int64_t version) {
  std::optional<NoticeVersionRecord> result;
  absl::Status status = run_("read a notice version", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectNotice));
    statement.setString(1, std::string(purpose_id));
    statement.setInt64(2, version);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      result = NoticeVersionRecord{std::string(purpose_id), version, rows->getString(1),
                                   FromMicros(rows->getInt64(2))};
    }
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<NoticeVersionRecord>> MysqlConsentRepository::ListNoticeVersions(
    absl::string_view purpose_id, int64_t before_version, int limit) {
  std::vector<NoticeVersionRecord> records;
  absl::Status status = run_("list notice versions", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kListNotices));
    statement.setString(1, std::string(purpose_id));
    statement.setInt64(2, before_version <= 0 ? INT64_MAX : before_version);
    statement.setInt(3, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      records.push_back(NoticeVersionRecord{std::string(purpose_id), rows->getInt64(1),
                                            rows->getString(2), FromMicros(rows->getInt64(3))});
    }
  });
  if (!status.ok()) return status;
  return records;
}

absl::Status MysqlConsentRepository::AppendConsentEvent(ConsentEventRecord* record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  std::string data = record->event.SerializeAsString();
  absl::Status status = run_("append a consent event", [&]() {
    ::sql::PreparedStatement& insert = connection_->Prepare(std::string(kInsertEvent));
    insert.setString(1, record->profile_id);
    insert.setString(2, record->event_id);
    insert.setString(3, record->purpose_id);
    insert.setInt(4, record->channel);
    insert.setString(5, record->contact_point);
    insert.setInt64(6, Micros(record->occur_time));
    insert.setString(7, data);
    insert.executeUpdate();
    ::sql::PreparedStatement& last = connection_->Prepare(std::string(kLastInsertId));
    std::unique_ptr<::sql::ResultSet> rows(last.executeQuery());
    if (rows->next()) record->sequence = rows->getInt64(1);
    ::sql::PreparedStatement& upsert = connection_->Prepare(std::string(kUpsertState));
    upsert.setString(1, record->profile_id);
    upsert.setString(2, record->purpose_id);
    upsert.setInt(3, record->channel);
    upsert.setString(4, record->contact_point);
    upsert.setString(5, record->event_id);
    upsert.setInt64(6, Micros(record->occur_time));
    upsert.setInt64(7, record->sequence);
    upsert.setInt(8, record->event.decision());
    upsert.setInt(9, record->event.pending_confirmation() ? 1 : 0);
    upsert.executeUpdate();
  });
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("a consent event with this id already exists");
  }
  return status;
}

absl::StatusOr<std::optional<ConsentEventRecord>> MysqlConsentRepository::GetConsentEvent(
    absl::string_view profile_id, absl::string_view event_id) {
  std::optional<ConsentEventRecord> result;
  std::string data;
  absl::Status status = run_("read a consent event", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectEvent));
    statement.setString(1, std::string(profile_id));
    statement.setString(2, std::string(event_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      result.emplace();
      result->profile_id = std::string(profile_id);
      result->event_id = std::string(event_id);
      result->sequence = rows->getInt64(1);
      result->purpose_id = rows->getString(2);
      result->channel = static_cast<v1::Channel>(rows->getInt(3));
      result->contact_point = rows->getString(4);
      result->occur_time = FromMicros(rows->getInt64(5));
      data = rows->getString(6);
    }
  });
  if (!status.ok()) return status;
  if (result.has_value() && !result->event.ParseFromString(data)) {
    return absl::DataLossError("a stored consent event cannot be parsed");
  }
  return result;
}

absl::StatusOr<std::vector<ConsentEventRecord>> MysqlConsentRepository::ListConsentEvents(
    const ConsentEventQuery& query) {
  std::string sql =
      "SELECT event_id, sequence, purpose_id, channel, contact_point, occur_time, data "
      "FROM consent_events WHERE profile_id = ?";
  if (!query.purpose_id.empty()) absl::StrAppend(&sql, " AND purpose_id = ?");
  if (query.channel != v1::CHANNEL_UNSPECIFIED) absl::StrAppend(&sql, " AND channel = ?");
  if (query.after.has_value()) {
    absl::StrAppend(&sql, " AND (occur_time < ? OR (occur_time = ? AND sequence < ?))");
  }
  absl::StrAppend(&sql, " ORDER BY occur_time DESC, sequence DESC LIMIT ?");
  std::vector<std::pair<ConsentEventRecord, std::string>> read;
  absl::Status status = run_("list consent events", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(sql);
    unsigned int index = 1;
    statement.setString(index++, query.profile_id);
    if (!query.purpose_id.empty()) statement.setString(index++, query.purpose_id);
    if (query.channel != v1::CHANNEL_UNSPECIFIED) statement.setInt(index++, query.channel);
    if (query.after.has_value()) {
      statement.setInt64(index++, Micros(query.after->first));
      statement.setInt64(index++, Micros(query.after->first));
      statement.setInt64(index++, query.after->second);
    }
    statement.setInt(index++, query.limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      ConsentEventRecord record;
      record.profile_id = query.profile_id;
      record.event_id = rows->getString(1);
      record.sequence = rows->getInt64(2);
      record.purpose_id = rows->getString(3);
      record.channel = static_cast<v1::Channel>(rows->getInt(4));
      record.contact_point = rows->getString(5);
      record.occur_time = FromMicros(rows->getInt64(6));
      read.emplace_back(std::move(record), rows->getString(7));
    }
  });
  if (!status.ok()) return status;
  std::vector<ConsentEventRecord> records;
  for (auto& [record, data] : read) {
    if (!record.event.ParseFromString(data)) {
      return absl::DataLossError("a stored consent event cannot be parsed");
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<ConsentStateRecord>> MysqlConsentRepository::ListConsentStates(
    absl::string_view profile_id) {
  std::vector<ConsentStateRecord> states;
  absl::Status status = run_("list consent states", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(absl::StrCat(
        kStateColumns, "WHERE profile_id = ? ORDER BY purpose_id, channel, contact_point"));
    statement.setString(1, std::string(profile_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) states.push_back(ReadState(*rows));
  });
  if (!status.ok()) return status;
  return states;
}

absl::StatusOr<std::vector<ConsentStateRecord>> MysqlConsentRepository::GetConsentStates(
    absl::string_view profile_id, absl::string_view purpose_id, v1::Channel channel) {
  std::vector<ConsentStateRecord> states;
  absl::Status status = run_("read consent states", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(absl::StrCat(
        kStateColumns,
        "WHERE profile_id = ? AND purpose_id = ? AND channel = ? ORDER BY contact_point"));
    statement.setString(1, std::string(profile_id));
    statement.setString(2, std::string(purpose_id));
    statement.setInt(3, channel);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) states.push_back(ReadState(*rows));
  });
  if (!status.ok()) return status;
  return states;
}

absl::StatusOr<absl::flat_hash_map<std::string, CheckSubject>>
MysqlConsentRepository::LoadCheckSubjects(absl::string_view purpose_id, v1::Channel channel,
                                          absl::Span<const std::string> profile_ids) {
  absl::flat_hash_map<std::string, CheckSubject> subjects;
  if (profile_ids.empty()) return subjects;
  size_t padded = PaddedSize(profile_ids.size());
  std::string in_list = Placeholders(padded);
  absl::Status status = run_("load check subjects", [&]() {
    ::sql::PreparedStatement& profiles = connection_->Prepare(absl::StrCat(
        "SELECT id, delete_time IS NOT NULL FROM profiles WHERE id IN (", in_list, ")"));
    BindIds(profiles, 1, profile_ids, padded);
    std::unique_ptr<::sql::ResultSet> rows(profiles.executeQuery());
    while (rows->next()) subjects[std::string(rows->getString(1))].deleted = rows->getInt(2) != 0;

    ::sql::PreparedStatement& states = connection_->Prepare(absl::StrCat(
        kStateColumns, "WHERE purpose_id = ? AND channel = ? AND profile_id IN (", in_list, ")"));
    states.setString(1, std::string(purpose_id));
    states.setInt(2, channel);
    BindIds(states, 3, profile_ids, padded);
    rows.reset(states.executeQuery());
    while (rows->next()) {
      ConsentStateRecord state = ReadState(*rows);
      auto it = subjects.find(state.profile_id);
      if (it != subjects.end()) it->second.states.push_back(std::move(state));
    }

    ::sql::PreparedStatement& contacts = connection_->Prepare(absl::StrCat(
        "SELECT profile_id, kind, value FROM profile_contact_points WHERE profile_id IN (", in_list,
        ")"));
    BindIds(contacts, 1, profile_ids, padded);
    rows.reset(contacts.executeQuery());
    while (rows->next()) {
      auto it = subjects.find(std::string(rows->getString(1)));
      if (it == subjects.end()) continue;
      it->second.contact_points.emplace_back(std::string(rows->getString(2)),
                                             std::string(rows->getString(3)));
    }
  });
  if (!status.ok()) return status;
  return subjects;
}

absl::Status MysqlConsentRepository::InsertConfirmationToken(
    const ConfirmationTokenRecord& record) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a confirmation token", std::string(kInsertToken), [&](auto& s) {
        s.setString(1, record.token_hash);
        s.setString(2, record.profile_id);
        s.setString(3, record.event_id);
        s.setInt64(4, Micros(record.create_time));
        s.setInt64(5, Micros(record.expire_time));
      });
  if (absl::IsAlreadyExists(affected.status())) {
    return absl::AlreadyExistsError("this confirmation token already exists");
  }
  return affected.status();
}

absl::StatusOr<std::optional<ConfirmationTokenRecord>> MysqlConsentRepository::GetConfirmationToken(
    absl::string_view token_hash) {
  std::optional<ConfirmationTokenRecord> result;
  absl::Status status = run_("read a confirmation token", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(kSelectToken));
    statement.setString(1, std::string(token_hash));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      result.emplace();
      result->token_hash = std::string(token_hash);
      result->profile_id = rows->getString(1);
      result->event_id = rows->getString(2);
      result->create_time = FromMicros(rows->getInt64(3));
      result->expire_time = FromMicros(rows->getInt64(4));
      if (!rows->isNull(5)) result->use_time = FromMicros(rows->getInt64(5));
    }
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status MysqlConsentRepository::MarkConfirmationTokenUsed(absl::string_view token_hash,
                                                               absl::Time use_time) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("use a confirmation token", std::string(kUseToken), [&](auto& s) {
        s.setInt64(1, Micros(use_time));
        s.setString(2, std::string(token_hash));
      });
  if (!affected.ok()) return affected.status();
  if (*affected == 1) return absl::OkStatus();
  absl::StatusOr<std::optional<ConfirmationTokenRecord>> token = GetConfirmationToken(token_hash);
  if (!token.ok()) return token.status();
  if (!token->has_value()) return absl::NotFoundError("no such confirmation token");
  return absl::AbortedError("the confirmation token was used meanwhile");
}

}  // namespace cp::storage
