#pragma once

#include "client/retry_policy.h"
#include "customerprofile/v1/profile_service.pb.h"

namespace cp::client {

// IdempotencyOf says whether a ProfileService call may be retried. Reads
// always may. CreateProfile may with a request_id (the server replays the
// first result); UpdateProfile, DeleteProfile and UndeleteProfile may with an
// etag (a repeat fails with ABORTED instead of applying twice).
Idempotency IdempotencyOf(const customerprofile::v1::CreateProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::GetProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::UpdateProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::DeleteProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::UndeleteProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListProfilesRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::BatchGetProfilesRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::LookupProfilesRequest& request);
// MergeProfiles and UnmergeProfile may be retried with a request_id (the
// connection sets one when the caller did not).
Idempotency IdempotencyOf(const customerprofile::v1::FindDuplicatesRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::MergeProfilesRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::UnmergeProfileRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::GetMergeRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListMergesRequest& request);

}  // namespace cp::client
