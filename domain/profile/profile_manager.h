#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "domain/common/paging.h"
#include "domain/profile/profile_validator.h"
#include "storage/store.h"

namespace cp::domain {

// ProfileManagerOptions configures the profile use cases.
struct ProfileManagerOptions {
  ValidationOptions validation;
  PagingOptions paging;
};

// ProfileManager carries out the ProfileService methods: validation,
// normalisation, etag checks, idempotency and soft delete, each in one
// store transaction. Thread-safe; blocking (call it from a worker thread).
class ProfileManager {
 public:
  ProfileManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
                 ProfileManagerOptions options);

  absl::StatusOr<customerprofile::v1::Profile> CreateProfile(
      const customerprofile::v1::CreateProfileRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::Profile> GetProfile(
      const customerprofile::v1::GetProfileRequest& request, const CallContext& context);
  // GetCachedProfile answers GetProfile from the store's profile cache
  // without blocking (so a gRPC thread may call it): true with *out set on a
  // hit; false, *out untouched, when the store has no cache, the profile is
  // not in it or the request is malformed. GetProfile then gives the
  // answer (or the error).
  bool GetCachedProfile(const customerprofile::v1::GetProfileRequest& request,
                        customerprofile::v1::Profile* out);
  absl::StatusOr<customerprofile::v1::Profile> UpdateProfile(
      const customerprofile::v1::UpdateProfileRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::Profile> DeleteProfile(
      const customerprofile::v1::DeleteProfileRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::Profile> UndeleteProfile(
      const customerprofile::v1::UndeleteProfileRequest& request, const CallContext& context);
  absl::StatusOr<customerprofile::v1::ListProfilesResponse> ListProfiles(
      const customerprofile::v1::ListProfilesRequest& request, const CallContext& context);
  // BatchGetProfiles reads every named profile in one read-only
  // transaction. INVALID_ARGUMENT listing each malformed name ("names[i]")
  // or more than kMaxBatchGetNames names; NOT_FOUND naming the first missing
  // profile unless request.allow_missing().
  absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse> BatchGetProfiles(
      const customerprofile::v1::BatchGetProfilesRequest& request, const CallContext& context);

  // The most names one BatchGetProfiles may carry.
  static constexpr int kMaxBatchGetNames = 1000;

  // LookupProfiles returns the live profiles holding the request's one
  // identifier, most recently updated first, at most kMaxLookupProfiles
  // (more_exist says whether there are more), read in one read-only
  // transaction. The e-mail and phone are normalised as the validator
  // normalises a profile's (a national phone in request.region_code(), else
  // in the default phone region). INVALID_ARGUMENT naming "identifier" when
  // none is set, "email" or "phone" when it cannot be normalised,
  // "external_id.system" / "external_id.id" when empty, "region_code" when
  // malformed.
  absl::StatusOr<customerprofile::v1::LookupProfilesResponse> LookupProfiles(
      const customerprofile::v1::LookupProfilesRequest& request, const CallContext& context);

  // The most profiles one LookupProfiles returns.
  static constexpr int kMaxLookupProfiles = 100;

  const ProfileValidator& validator() const { return validator_; }

 private:
  // ReplayedResult returns the stored response to CreateProfile request
  // `request_id`: NOT_FOUND when none is stored, FAILED_PRECONDITION when it
  // answered a different request.
  absl::StatusOr<customerprofile::v1::Profile> ReplayedResult(absl::string_view request_id,
                                                              absl::string_view request_hash,
                                                              const CallContext& context);

  storage::Store* store_;
  const Clock* clock_;
  IdGenerator* ids_;
  ProfileManagerOptions options_;
  ProfileValidator validator_;
};

}  // namespace cp::domain
