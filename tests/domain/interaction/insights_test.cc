#include "domain/interaction/insights.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "absl/time/time.h"
#include "domain/common/proto_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01

v1::Interaction Make(v1::InteractionKind kind, v1::InteractionChannel channel,
                     v1::InteractionDirection direction, absl::Duration after, int64_t units = 0,
                     const char* currency = "NOK") {
  v1::Interaction interaction;
  interaction.set_kind(kind);
  interaction.set_channel(channel);
  interaction.set_direction(direction);
  *interaction.mutable_occur_time() = ToProtoTime(kT0 + after);
  if (units > 0) {
    interaction.mutable_amount()->set_currency_code(currency);
    interaction.mutable_amount()->set_units(units);
  }
  return interaction;
}

std::vector<v1::Interaction> Timeline() {
  constexpr auto kIn = v1::INTERACTION_DIRECTION_INBOUND;
  constexpr auto kOut = v1::INTERACTION_DIRECTION_OUTBOUND;
  std::vector<v1::Interaction> t = {
      Make(v1::INTERACTION_KIND_ORDER, v1::INTERACTION_CHANNEL_WEB, kIn, absl::Hours(1), 1000),
      Make(v1::INTERACTION_KIND_ORDER, v1::INTERACTION_CHANNEL_WEB, kIn, absl::Hours(50), 3000),
      Make(v1::INTERACTION_KIND_REFUND, v1::INTERACTION_CHANNEL_WEB, kOut, absl::Hours(60), 500),
      Make(v1::INTERACTION_KIND_PAYMENT, v1::INTERACTION_CHANNEL_POST, kIn, absl::Hours(70), 3500),
      Make(v1::INTERACTION_KIND_ORDER, v1::INTERACTION_CHANNEL_STORE, kIn, absl::Hours(80), 20,
           "EUR"),
      Make(v1::INTERACTION_KIND_CALL, v1::INTERACTION_CHANNEL_PHONE_CALL, kIn, absl::Hours(90)),
      Make(v1::INTERACTION_KIND_CALL, v1::INTERACTION_CHANNEL_PHONE_CALL, kIn, absl::Hours(91)),
      Make(v1::INTERACTION_KIND_COMPLAINT, v1::INTERACTION_CHANNEL_EMAIL, kIn, absl::Hours(92)),
      // Older than a year before the latest: not counted for the preference.
      Make(v1::INTERACTION_KIND_VISIT, v1::INTERACTION_CHANNEL_STORE, kIn, -absl::Hours(24 * 400)),
      Make(v1::INTERACTION_KIND_VISIT, v1::INTERACTION_CHANNEL_STORE, kIn, -absl::Hours(24 * 401)),
  };
  t[5].mutable_satisfaction()->set_csat(5);
  t[6].mutable_satisfaction()->set_csat(2);
  t[7].mutable_satisfaction()->set_nps(3);
  v1::Interaction survey = Make(v1::INTERACTION_KIND_SURVEY_RESPONSE, v1::INTERACTION_CHANNEL_EMAIL,
                                kIn, absl::Hours(93));
  survey.mutable_satisfaction()->set_nps(10);
  t.push_back(survey);
  return t;
}

// Verifies every figure on a hand-computed timeline: value per currency
// (orders minus refunds; payments apart), channel activity, satisfaction,
// the preferred inbound channel within the year, and the tier.
TEST(ComputeInsightsTest, EveryFigureOnAKnownTimeline) {
  absl::StatusOr<ValueTiers> tiers = ParseValueTiers("NOK:bronze=0,silver=2000,gold=25000");
  ASSERT_TRUE(tiers.ok()) << tiers.status();
  v1::ProfileInsights insights = ComputeInsights("kari", Timeline(), *tiers);

  EXPECT_EQ(insights.name(), "profiles/kari/insights");
  EXPECT_EQ(insights.interaction_count(), 11);
  ASSERT_EQ(insights.values_size(), 2);
  const v1::CurrencyValue& eur = insights.values(0);
  const v1::CurrencyValue& nok = insights.values(1);
  EXPECT_EQ(eur.currency_code(), "EUR");
  EXPECT_EQ(eur.lifetime_value().units(), 20);
  EXPECT_EQ(nok.lifetime_value().units(), 3500);  // 1000 + 3000 - 500
  EXPECT_EQ(nok.order_count(), 2);
  EXPECT_EQ(nok.average_order_value().units(), 2000);
  EXPECT_EQ(nok.total_paid().units(), 3500);
  EXPECT_EQ(FromProtoTime(nok.first_order_time()), kT0 + absl::Hours(1));
  EXPECT_EQ(FromProtoTime(nok.last_order_time()), kT0 + absl::Hours(50));
  EXPECT_EQ(insights.value_tier(), "silver");

  const v1::SatisfactionSummary& s = insights.satisfaction();
  EXPECT_EQ(s.csat_count(), 2);
  EXPECT_DOUBLE_EQ(s.csat_mean(), 3.5);
  EXPECT_EQ(s.nps_promoters(), 1);
  EXPECT_EQ(s.nps_detractors(), 1);
  EXPECT_DOUBLE_EQ(s.nps_score(), 0.0);
  EXPECT_EQ(s.complaint_count(), 1);
  EXPECT_EQ(FromProtoTime(s.last_survey_time()), kT0 + absl::Hours(93));

  // Inbound within the year up to hour 93: web 2, phone 2 (later), email 2
  // (latest: hour 93), post 1, store 1 (the two old visits do not count).
  EXPECT_EQ(insights.preferred_inbound_channel(), v1::INTERACTION_CHANNEL_EMAIL);
  EXPECT_EQ(FromProtoTime(insights.last_interaction_time()), kT0 + absl::Hours(93));
  ASSERT_EQ(insights.channels_size(), 5);
  EXPECT_EQ(insights.channels(0).channel(), v1::INTERACTION_CHANNEL_WEB);
  EXPECT_EQ(insights.channels(0).inbound_count(), 2);
  EXPECT_EQ(insights.channels(0).outbound_count(), 1);
}

