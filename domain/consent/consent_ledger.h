#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "domain/common/paging.h"
#include "storage/store.h"

namespace cp::domain {

// ConsentLedgerOptions configures the ledger use cases.
struct ConsentLedgerOptions {
  // How long a double opt-in confirmation token stays usable.
  absl::Duration confirmation_token_ttl = absl::Hours(24 * 7);
  PagingOptions paging;
  // The region a national-format contact point phone number is read in
  // (--default-phone-region, as for the phones on a profile).
  std::string default_phone_region = "NO";
};

// ConsentLedger carries out the ledger methods of ConsentService: it appends
// consent events (never changing one), keeps the current state in step in
// the same transaction, runs double opt-in and lists history and current
// consents. recorded_by is the calling app, recorded_for its actor, and
// record_time the injected clock's time. Thread-safe; blocking.
class ConsentLedger {
 public:
  ConsentLedger(storage::Store* store, const Clock* clock, IdGenerator* ids,
                ConsentLedgerOptions options = {});

  // RecordConsent appends a decision. A grant on a double opt-in purpose is
  // recorded pending, with a single-use token in the response (a replay of
  // the request_id returns the first response without the token, which is
  // stored only as a hash).
  absl::StatusOr<customerprofile::v1::RecordConsentResponse> RecordConsent(
      const customerprofile::v1::RecordConsentRequest& request, const CallContext& context);

  // ConfirmConsent turns the pending grant of a token into a grant with
  // DOUBLE_OPT_IN evidence. An unknown token is NOT_FOUND; a used or
  // expired one, or one whose grant was superseded, FAILED_PRECONDITION;
  // nothing changes then.
  absl::StatusOr<customerprofile::v1::ConsentEvent> ConfirmConsent(
      const customerprofile::v1::ConfirmConsentRequest& request, const CallContext& context);

  absl::StatusOr<customerprofile::v1::ListConsentEventsResponse> ListConsentEvents(
      const customerprofile::v1::ListConsentEventsRequest& request, const CallContext& context);

  absl::StatusOr<customerprofile::v1::ListConsentsResponse> ListConsents(
      const customerprofile::v1::ListConsentsRequest& request, const CallContext& context);

 private:
  storage::Store* store_;
  const Clock* clock_;
  IdGenerator* ids_;
  ConsentLedgerOptions options_;
};

}  // namespace cp::domain
