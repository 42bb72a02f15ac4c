#include "domain/consent/consent_evaluator.h"

#include <vector>

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::ConsentEventRecord;
using storage::ConsentStateRecord;

const absl::Time kNow = absl::FromUnixSeconds(1750000000);

v1::Purpose MakePurpose(v1::LegalBasis basis, int validity_months = 0) {
  v1::Purpose purpose;
  purpose.set_legal_basis(basis);
  purpose.add_channels(v1::CHANNEL_EMAIL);
  purpose.set_consent_validity_months(validity_months);
  return purpose;
}

ConsentStateRecord State(v1::ConsentDecision decision, absl::Time occur, int64_t sequence,
                         std::string contact_point = "", bool pending = false) {
  ConsentStateRecord state;
  state.event_id = "e" + std::to_string(sequence);
  state.decision = decision;
  state.occur_time = occur;
  state.sequence = sequence;
  state.contact_point = std::move(contact_point);
  state.pending_confirmation = pending;
  return state;
}

ConsentEventRecord Event(v1::ConsentDecision decision, absl::Time occur, int64_t sequence) {
  ConsentEventRecord event;
  event.event_id = "e" + std::to_string(sequence);
  event.occur_time = occur;
  event.sequence = sequence;
  event.event.set_decision(decision);
  return event;
}

CheckOutcome DecideWith(const v1::Purpose& purpose, const std::vector<ConsentStateRecord>& states,
                        absl::Time now = kNow) {
  CheckFacts facts;
  for (const ConsentStateRecord& state : states) facts.states.push_back(&state);
  return Decide(purpose, v1::CHANNEL_EMAIL, facts, now);
}

// Verifies that a back-dated paper withdrawal recorded after a newer web
// grant does not override the grant: the later occurrence decides.
TEST(ConsentEvaluatorTest, BackDatedWithdrawalDoesNotOverrideNewerGrant) {
  std::vector<ConsentEventRecord> events = {
      Event(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(1), 1),
      Event(v1::CONSENT_DECISION_WITHDRAWN, kNow - absl::Hours(48), 2)};
  const ConsentEventRecord* deciding = DecidingEvent(events);
  ASSERT_NE(deciding, nullptr);
  EXPECT_EQ(deciding->event_id, "e1");
}

// Verifies the reverse: a newer withdrawal recorded after an older grant wins.
TEST(ConsentEvaluatorTest, NewerWithdrawalRecordedLaterOverridesGrant) {
  std::vector<ConsentEventRecord> events = {
      Event(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(48), 1),
      Event(v1::CONSENT_DECISION_WITHDRAWN, kNow - absl::Hours(1), 2)};
  EXPECT_EQ(DecidingEvent(events)->event_id, "e2");
  // And a back-dated grant entered after a newer withdrawal does not win.
  events.push_back(Event(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(72), 3));
  EXPECT_EQ(DecidingEvent(events)->event_id, "e2");
}

// Verifies that equal occur times are decided by record order.
TEST(ConsentEvaluatorTest, TiesGoToTheLaterRecord) {
  std::vector<ConsentEventRecord> events = {Event(v1::CONSENT_DECISION_WITHDRAWN, kNow, 7),
                                            Event(v1::CONSENT_DECISION_GRANTED, kNow, 9),
                                            Event(v1::CONSENT_DECISION_DENIED, kNow, 8)};
  EXPECT_EQ(DecidingEvent(events)->event_id, "e9");
  EXPECT_EQ(DecidingEvent({}), nullptr);
}

// Verifies that a grant expires after the validity months, evaluated at the
// time asked, and that no validity means no expiry.
TEST(ConsentEvaluatorTest, GrantExpiresAfterValidityMonths) {
  absl::Time granted =
      absl::FromCivil(absl::CivilSecond(2024, 1, 15, 10, 0, 0), absl::UTCTimeZone());
  ConsentStateRecord state = State(v1::CONSENT_DECISION_GRANTED, granted, 1);
  v1::Purpose purpose = MakePurpose(v1::LEGAL_BASIS_CONSENT, 24);
  absl::Time expiry =
      absl::FromCivil(absl::CivilSecond(2026, 1, 15, 10, 0, 0), absl::UTCTimeZone());
  std::optional<absl::Time> expire_time;
  EXPECT_EQ(EvaluateState(state, purpose, expiry - absl::Seconds(1), &expire_time),
            v1::CONSENT_STATE_GRANTED);
  ASSERT_TRUE(expire_time.has_value());
  EXPECT_EQ(*expire_time, expiry);
  EXPECT_EQ(EvaluateState(state, purpose, expiry), v1::CONSENT_STATE_EXPIRED);
  CheckOutcome outcome = DecideWith(purpose, {state}, expiry + absl::Hours(1));
  EXPECT_FALSE(outcome.allowed);
  EXPECT_EQ(outcome.reason, v1::CHECK_REASON_EXPIRED);
  EXPECT_EQ(
      EvaluateState(state, MakePurpose(v1::LEGAL_BASIS_CONSENT, 0), expiry + absl::Hours(9e4)),
      v1::CONSENT_STATE_GRANTED);
}

