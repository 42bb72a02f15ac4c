#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/consent_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace cp::storage {

// SqliteConsentRepository is the ConsentRepository of a SqliteTransaction:
// it runs on the transaction's connection. SQLite serialises writers, so the
// read-compare-write of the materialised state is a single upsert.
class SqliteConsentRepository final : public ConsentRepository {
 public:
  // SqliteConsentRepository uses `connection`; with `read_only`, writes
  // fail with FAILED_PRECONDITION.
  SqliteConsentRepository(SqliteConnection* connection, bool read_only);

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
  // ReadStates runs a prepared state query and collects its rows.
  absl::StatusOr<std::vector<ConsentStateRecord>> ReadStates(SqliteStatement& statement);

  SqliteConnection* connection_;
  bool read_only_;
};

}  // namespace cp::storage
