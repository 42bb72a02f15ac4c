#include "domain/consent/merge_group.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::ConsentStateRecord;

ConsentStateRecord State(const std::string& profile, const std::string& contact_point,
                         int64_t micros, int64_t sequence, v1::ConsentDecision decision) {
  ConsentStateRecord state;
  state.profile_id = profile;
  state.purpose_id = "offers";
  state.channel = v1::CHANNEL_SMS;
  state.contact_point = contact_point;
  state.event_id = absl::StrCat(profile, "-", sequence);
  state.occur_time = absl::FromUnixMicros(micros);
  state.sequence = sequence;
  state.decision = decision;
  return state;
}

// Verifies the union of several profiles' states keeps, per purpose x
// channel x contact point, the latest occurrence, and the record order
// between equal times: the ledger's own rule.
TEST(LatestStatesTest, LatestOccurrenceThenRecordOrderWinsPerKey) {
  std::vector<ConsentStateRecord> states = {
      State("survivor", "+4741234567", 100, 7, v1::CONSENT_DECISION_WITHDRAWN),
      State("merged", "+4741234567", 200, 3, v1::CONSENT_DECISION_GRANTED),
      State("survivor", "", 300, 1, v1::CONSENT_DECISION_GRANTED),
      State("merged", "", 300, 9, v1::CONSENT_DECISION_WITHDRAWN),
      State("merged", "+4799999999", 50, 2, v1::CONSENT_DECISION_GRANTED),
  };
  std::vector<ConsentStateRecord> latest = LatestStates(states);
  ASSERT_EQ(latest.size(), 3u);
  // Sorted by key: "" first, then the numbers.
  EXPECT_EQ(latest[0].contact_point, "");
  EXPECT_EQ(latest[0].event_id, "merged-9");  // same time: the later record
  EXPECT_EQ(latest[1].contact_point, "+4741234567");
  EXPECT_EQ(latest[1].event_id, "merged-3");  // the later occurrence, recorded earlier
  EXPECT_EQ(latest[2].contact_point, "+4799999999");
  EXPECT_EQ(latest[2].profile_id, "merged");
}

}  // namespace
}  // namespace cp::domain
