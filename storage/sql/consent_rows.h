#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "storage/consent_repository.h"
#include "storage/sql/row.h"

// How consent records are stored in rows, the same for every dialect: each
// decoder reads a row of the statement named (consent_statements.h).
namespace cp::storage::sql {

// DecodePurpose reads a row of kSelectPurpose / kListPurposes; DATA_LOSS
// when the stored purpose cannot be parsed.
absl::StatusOr<PurposeRecord> DecodePurpose(const SqlRow& row);

// DecodeNoticeVersion reads a row of kSelectNotice / kListNotices.
NoticeVersionRecord DecodeNoticeVersion(const SqlRow& row);

// DecodeConsentEvent reads a row of kSelectEvent / RenderConsentEventQuery;
// DATA_LOSS when the stored event cannot be parsed.
absl::StatusOr<ConsentEventRecord> DecodeConsentEvent(const SqlRow& row);

// DecodeConsentState reads a row of kListStates, kGetStates or
// kStatesOfProfilesIn.
ConsentStateRecord DecodeConsentState(const SqlRow& row);

// DecodeConfirmationToken reads a row of kSelectToken.
ConfirmationTokenRecord DecodeConfirmationToken(const SqlRow& row);

// The rows of LoadCheckSubjects' reads, added to `subjects`: a row of
// kSubjectProfilesIn creates the profile's subject; a state or a row of
// kContactPointsOfProfilesIn joins the subject of its profile (and is
// dropped when there is none).
void AddSubjectProfile(const SqlRow& row, absl::flat_hash_map<std::string, CheckSubject>* subjects);
void AddSubjectState(ConsentStateRecord state,
                     absl::flat_hash_map<std::string, CheckSubject>* subjects);
void AddSubjectContactPoint(const SqlRow& row,
                            absl::flat_hash_map<std::string, CheckSubject>* subjects);

}  // namespace cp::storage::sql
