#include "domain/consent/consent_evaluator.h"

#include "absl/time/civil_time.h"
#include "domain/consent/purpose_channels.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// Restrictiveness ranks states: the higher, the less permissive.
int Restrictiveness(v1::ConsentState state) {
  switch (state) {
    case v1::CONSENT_STATE_DENIED:
    case v1::CONSENT_STATE_WITHDRAWN:
      return 4;
    case v1::CONSENT_STATE_EXPIRED:
      return 3;
    case v1::CONSENT_STATE_PENDING_CONFIRMATION:
      return 2;
    case v1::CONSENT_STATE_GRANTED:
      return 1;
    default:
      return 0;
  }
}

v1::CheckReason ReasonOf(v1::ConsentState state) {
  switch (state) {
    case v1::CONSENT_STATE_DENIED:
      return v1::CHECK_REASON_DENIED;
    case v1::CONSENT_STATE_WITHDRAWN:
      return v1::CHECK_REASON_WITHDRAWN;
    case v1::CONSENT_STATE_EXPIRED:
      return v1::CHECK_REASON_EXPIRED;
    case v1::CONSENT_STATE_PENDING_CONFIRMATION:
      return v1::CHECK_REASON_PENDING_CONFIRMATION;
    case v1::CONSENT_STATE_GRANTED:
      return v1::CHECK_REASON_GRANTED;
    default:
      return v1::CHECK_REASON_NO_CONSENT;
  }
}

}  // namespace

bool IsLater(absl::Time a_occur, int64_t a_sequence, absl::Time b_occur, int64_t b_sequence) {
  if (a_occur != b_occur) return a_occur > b_occur;
  return a_sequence > b_sequence;
}

const storage::ConsentEventRecord* DecidingEvent(
    absl::Span<const storage::ConsentEventRecord> events) {
  const storage::ConsentEventRecord* best = nullptr;
  for (const storage::ConsentEventRecord& event : events) {
    if (best == nullptr ||
        IsLater(event.occur_time, event.sequence, best->occur_time, best->sequence)) {
      best = &event;
    }
  }
  return best;
}

std::optional<absl::Time> ExpireTime(absl::Time occur_time, int validity_months) {
  if (validity_months <= 0) return std::nullopt;
  absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilSecond civil = absl::ToCivilSecond(occur_time, utc);
  // CivilSecond normalises: 31 January + 1 month is 3 (or 2) March.
  absl::CivilSecond later(civil.year(), civil.month() + validity_months, civil.day(), civil.hour(),
                          civil.minute(), civil.second());
  return absl::FromCivil(later, utc) + (occur_time - absl::FromCivil(civil, utc));
}

v1::ConsentState EvaluateState(const storage::ConsentStateRecord& state, const v1::Purpose& purpose,
                               absl::Time now, std::optional<absl::Time>* expire_time) {
  if (expire_time != nullptr) expire_time->reset();
  switch (state.decision) {
    case v1::CONSENT_DECISION_DENIED:
      return v1::CONSENT_STATE_DENIED;
    case v1::CONSENT_DECISION_WITHDRAWN:
      return v1::CONSENT_STATE_WITHDRAWN;
    case v1::CONSENT_DECISION_GRANTED:
      break;
    default:
      return v1::CONSENT_STATE_UNSPECIFIED;
  }
  if (state.pending_confirmation) return v1::CONSENT_STATE_PENDING_CONFIRMATION;
  std::optional<absl::Time> expires =
      ExpireTime(state.occur_time, purpose.consent_validity_months());
  if (expire_time != nullptr) *expire_time = expires;
  if (expires.has_value() && now >= *expires) return v1::CONSENT_STATE_EXPIRED;
  return v1::CONSENT_STATE_GRANTED;
}

CheckOutcome Decide(const v1::Purpose& purpose, v1::Channel channel, const CheckFacts& facts,
                    absl::Time now) {
  CheckOutcome outcome;
  if (!CoversChannel(purpose, channel)) {
    outcome.reason = v1::CHECK_REASON_PURPOSE_NOT_FOR_CHANNEL;
    return outcome;
  }
  if (facts.profile_deleted) {
    outcome.reason = v1::CHECK_REASON_PROFILE_DELETED;
    return outcome;
  }
  if (facts.suppression.has_value()) {
    outcome.reason = v1::CHECK_REASON_SUPPRESSED;
    outcome.suppression = facts.suppression;
    return outcome;
  }
  const storage::ConsentStateRecord* winner = nullptr;
  v1::ConsentState winner_state = v1::CONSENT_STATE_UNSPECIFIED;
  for (const storage::ConsentStateRecord* state : facts.states) {
    v1::ConsentState evaluated = EvaluateState(*state, purpose, now);
    int rank = Restrictiveness(evaluated);
    if (rank == 0) continue;
    int winner_rank = Restrictiveness(winner_state);
    if (winner == nullptr || rank > winner_rank ||
        (rank == winner_rank &&
         IsLater(state->occur_time, state->sequence, winner->occur_time, winner->sequence))) {
      winner = state;
      winner_state = evaluated;
    }
  }
  if (winner != nullptr) {
    outcome.event_id = winner->event_id;
    outcome.event_profile_id = winner->profile_id;
  }
  bool objected =
      winner_state == v1::CONSENT_STATE_DENIED || winner_state == v1::CONSENT_STATE_WITHDRAWN;
  if (purpose.legal_basis() != v1::LEGAL_BASIS_CONSENT) {
    outcome.allowed = !objected;
    if (objected || winner_state == v1::CONSENT_STATE_GRANTED) {
      outcome.reason = ReasonOf(winner_state);
    } else {
      outcome.reason = v1::CHECK_REASON_LEGITIMATE_INTEREST;
      outcome.event_id.clear();
      outcome.event_profile_id.clear();
    }
    return outcome;
  }
  outcome.reason = ReasonOf(winner_state);
  outcome.allowed = winner_state == v1::CONSENT_STATE_GRANTED;
  return outcome;
}

}  // namespace cp::domain