// Verifies the ranking: denied/withdrawn beats expired beats pending beats
// granted, whichever is on the channel or on the contact point.
TEST(ConsentEvaluatorTest, LeastPermissiveStateWins) {
  v1::Purpose purpose = MakePurpose(v1::LEGAL_BASIS_CONSENT, 1);
  ConsentStateRecord granted = State(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(1), 1);
  ConsentStateRecord pending =
      State(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(2), 2, "a@x.example", true);
  ConsentStateRecord expired =
      State(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(24 * 60), 3, "b@x.example");
  ConsentStateRecord withdrawn =
      State(v1::CONSENT_DECISION_WITHDRAWN, kNow - absl::Hours(24 * 90), 4, "c@x.example");

  EXPECT_EQ(DecideWith(purpose, {granted}).reason, v1::CHECK_REASON_GRANTED);
  EXPECT_TRUE(DecideWith(purpose, {granted}).allowed);
  EXPECT_EQ(DecideWith(purpose, {granted, pending}).reason, v1::CHECK_REASON_PENDING_CONFIRMATION);
  EXPECT_EQ(DecideWith(purpose, {pending, granted, expired}).reason, v1::CHECK_REASON_EXPIRED);
  CheckOutcome outcome = DecideWith(purpose, {granted, withdrawn, pending, expired});
  EXPECT_FALSE(outcome.allowed);
  EXPECT_EQ(outcome.reason, v1::CHECK_REASON_WITHDRAWN);
  EXPECT_EQ(outcome.event_id, "e4");
  EXPECT_EQ(DecideWith(purpose, {}).reason, v1::CHECK_REASON_NO_CONSENT);
  EXPECT_FALSE(DecideWith(purpose, {}).allowed);
}

// Verifies that suppression, a deleted profile and an uncovered channel
// come before any consent.
TEST(ConsentEvaluatorTest, SuppressionDeletionAndChannelComeFirst) {
  v1::Purpose purpose = MakePurpose(v1::LEGAL_BASIS_CONSENT);
  ConsentStateRecord granted = State(v1::CONSENT_DECISION_GRANTED, kNow, 1);
  CheckFacts facts;
  facts.states = {&granted};
  facts.suppression = SuppressionHit{"suppressionLists/rr", "+4791234567"};
  CheckOutcome outcome = Decide(purpose, v1::CHANNEL_EMAIL, facts, kNow);
  EXPECT_FALSE(outcome.allowed);
  EXPECT_EQ(outcome.reason, v1::CHECK_REASON_SUPPRESSED);
  EXPECT_EQ(outcome.suppression->list, "suppressionLists/rr");
  facts.profile_deleted = true;
  EXPECT_EQ(Decide(purpose, v1::CHANNEL_EMAIL, facts, kNow).reason,
            v1::CHECK_REASON_PROFILE_DELETED);
  EXPECT_EQ(Decide(purpose, v1::CHANNEL_SMS, facts, kNow).reason,
            v1::CHECK_REASON_PURPOSE_NOT_FOR_CHANNEL);
}

// Verifies that a non-consent legal basis allows unless the customer
// objected, and ignores expiry and pending confirmation.
TEST(ConsentEvaluatorTest, LegitimateInterestAllowsUnlessObjected) {
  v1::Purpose purpose = MakePurpose(v1::LEGAL_BASIS_LEGITIMATE_INTEREST, 1);
  CheckOutcome none = DecideWith(purpose, {});
  EXPECT_TRUE(none.allowed);
  EXPECT_EQ(none.reason, v1::CHECK_REASON_LEGITIMATE_INTEREST);
  ConsentStateRecord expired = State(v1::CONSENT_DECISION_GRANTED, kNow - absl::Hours(24 * 60), 1);
  EXPECT_TRUE(DecideWith(purpose, {expired}).allowed);
  ConsentStateRecord denied = State(v1::CONSENT_DECISION_DENIED, kNow - absl::Hours(1), 2, "a@x");
  CheckOutcome objected = DecideWith(purpose, {expired, denied});
  EXPECT_FALSE(objected.allowed);
  EXPECT_EQ(objected.reason, v1::CHECK_REASON_DENIED);
  ConsentStateRecord granted = State(v1::CONSENT_DECISION_GRANTED, kNow, 3);
  EXPECT_EQ(DecideWith(purpose, {granted}).reason, v1::CHECK_REASON_GRANTED);
}

}  // namespace
}  // namespace cp::domain
