#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/paging.h"
#include "storage/store.h"

namespace cp::domain {

// DuplicateFinder carries out FindDuplicates: the live profiles that the
// rules of domain/identity/duplicate_rules.h take for the same person as
// one profile, best first, in one read-only transaction.
//
// Candidates are found through the indexes: every live profile sharing an
// e-mail address or a phone number with the profile, or a key of the
// duplicate index (storage/match_keys.h: the folded given name, family name
// and birth date; the folded family name, postal code and first address
// line), at most kMaxPerIdentifier per identifier or key. Each candidate is
// then scored by every rule on the whole profiles.
class DuplicateFinder {
 public:
  DuplicateFinder(storage::Store* store, PagingOptions paging);

  // The most profiles read per e-mail address, phone number or key.
  static constexpr int kMaxPerIdentifier = 100;

  // FindDuplicates: INVALID_ARGUMENT for a malformed name or page token;
  // NOT_FOUND for a missing profile; FAILED_PRECONDITION PROFILE_MERGED or
  // PROFILE_DELETED for a profile that is not live.
  absl::StatusOr<customerprofile::v1::FindDuplicatesResponse> FindDuplicates(
      const customerprofile::v1::FindDuplicatesRequest& request, const CallContext& context);

 private:
  storage::Store* store_;
  PagingOptions paging_;
};

}  // namespace cp::domain
