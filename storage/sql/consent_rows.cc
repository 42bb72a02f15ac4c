#include "storage/sql/consent_rows.h"

#include <utility>

#include "absl/time/time.h"

namespace cp::storage::sql {
namespace {

namespace v1 = ::customerprofile::v1;

}  // namespace

absl::StatusOr<PurposeRecord> DecodePurpose(const SqlRow& row) {
  PurposeRecord record;
  record.id = row.GetString(0);
  record.revision = row.GetInt64(1);
  if (!record.purpose.ParseFromString(row.GetString(2))) {
    return absl::DataLossError("a stored purpose cannot be parsed");
  }
  return record;
}

NoticeVersionRecord DecodeNoticeVersion(const SqlRow& row) {
  return NoticeVersionRecord{row.GetString(0), row.GetInt64(1), row.GetString(2),
                             absl::FromUnixMicros(row.GetInt64(3))};
}

absl::StatusOr<ConsentEventRecord> DecodeConsentEvent(const SqlRow& row) {
  ConsentEventRecord record;
  record.profile_id = row.GetString(0);
  record.event_id = row.GetString(1);
  record.sequence = row.GetInt64(2);
  record.purpose_id = row.GetString(3);
  record.channel = static_cast<v1::Channel>(row.GetInt64(4));
  record.contact_point = row.GetString(5);
  record.occur_time = absl::FromUnixMicros(row.GetInt64(6));
  if (!record.event.ParseFromString(row.GetString(7))) {
    return absl::DataLossError("a stored consent event cannot be parsed");
  }
  return record;
}

ConsentStateRecord DecodeConsentState(const SqlRow& row) {
  ConsentStateRecord state;
  state.profile_id = row.GetString(0);
  state.purpose_id = row.GetString(1);
  state.channel = static_cast<v1::Channel>(row.GetInt64(2));
  state.contact_point = row.GetString(3);
  state.event_id = row.GetString(4);
  state.occur_time = absl::FromUnixMicros(row.GetInt64(5));
  state.sequence = row.GetInt64(6);
  state.decision = static_cast<v1::ConsentDecision>(row.GetInt64(7));
  state.pending_confirmation = row.GetInt64(8) != 0;
  return state;
}

ConfirmationTokenRecord DecodeConfirmationToken(const SqlRow& row) {
  ConfirmationTokenRecord record;
  record.token_hash = row.GetString(0);
  record.profile_id = row.GetString(1);
  record.event_id = row.GetString(2);
  record.create_time = absl::FromUnixMicros(row.GetInt64(3));
  record.expire_time = absl::FromUnixMicros(row.GetInt64(4));
  if (!row.IsNull(5)) record.use_time = absl::FromUnixMicros(row.GetInt64(5));
  return record;
}

void AddSubjectProfile(const SqlRow& row,
                       absl::flat_hash_map<std::string, CheckSubject>* subjects) {
  CheckSubject& subject = (*subjects)[row.GetString(0)];
  subject.deleted = row.GetInt64(1) != 0;
  subject.merged_into = row.GetString(2);
}

void AddSubjectState(ConsentStateRecord state,
                     absl::flat_hash_map<std::string, CheckSubject>* subjects) {
  auto it = subjects->find(state.profile_id);
  if (it != subjects->end()) it->second.states.push_back(std::move(state));
}

void AddSubjectContactPoint(const SqlRow& row,
                            absl::flat_hash_map<std::string, CheckSubject>* subjects) {
  auto it = subjects->find(row.GetString(0));
  if (it == subjects->end()) return;
  it->second.contact_points.emplace_back(row.GetString(1), row.GetString(2));
}

}  // namespace cp::storage::sql