// Verifies the result does not depend on the order of the timeline.
TEST(ComputeInsightsTest, OrderDoesNotMatter) {
  ValueTiers tiers = *ParseValueTiers("NOK:a=0,b=3000");
  std::vector<v1::Interaction> timeline = Timeline();
  v1::ProfileInsights first = ComputeInsights("kari", timeline, tiers);
  std::mt19937 random(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(timeline.begin(), timeline.end(), random);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        ComputeInsights("kari", timeline, tiers), first));
  }
}

// Verifies ValueTiersText writes what ParseValueTiers reads, in threshold
// order, so that equal tiers compare equal.
TEST(ComputeInsightsTest, TiersTextRoundTrips) {
  ValueTiers tiers = *ParseValueTiers("NOK:gold=25000,bronze=0,silver=5000");
  EXPECT_EQ(ValueTiersText(tiers), "NOK:bronze=0,silver=5000,gold=25000");
  EXPECT_EQ(ValueTiersText(*ParseValueTiers(ValueTiersText(tiers))), ValueTiersText(tiers));
  EXPECT_EQ(ValueTiersText(ValueTiers{}), "");
}

// Verifies the tier needs an order in the reporting currency, and the
// flag's errors.
TEST(ComputeInsightsTest, TiersAndTheirFlag) {
  ValueTiers tiers = *ParseValueTiers("USD:bronze=0");
  EXPECT_EQ(ComputeInsights("kari", Timeline(), tiers).value_tier(), "");
  EXPECT_TRUE(ParseValueTiers("").ok());
  EXPECT_FALSE(ParseValueTiers("nok:a=0").ok());
  EXPECT_FALSE(ParseValueTiers("NOK:Gold=5").ok());
  EXPECT_FALSE(ParseValueTiers("NOK:gold=-5").ok());
  EXPECT_FALSE(ParseValueTiers("NOK").ok());
}

}  // namespace
}  // namespace cp::domain

namespace cp::domain {
namespace {

// Verifies ApplyRecorded: a timeline added in random batches, in random
// order, with the store's count of what left the preference window taken
// from the interactions added before, ends with the state StateOf gives
// the whole timeline, and so with the same insights.
TEST(InsightsStateTest, BatchesOfAdditionsEqualAStateFromScratch) {
  std::mt19937 random(3);
  for (int round = 0; round < 50; ++round) {
    std::vector<v1::Interaction> timeline;
    for (int i = 0; i < 60; ++i) {
      const auto kind = std::uniform_int_distribution<int>(0, 2)(random) == 0
                            ? v1::INTERACTION_KIND_ORDER
                            : v1::INTERACTION_KIND_CALL;
      v1::Interaction interaction = Make(
          kind,
          static_cast<v1::InteractionChannel>(std::uniform_int_distribution<int>(1, 4)(random)),
          std::uniform_int_distribution<int>(0, 1)(random) == 0
              ? v1::INTERACTION_DIRECTION_INBOUND
              : v1::INTERACTION_DIRECTION_OUTBOUND,
          absl::Hours(std::uniform_int_distribution<int>(0, 24 * 1000)(random)),
          kind == v1::INTERACTION_KIND_ORDER ? 100 : 0);
      if (kind == v1::INTERACTION_KIND_CALL) interaction.mutable_satisfaction()->set_csat(3);
      timeline.push_back(interaction);
    }
    InsightsState state;
    std::vector<v1::Interaction> stored;
    size_t next = 0;
    while (next < timeline.size()) {
      const size_t n = std::min<size_t>(timeline.size() - next,
                                        std::uniform_int_distribution<size_t>(1, 7)(random));
      std::vector<v1::Interaction> added(timeline.begin() + next, timeline.begin() + next + n);
      next += n;
      std::map<int, int64_t> exited;
      if (std::optional<WindowExit> exit = WindowExitOf(state, added); exit.has_value()) {
        for (const v1::Interaction& old : stored) {
          const int64_t when = absl::ToUnixMicros(FromProtoTime(old.occur_time()));
          if (old.direction() == v1::INTERACTION_DIRECTION_INBOUND && when >= exit->from_micros &&
              when < exit->to_micros) {
            ++exited[old.channel()];
          }
        }
      }
      ApplyRecorded(added, exited, &state);
      stored.insert(stored.end(), added.begin(), added.end());
      std::string diff;
      google::protobuf::util::MessageDifferencer differencer;
      differencer.ReportDifferencesToString(&diff);
      ASSERT_TRUE(differencer.Compare(state, StateOf(stored))) << "round " << round << ": " << diff;
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        InsightsOf("kari", state, {}), ComputeInsights("kari", timeline, {})));
  }
}

}  // namespace
}  // namespace cp::domain
