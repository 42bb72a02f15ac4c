#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"
#include "storage/profile_record.h"
#include "storage/transaction.h"

// The API view of stored profiles and the checks every profile write makes,
// shared by the use cases of the profile aggregate (ProfileManager,
// MergeManager).
namespace cp::domain {

// SetProfileView gives a stored profile of `id` at `revision` its API name,
// etag and state (ACTIVE unless MERGED), and drops the provenance unless
// `with_provenance` (view FULL).
void SetProfileView(absl::string_view id, int64_t revision, bool with_provenance,
                    customerprofile::v1::Profile* profile);

// ToProfileResource is the API view of a stored record.
customerprofile::v1::Profile ToProfileResource(const storage::ProfileRecord& record,
                                               bool with_provenance = false);

// ProfileNotFound is the NOT_FOUND of a missing profile `id`.
absl::Status ProfileNotFound(absl::string_view id);

// CheckProfileEtag is ABORTED (ETAG_MISMATCH) unless `etag` is empty or the
// record's current etag.
absl::Status CheckProfileEtag(const storage::ProfileRecord& record, absl::string_view etag);

// CheckNotMerged is FAILED_PRECONDITION (PROFILE_MERGED, metadata "name" and
// "survivor") when the record was merged into another profile.
absl::Status CheckNotMerged(const storage::ProfileRecord& record);

// CheckNotDeleted is FAILED_PRECONDITION (PROFILE_DELETED) when the record
// is soft-deleted.
absl::Status CheckNotDeleted(const storage::ProfileRecord& record);

// CheckExternalIds fails with ALREADY_EXISTS when an external id of
// `profile` belongs to another live profile than `self_id`.
absl::Status CheckExternalIds(storage::Transaction& tx, const customerprofile::v1::Profile& profile,
                              absl::string_view self_id);

}  // namespace cp::domain
