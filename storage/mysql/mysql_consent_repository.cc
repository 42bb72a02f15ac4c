#include "storage/mysql/mysql_consent_repository.h"

#include <datatype.h>
#include <prepared_statement.h>
#include <resultset.h>

#include <memory>
#include <utility>

#include "storage/mysql/mysql_row.h"
#include "storage/sql/consent_rows.h"
#include "storage/sql/consent_statements.h"
#include "storage/sql/in_list.h"
#include "storage/sql/write_checks.h"

namespace cp::storage {
namespace {

namespace v1 = ::customerprofile::v1;

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
int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

void BindIds(::sql::PreparedStatement& statement, unsigned int first,
             absl::Span<const std::string> ids, size_t padded) {
  for (size_t i = 0; i < padded; ++i) {
    statement.setString(first + static_cast<unsigned int>(i), i < ids.size() ? ids[i] : "");
  }
}

}  // namespace

MysqlConsentRepository::MysqlConsentRepository(MysqlConnection* connection, bool read_only,
                                               Runner run)
    : connection_(connection), read_only_(read_only), run_(std::move(run)) {}

absl::StatusOr<int> MysqlConsentRepository::ExecuteUpdate(
    absl::string_view what, const std::string& sql,
    absl::FunctionRef<void(::sql::PreparedStatement&)> bind) {
  absl::StatusOr<int64_t> affected = ExecuteMysqlUpdate(run_, *connection_, what, sql, bind);
  if (!affected.ok()) return affected.status();
  return static_cast<int>(*affected);
}

absl::StatusOr<std::optional<PurposeRecord>> MysqlConsentRepository::GetPurpose(
    absl::string_view id) {
  std::optional<absl::StatusOr<PurposeRecord>> record;
  absl::Status status = run_("read a purpose", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectPurpose));
    statement.setString(1, std::string(id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) record = sql::DecodePurpose(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  if (!record.has_value()) return std::nullopt;
  return *std::move(record);
}

absl::Status MysqlConsentRepository::InsertPurpose(const PurposeRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a purpose", std::string(sql::kInsertPurpose), [&](auto& s) {
        s.setString(1, record.id);
        s.setInt64(2, record.revision);
        s.setString(3, data);
      });
  return sql::ExplainDuplicate(affected.status(),
                               "a purpose with this id already exists (purposes.id)");
}

absl::Status MysqlConsentRepository::UpdatePurpose(const PurposeRecord& record,
                                                   int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record.purpose.SerializeAsString();
  absl::StatusOr<int> affected =
      ExecuteUpdate("update a purpose", std::string(sql::kUpdatePurpose), [&](auto& s) {
        s.setInt64(1, record.revision);
        s.setString(2, data);
        s.setString(3, record.id);
        s.setInt64(4, expected_revision);
      });
  if (!affected.ok()) return affected.status();
  return sql::CheckRevisionMatched(*affected, "purpose");
}

absl::StatusOr<std::vector<PurposeRecord>> MysqlConsentRepository::ListPurposes(
    absl::string_view after_id, int limit) {
  std::vector<PurposeRecord> records;
  absl::Status decoded;
  absl::Status status = run_("list purposes", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kListPurposes));
    statement.setString(1, std::string(after_id));
    statement.setInt(2, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodePurpose, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

absl::Status MysqlConsentRepository::InsertNoticeVersion(const NoticeVersionRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a notice version", std::string(sql::kInsertNotice), [&](auto& s) {
        s.setString(1, record.purpose_id);
        s.setInt64(2, record.version);
        s.setString(3, record.notice_text);
        s.setInt64(4, Micros(record.create_time));
      });
  return sql::ExplainDuplicate(affected.status(),
                               "this notice version already exists (notice_versions)");
}

