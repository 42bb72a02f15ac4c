#pragma once

#include "absl/status/statusor.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "domain/call_context.h"
#include "domain/clock.h"
#include "domain/suppression_source.h"
#include "storage/store.h"

namespace cp::domain {

// ConsentCheckerOptions configures the checks.
struct ConsentCheckerOptions {
  // The most profiles one BatchCheckConsent may name.
  int max_batch_size = 10000;
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
  ConsentChecker(storage::Store* store, const Clock* clock, SuppressionSource* suppressions,
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
  SuppressionSource* suppressions_;
  ConsentCheckerOptions options_;
};

}  // namespace cp::domain
