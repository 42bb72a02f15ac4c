#include "domain/profile/profile_resource.h"

#include "absl/strings/str_cat.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/resource_names.h"

namespace cp::domain {

namespace v1 = ::customerprofile::v1;

void SetProfileView(absl::string_view id, int64_t revision, bool with_provenance,
                    v1::Profile* profile) {
  profile->set_name(ProfileName(id));
  profile->set_etag(ComputeEtag(id, revision));
  if (profile->state() != v1::PROFILE_STATE_MERGED) profile->set_state(v1::PROFILE_STATE_ACTIVE);
  if (!with_provenance) profile->clear_provenance();
  profile->clear_insights();  // never stored in the profile; see GetProfile
}

v1::Profile ToProfileResource(const storage::ProfileRecord& record, bool with_provenance) {
  v1::Profile profile = record.profile;
  SetProfileView(record.id, record.revision, with_provenance, &profile);
  return profile;
}

absl::Status ProfileNotFound(absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                   {{"name", ProfileName(id)}});
}

absl::Status CheckProfileEtag(const storage::ProfileRecord& record, absl::string_view etag) {
  if (etag.empty() || etag == ComputeEtag(record.id, record.revision)) return absl::OkStatus();
  return MakeError(absl::StatusCode::kAborted, kEtagMismatch,
                   "the profile changed since it was read: read it again and retry",
                   {{"name", ProfileName(record.id)}});
}

absl::Status CheckNotMerged(const storage::ProfileRecord& record) {
  if (record.profile.state() != v1::PROFILE_STATE_MERGED) return absl::OkStatus();
  return MakeError(absl::StatusCode::kFailedPrecondition, kProfileMerged,
                   "the profile was merged into another profile: write to the survivor",
                   {{"name", ProfileName(record.id)}, {"survivor", record.profile.merged_into()}});
}

absl::Status CheckNotDeleted(const storage::ProfileRecord& record) {
  if (!record.profile.has_delete_time()) return absl::OkStatus();
  return MakeError(absl::StatusCode::kFailedPrecondition, kProfileDeleted,
                   "the profile is deleted: undelete it first", {{"name", ProfileName(record.id)}});
}

absl::Status CheckExternalIds(storage::Transaction& tx, const v1::Profile& profile,
                              absl::string_view self_id) {
  for (const auto& external_id : profile.external_ids()) {
    auto owner = tx.FindLiveProfileByExternalId(external_id.system(), external_id.id());
    if (!owner.ok()) return owner.status();
    if (owner->has_value() && **owner != self_id) {
      return MakeError(absl::StatusCode::kAlreadyExists, "EXTERNAL_ID_ALREADY_EXISTS",
                       absl::StrCat("an external id of system \"", external_id.system(),
                                    "\" already belongs to another live profile"),
                       {{"system", external_id.system()}});
    }
  }
  return absl::OkStatus();
}

}  // namespace cp::domain
