#pragma once

#include "client/retry_policy.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "customerprofile/v1/suppression_service.pb.h"

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

// ConsentService: reads and checks always may; RecordConsent with a
// request_id (the connection sets one); UpdatePurpose with an etag;
// CreatePurpose and ConfirmConsent never.
Idempotency IdempotencyOf(const customerprofile::v1::CreatePurposeRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::GetPurposeRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListPurposesRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::UpdatePurposeRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::GetNoticeVersionRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListNoticeVersionsRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::RecordConsentRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ConfirmConsentRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListConsentEventsRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListConsentsRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::CheckConsentRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::BatchCheckConsentRequest& request);

// SuppressionService: reads and checks always may; AddSuppressionEntry too
// (adding an entry that is there changes nothing); UpdateSuppressionList
// and DeleteSuppressionList with an etag; CreateSuppressionList and
// RemoveSuppressionEntry never.
Idempotency IdempotencyOf(const customerprofile::v1::CreateSuppressionListRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::GetSuppressionListRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::ListSuppressionListsRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::UpdateSuppressionListRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::DeleteSuppressionListRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::AddSuppressionEntryRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::RemoveSuppressionEntryRequest& request);
Idempotency IdempotencyOf(const customerprofile::v1::CheckSuppressionRequest& request);

}  // namespace cp::client