absl::StatusOr<std::optional<NoticeVersionRecord>> MysqlConsentRepository::GetNoticeVersion(
    absl::string_view purpose_id, int64_t version) {
  std::optional<NoticeVersionRecord> result;
  absl::Status status = run_("read a notice version", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectNotice));
    statement.setString(1, std::string(purpose_id));
    statement.setInt64(2, version);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = sql::DecodeNoticeVersion(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<NoticeVersionRecord>> MysqlConsentRepository::ListNoticeVersions(
    absl::string_view purpose_id, int64_t before_version, int limit) {
  std::vector<NoticeVersionRecord> records;
  absl::Status status = run_("list notice versions", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kListNotices));
    statement.setString(1, std::string(purpose_id));
    statement.setInt64(2, before_version <= 0 ? INT64_MAX : before_version);
    statement.setInt(3, limit);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) records.push_back(sql::DecodeNoticeVersion(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  return records;
}

absl::Status MysqlConsentRepository::AppendConsentEvent(ConsentEventRecord* record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  std::string data = record->event.SerializeAsString();
  absl::Status status = run_("append a consent event", [&]() {
    ::sql::PreparedStatement& insert = connection_->Prepare(std::string(sql::kInsertEvent));
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
  return sql::ExplainDuplicate(status, "a consent event with this id already exists");
}

absl::StatusOr<std::optional<ConsentEventRecord>> MysqlConsentRepository::GetConsentEvent(
    absl::string_view profile_id, absl::string_view event_id) {
  std::optional<absl::StatusOr<ConsentEventRecord>> record;
  absl::Status status = run_("read a consent event", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectEvent));
    statement.setString(1, std::string(profile_id));
    statement.setString(2, std::string(event_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) record = sql::DecodeConsentEvent(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  if (!record.has_value()) return std::nullopt;
  return *std::move(record);
}

absl::StatusOr<std::vector<ConsentEventRecord>> MysqlConsentRepository::ListConsentEvents(
    const ConsentEventQuery& query) {
  sql::SqlFragment fragment = sql::RenderConsentEventQuery(query);
  std::vector<ConsentEventRecord> records;
  absl::Status decoded;
  absl::Status status = run_("list consent events", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(fragment.sql);
    BindParams(statement, fragment.params);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    decoded = DecodeAll(*rows, sql::DecodeConsentEvent, &records);
  });
  if (!status.ok()) return status;
  if (!decoded.ok()) return decoded;
  return records;
}

absl::StatusOr<std::vector<ConsentStateRecord>> MysqlConsentRepository::ListConsentStates(
    absl::string_view profile_id) {
  std::vector<ConsentStateRecord> states;
  absl::Status status = run_("list consent states", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kListStates));
    statement.setString(1, std::string(profile_id));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) states.push_back(sql::DecodeConsentState(MysqlRow(*rows)));
  });
  if (!status.ok()) return status;
  return states;
}

absl::StatusOr<std::vector<ConsentStateRecord>> MysqlConsentRepository::GetConsentStates(
    absl::string_view profile_id, absl::string_view purpose_id, v1::Channel channel) {
  std::vector<ConsentStateRecord> states;
  absl::Status status = run_("read consent states", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kGetStates));
    statement.setString(1, std::string(profile_id));
    statement.setString(2, std::string(purpose_id));
    statement.setInt(3, channel);
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) states.push_back(sql::DecodeConsentState(MysqlRow(*rows)));
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
  absl::Status status = run_("load check subjects", [&]() {
    ::sql::PreparedStatement& profiles =
        connection_->Prepare(InList(sql::kSubjectProfilesIn, padded));
    BindIds(profiles, 1, profile_ids, padded);
    std::unique_ptr<::sql::ResultSet> rows(profiles.executeQuery());
    while (rows->next()) sql::AddSubjectProfile(MysqlRow(*rows), &subjects);

    ::sql::PreparedStatement& states =
        connection_->Prepare(InList(sql::kStatesOfProfilesIn, padded));
    states.setString(1, std::string(purpose_id));
    states.setInt(2, channel);
    BindIds(states, 3, profile_ids, padded);
    rows.reset(states.executeQuery());
    while (rows->next()) {
      sql::AddSubjectState(sql::DecodeConsentState(MysqlRow(*rows)), &subjects);
    }

    ::sql::PreparedStatement& contacts =
        connection_->Prepare(InList(sql::kContactPointsOfProfilesIn, padded));
    BindIds(contacts, 1, profile_ids, padded);
    rows.reset(contacts.executeQuery());
    while (rows->next()) sql::AddSubjectContactPoint(MysqlRow(*rows), &subjects);
  });
  if (!status.ok()) return status;
  return subjects;
}

absl::Status MysqlConsentRepository::InsertConfirmationToken(
    const ConfirmationTokenRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("insert a confirmation token", std::string(sql::kInsertToken), [&](auto& s) {
        s.setString(1, record.token_hash);
        s.setString(2, record.profile_id);
        s.setString(3, record.event_id);
        s.setInt64(4, Micros(record.create_time));
        s.setInt64(5, Micros(record.expire_time));
      });
  return sql::ExplainDuplicate(affected.status(), "this confirmation token already exists");
}

absl::StatusOr<std::optional<ConfirmationTokenRecord>> MysqlConsentRepository::GetConfirmationToken(
    absl::string_view token_hash) {
  std::optional<ConfirmationTokenRecord> result;
  absl::Status status = run_("read a confirmation token", [&]() {
    ::sql::PreparedStatement& statement = connection_->Prepare(std::string(sql::kSelectToken));
    statement.setString(1, std::string(token_hash));
    std::unique_ptr<::sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) result = sql::DecodeConfirmationToken(MysqlRow(*rows));
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status MysqlConsentRepository::MarkConfirmationTokenUsed(absl::string_view token_hash,
                                                               absl::Time use_time) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<int> affected =
      ExecuteUpdate("use a confirmation token", std::string(sql::kUseToken), [&](auto& s) {
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
