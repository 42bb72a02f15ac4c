#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/consent_repository.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_update.h"

namespace cp::storage {

// MysqlConsentRepository is the ConsentRepository of a MysqlTransaction. The
// current state follows each appended event through one conditional upsert
// (InnoDB locks the state row), so concurrent appends end at the greatest
// event.
class MysqlConsentRepository final : public ConsentRepository {
 public:
  // Runner runs connector work as MysqlTransaction::Do does.
  using Runner = MysqlRunner;

  // MysqlConsentRepository uses `connection` through `run`; with
  // `read_only`, writes fail with FAILED_PRECONDITION.
  MysqlConsentRepository(MysqlConnection* connection, bool read_only, Runner run);

  absl::StatusOr<std::optional<PurposeRecord>> GetPurpose(absl::string_view id) override;
  absl::Status InsertPurpose(const PurposeRecord& record) override;
  absl::Status UpdatePurpose(const PurposeRecord& record, int64_t expected_revision) override;
  absl::StatusOr<std::vector<PurposeRecord>> ListPurposes(absl::string_view after_id,
                                                          int limit) override;
  absl::Status InsertNoticeVersion(const NoticeVersionRecord& record) override;
  absl::StatusOr<std::optional<NoticeVersionRecord>> GetNoticeVersion(absl::string_view purpose_id,
                                                                      int64_t version) override;
  absl::StatusOr<std::vector<NoticeVersionRecord>> ListNoticeVersions(absl::string_view purpose_id,
                                                                      int64_t before_version,
                                                                      int limit) override;
  absl::Status AppendConsentEvent(ConsentEventRecord* record) override;
  absl::StatusOr<std::optional<ConsentEventRecord>> GetConsentEvent(
      absl::string_view profile_id, absl::string_view event_id) override;
  absl::StatusOr<std::vector<ConsentEventRecord>> ListConsentEvents(
      const ConsentEventQuery& query) override;
  absl::StatusOr<std::vector<ConsentStateRecord>> ListConsentStates(
      absl::string_view profile_id) override;
  absl::StatusOr<std::vector<ConsentStateRecord>> GetConsentStates(
      absl::string_view profile_id, absl::string_view purpose_id,
      customerprofile::v1::Channel channel) override;
  absl::StatusOr<absl::flat_hash_map<std::string, CheckSubject>> LoadCheckSubjects(
      absl::string_view purpose_id, customerprofile::v1::Channel channel,
      absl::Span<const std::string> profile_ids) override;
  absl::Status InsertConfirmationToken(const ConfirmationTokenRecord& record) override;
  absl::StatusOr<std::optional<ConfirmationTokenRecord>> GetConfirmationToken(
      absl::string_view token_hash) override;
  absl::Status MarkConfirmationTokenUsed(absl::string_view token_hash,
                                         absl::Time use_time) override;

 private:
  // ExecuteUpdate runs a write statement and returns its affected rows.
  absl::StatusOr<int> ExecuteUpdate(absl::string_view what, const std::string& sql,
                                    absl::FunctionRef<void(::sql::PreparedStatement&)> bind);

  MysqlConnection* connection_;
  bool read_only_;
  Runner run_;
};

}  // namespace cp::storage
