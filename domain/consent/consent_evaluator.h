#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "customerprofile/v1/consent.pb.h"
#include "storage/consent_repository.h"

namespace cp::domain {

// SuppressionHit names the do-not-contact list entry that blocks a contact.
struct SuppressionHit {
  // "suppressionLists/{list}".
  std::string list;
  // The matching normalised identifier.
  std::string entry;
};

// CheckOutcome is the answer to "may I contact?" before it becomes a
// customerprofile.v1.ConsentCheck.
struct CheckOutcome {
  bool allowed = false;
  customerprofile::v1::CheckReason reason = customerprofile::v1::CHECK_REASON_UNSPECIFIED;
  // The {event} id of the deciding consent event, or "".
  std::string event_id;
  // The profile whose ledger holds that event: the checked profile, or one
  // merged into it.
  std::string event_profile_id;
  std::optional<SuppressionHit> suppression;
};

// CheckFacts is everything a check is decided on.
struct CheckFacts {
  bool profile_deleted = false;
  // Set when a do-not-contact list blocks the contact.
  std::optional<SuppressionHit> suppression;
  // The current states that apply: the whole channel's and the contact
  // point's, or with no contact point given, every state of the channel.
  std::vector<const storage::ConsentStateRecord*> states;
};

// IsLater tells whether (occur_time, sequence) of `a` comes after `b`: the
// later occurrence wins, ties go to the later record.
bool IsLater(absl::Time a_occur, int64_t a_sequence, absl::Time b_occur, int64_t b_sequence);

// DecidingEvent returns the event that decides the state of one purpose x
// channel x contact point among `events` (all of that key): the latest by
// occur_time, ties broken by record order. nullptr when empty.
const storage::ConsentEventRecord* DecidingEvent(
    absl::Span<const storage::ConsentEventRecord> events);

// ExpireTime returns when a grant made at `occur_time` stops counting under
// a validity of `validity_months` (calendar months, UTC); nullopt when
// validity_months is 0 (no expiry).
std::optional<absl::Time> ExpireTime(absl::Time occur_time, int validity_months);

// EvaluateState returns the state of `state` at `now` under `purpose`:
// DENIED, WITHDRAWN, PENDING_CONFIRMATION, EXPIRED (a grant whose validity
// has passed) or GRANTED. Sets *expire_time (when not null) for a grant that
// expires.
customerprofile::v1::ConsentState EvaluateState(const storage::ConsentStateRecord& state,
                                                const customerprofile::v1::Purpose& purpose,
                                                absl::Time now,
                                                std::optional<absl::Time>* expire_time = nullptr);

// Decide answers a check of `purpose` on `channel` at `now`. In order: a
// channel the purpose does not cover -> PURPOSE_NOT_FOR_CHANNEL; a deleted
// profile -> PROFILE_DELETED; a suppression -> SUPPRESSED. Otherwise the
// least permissive of the applying states wins (denied/withdrawn, then
// expired, then pending, then granted; the latest event among equals). A
// CONSENT purpose allows only a granted state (no state: NO_CONSENT); any
// other legal basis allows unless the winner is a denial or withdrawal
// (GRANTED when granted, else LEGITIMATE_INTEREST).
CheckOutcome Decide(const customerprofile::v1::Purpose& purpose,
                    customerprofile::v1::Channel channel, const CheckFacts& facts, absl::Time now);

}  // namespace cp::domain
