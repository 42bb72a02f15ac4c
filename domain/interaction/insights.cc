#include "domain/interaction/insights.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/common/money.h"
#include "domain/common/proto_time.h"
#include "domain/common/slugs.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
namespace internal = ::customerprofile::internal::v1;

google::protobuf::Timestamp TimeOfMicros(int64_t micros) {
  return ToProtoTime(absl::FromUnixMicros(micros));
}

}  // namespace

absl::StatusOr<ValueTiers> ParseValueTiers(absl::string_view text) {
  ValueTiers tiers;
  if (text.empty()) return tiers;
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  std::string currency(parts.first);
  bool code = currency.size() == 3;
  for (char c : currency) code = code && absl::ascii_isupper(static_cast<unsigned char>(c));
  if (!code)
    return absl::InvalidArgumentError("--value-tiers must start with an ISO 4217 code, as NOK:");
  if (parts.second.empty()) {
    return absl::InvalidArgumentError("--value-tiers needs at least one tier after the currency");
  }
  tiers.currency = currency;
  for (absl::string_view item : absl::StrSplit(parts.second, ',')) {
    std::pair<absl::string_view, absl::string_view> tier =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    int64_t units = 0;
    if (!IsTag(tier.first) || !absl::SimpleAtoi(tier.second, &units) || units < 0) {
      return absl::InvalidArgumentError(
          "--value-tiers takes CUR:tier=amount,... with lowercase tier names and whole, "
          "non-negative amounts, e.g. NOK:bronze=0,silver=5000,gold=25000");
    }
    tiers.thresholds.emplace_back(std::string(tier.first),
                                  static_cast<__int128>(units) * kNanosPerUnit);
  }
  std::sort(tiers.thresholds.begin(), tiers.thresholds.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return tiers;
}

std::string ValueTiersText(const ValueTiers& tiers) {
  if (tiers.currency.empty()) return "";
  std::string text = tiers.currency + ":";
  for (size_t i = 0; i < tiers.thresholds.size(); ++i) {
    absl::StrAppend(&text, i == 0 ? "" : ",", tiers.thresholds[i].first, "=",
                    static_cast<int64_t>(tiers.thresholds[i].second / kNanosPerUnit));
  }
  return text;
}

v1::ProfileInsights InsightsOf(absl::string_view profile_id, const InsightsState& state,
                               const ValueTiers& tiers) {
  v1::ProfileInsights insights;
  insights.set_name(absl::StrCat("profiles/", profile_id, "/insights"));
  insights.set_interaction_count(state.interaction_count());
  if (state.has_latest_micros()) {
    *insights.mutable_last_interaction_time() = TimeOfMicros(state.latest_micros());
  }
  v1::SatisfactionSummary* satisfaction = insights.mutable_satisfaction();
  satisfaction->set_csat_count(state.csat_count());
  if (state.csat_count() > 0) {
    satisfaction->set_csat_mean(static_cast<double>(state.csat_sum()) / state.csat_count());
  }
  satisfaction->set_nps_promoters(state.nps_promoters());
  satisfaction->set_nps_passives(state.nps_passives());
  satisfaction->set_nps_detractors(state.nps_detractors());
  const int64_t nps_answers = state.nps_promoters() + state.nps_passives() + state.nps_detractors();
  if (nps_answers > 0) {
    satisfaction->set_nps_score(
        100.0 * static_cast<double>(state.nps_promoters() - state.nps_detractors()) /
        static_cast<double>(nps_answers));
  }
  satisfaction->set_customer_effort_count(state.customer_effort_count());
  if (state.customer_effort_count() > 0) {
    satisfaction->set_customer_effort_mean(static_cast<double>(state.customer_effort_sum()) /
                                           state.customer_effort_count());
  }
  satisfaction->set_complaint_count(state.complaint_count());
  if (state.has_last_survey_micros()) {
    *satisfaction->mutable_last_survey_time() = TimeOfMicros(state.last_survey_micros());
  }

  for (const internal::CurrencyTotals& currency : state.currencies()) {
    const std::string& code = currency.currency_code();
    const __int128 ordered = MoneyNanos(currency.ordered());
    v1::CurrencyValue* value = insights.add_values();
    value->set_currency_code(code);
    *value->mutable_lifetime_value() =
        MoneyOfNanos(code, ordered - MoneyNanos(currency.refunded()));
    value->set_order_count(currency.order_count());
    if (currency.order_count() > 0) {
      *value->mutable_average_order_value() = MoneyOfNanos(code, ordered / currency.order_count());
      *value->mutable_first_order_time() = TimeOfMicros(currency.first_order_micros());
      *value->mutable_last_order_time() = TimeOfMicros(currency.last_order_micros());
    }
    *value->mutable_total_paid() = MoneyOfNanos(code, MoneyNanos(currency.paid()));
    if (code == tiers.currency && currency.order_count() > 0) {
      const __int128 lifetime = ordered - MoneyNanos(currency.refunded());
      for (const auto& [tier, threshold] : tiers.thresholds) {
        if (lifetime >= threshold) insights.set_value_tier(tier);
      }
    }
  }

  // The preferred inbound channel over the window: more uses win; then the
  // later last use; then the lower number.
  std::optional<std::tuple<int64_t, int64_t, int>> best;
  for (const internal::ChannelTotals& channel : state.channels()) {
    v1::ChannelActivity* activity = insights.add_channels();
    activity->set_channel(static_cast<v1::InteractionChannel>(channel.channel()));
    *activity->mutable_last_interaction_time() = TimeOfMicros(channel.last_micros());
    activity->set_inbound_count(channel.inbound_count());
    activity->set_outbound_count(channel.outbound_count());
    if (channel.window_inbound_count() == 0) continue;
    auto candidate = std::make_tuple(channel.window_inbound_count(), channel.last_inbound_micros(),
                                     -channel.channel());
    if (!best.has_value() || candidate > *best) best = candidate;
  }
  if (best.has_value()) {
    insights.set_preferred_inbound_channel(
        static_cast<v1::InteractionChannel>(-std::get<2>(*best)));
  }
  return insights;
}

v1::ProfileInsights ComputeInsights(absl::string_view profile_id,
                                    const std::vector<v1::Interaction>& timeline,
                                    const ValueTiers& tiers) {
  return InsightsOf(profile_id, StateOf(timeline), tiers);
}

}  // namespace cp::domain
