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
// Candidates are found through the identifier index: every live profile
// sharing an e-mail address or a phone number with the profile (at most
// kMaxPerIdentifier per identifier). Each candidate is then scored by every
// rule, names, birth date and addresses included. A profile that shares
// only a name and birth date, or only a family name and address, with no
// e-mail or phone in common, is not found yet (docs/identity.md).
class DuplicateFinder {
 public:
  DuplicateFinder(storage::Store* store, PagingOptions paging);

  // The most profiles read per e-mail address or phone number.
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
