#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/insights.pb.h"
#include "customerprofile/v1/interaction.pb.h"
#include "domain/interaction/insights_state.h"

namespace cp::domain {

// ValueTiers turns a lifetime value in one reporting currency into a tier
// name: the highest threshold at or below the value.
struct ValueTiers {
  // ISO 4217; empty: no tiers.
  std::string currency;
  // (tier, threshold in nanos), ascending by threshold.
  std::vector<std::pair<std::string, __int128>> thresholds;
};

// ParseValueTiers reads --value-tiers: "" (none) or
// "CUR:tier=amount,tier=amount,..." such as
// "NOK:bronze=0,silver=5000,gold=25000" (amounts in whole units, tiers
// lowercase slugs). INVALID_ARGUMENT telling what is wrong.
absl::StatusOr<ValueTiers> ParseValueTiers(absl::string_view text);

// ValueTiersText writes `tiers` as ParseValueTiers reads them, thresholds
// ascending ("" without tiers): equal tiers give equal text.
std::string ValueTiersText(const ValueTiers& tiers);

// ComputeInsights derives the insights of a profile from its whole
// timeline, in any order (the result does not depend on it):
// - per currency: lifetime value = sum of ORDER amounts minus sum of REFUND
//   amounts, the order count, average order value (ORDER sum / count),
//   first and last order time, total paid (sum of PAYMENT amounts);
// - per channel: the last occur_time, inbound and outbound counts;
// - satisfaction: CSAT count and mean, NPS promoters (9-10), passives
//   (7-8), detractors (0-6) and score, customer-effort count and mean,
//   complaint count, the last occur_time with a survey answer;
// - the preferred inbound channel: most inbound interactions over the 365
//   days up to the latest interaction (ties: the later last use, then the
//   lower channel number);
// - the value tier of the lifetime value in tiers.currency, none without an
//   order in it.
// InsightsOf derives the insights above from a timeline's running totals.
customerprofile::v1::ProfileInsights InsightsOf(absl::string_view profile_id,
                                                const InsightsState& state,
                                                const ValueTiers& tiers);

// ComputeInsights is InsightsOf(StateOf(timeline)).
customerprofile::v1::ProfileInsights ComputeInsights(
    absl::string_view profile_id, const std::vector<customerprofile::v1::Interaction>& timeline,
    const ValueTiers& tiers);

}  // namespace cp::domain
