#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/consent/do_not_contact_registers.h"
#include "storage/store.h"

namespace cp::domain {

// ConsentCheckerOptions configures the checks.
struct ConsentCheckerOptions {
  // The most profiles one BatchCheckConsent may name.
  int max_batch_size = 10000;
  // The region a national-format contact point phone number is read in
  // (--default-phone-region, as for the phones on a profile).
  std::string default_phone_region = "NO";
};

// ConsentChecker answers "may I contact?" from the materialised consent
// state, evaluated at the injected clock's time (see Decide in
// consent_evaluator.h for the rules). Without a contact point the check
// covers the whole channel: every state of the channel applies. A batch
// reads its profiles with a constant number of queries. Thread-safe;
// blocking.
class ConsentChecker {
 public:
  // ConsentChecker consults `suppressions` (may be null: no registers).
  ConsentChecker(storage::Store* store, const Clock* clock, DoNotContactRegisters* suppressions,
                 ConsentCheckerOptions options = {});

  // CheckConsent answers for one profile. NOT_FOUND for an unknown profile
  // or purpose; INVALID_ARGUMENT for a contact point not the profile's own.
  absl::StatusOr<customerprofile::v1::CheckConsentResponse> CheckConsent(
      const customerprofile::v1::CheckConsentRequest& request, const CallContext& context);

  // BatchCheckConsent answers for each profile, in request order, as
  // CheckConsent would; an unknown profile answers PROFILE_NOT_FOUND.
  absl::StatusOr<customerprofile::v1::BatchCheckConsentResponse> BatchCheckConsent(
      const customerprofile::v1::BatchCheckConsentRequest& request, const CallContext& context);

 private:
  storage::Store* store_;
  const Clock* clock_;
  DoNotContactRegisters* suppressions_;
  ConsentCheckerOptions options_;
};

}  // namespace cp::domain
