#include "client/idempotency_policy.h"

#include <string>

namespace cp::client {
namespace {

Idempotency IdempotentIfSet(const std::string& value) {
  return value.empty() ? Idempotency::kNonIdempotent : Idempotency::kIdempotent;
}

}  // namespace

Idempotency IdempotencyOf(const customerprofile::v1::CreateProfileRequest& request) {
  return IdempotentIfSet(request.request_id());
}

Idempotency IdempotencyOf(const customerprofile::v1::GetProfileRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::UpdateProfileRequest& request) {
  return IdempotentIfSet(request.profile().etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::DeleteProfileRequest& request) {
  return IdempotentIfSet(request.etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::UndeleteProfileRequest& request) {
  return IdempotentIfSet(request.etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::ListProfilesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::BatchGetProfilesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::LookupProfilesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::FindDuplicatesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::MergeProfilesRequest& request) {
  return IdempotentIfSet(request.request_id());
}

Idempotency IdempotencyOf(const customerprofile::v1::UnmergeProfileRequest& request) {
  return IdempotentIfSet(request.request_id());
}

Idempotency IdempotencyOf(const customerprofile::v1::GetMergeRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListMergesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::CreatePurposeRequest&) {
  return Idempotency::kNonIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::GetPurposeRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListPurposesRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::UpdatePurposeRequest& request) {
  return IdempotentIfSet(request.purpose().etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::GetNoticeVersionRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListNoticeVersionsRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::RecordConsentRequest& request) {
  return IdempotentIfSet(request.request_id());
}

Idempotency IdempotencyOf(const customerprofile::v1::ConfirmConsentRequest&) {
  return Idempotency::kNonIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListConsentEventsRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListConsentsRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::CheckConsentRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::BatchCheckConsentRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::CreateSuppressionListRequest&) {
  return Idempotency::kNonIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::GetSuppressionListRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::ListSuppressionListsRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::UpdateSuppressionListRequest& request) {
  return IdempotentIfSet(request.suppression_list().etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::DeleteSuppressionListRequest& request) {
  return IdempotentIfSet(request.etag());
}

Idempotency IdempotencyOf(const customerprofile::v1::AddSuppressionEntryRequest&) {
  return Idempotency::kIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::RemoveSuppressionEntryRequest&) {
  return Idempotency::kNonIdempotent;
}

Idempotency IdempotencyOf(const customerprofile::v1::CheckSuppressionRequest&) {
  return Idempotency::kIdempotent;
}

}  // namespace cp::client
