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
#include "domain/common/proto_time.h"
#include "domain/common/slugs.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
constexpr int64_t kNanos = 1000000000;

__int128 NanosOf(const google::type::Money& money) {
  return static_cast<__int128>(money.units()) * kNanos + money.nanos();
}

google::type::Money ToMoney(absl::string_view currency, __int128 nanos) {
  constexpr __int128 kMax = static_cast<__int128>(std::numeric_limits<int64_t>::max()) * kNanos;
  nanos = std::clamp(nanos, -kMax, kMax);
  google::type::Money money;
  money.set_currency_code(std::string(currency));
  money.set_units(static_cast<int64_t>(nanos / kNanos));
  money.set_nanos(static_cast<int32_t>(nanos % kNanos));
  return money;
}

struct Currency {
  __int128 ordered = 0;
  __int128 refunded = 0;
  __int128 paid = 0;
  int64_t orders = 0;
  std::optional<absl::Time> first_order;
  std::optional<absl::Time> last_order;
};

struct Channel {
  absl::Time last = absl::InfinitePast();
  int64_t inbound = 0;
  int64_t outbound = 0;
};

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
    tiers.thresholds.emplace_back(std::string(tier.first), static_cast<__int128>(units) * kNanos);
  }
  std::sort(tiers.thresholds.begin(), tiers.thresholds.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return tiers;
}

v1::ProfileInsights ComputeInsights(absl::string_view profile_id,
                                    const std::vector<v1::Interaction>& timeline,
                                    const ValueTiers& tiers) {
  v1::ProfileInsights insights;
  insights.set_name(absl::StrCat("profiles/", profile_id, "/insights"));
  insights.set_interaction_count(static_cast<int64_t>(timeline.size()));
  std::map<std::string, Currency> currencies;
  std::map<int, Channel> channels;
  v1::SatisfactionSummary* satisfaction = insights.mutable_satisfaction();
  int64_t csat_sum = 0, effort_sum = 0;
  std::optional<absl::Time> last_survey;
  absl::Time latest = absl::InfinitePast();
  for (const v1::Interaction& interaction : timeline) {
    const absl::Time when = FromProtoTime(interaction.occur_time());
    latest = std::max(latest, when);
    Channel& channel = channels[interaction.channel()];
    channel.last = std::max(channel.last, when);
    if (interaction.direction() == v1::INTERACTION_DIRECTION_INBOUND) ++channel.inbound;
    if (interaction.direction() == v1::INTERACTION_DIRECTION_OUTBOUND) ++channel.outbound;
    if (interaction.has_amount()) {
      Currency& currency = currencies[interaction.amount().currency_code()];
      const __int128 nanos = NanosOf(interaction.amount());
      switch (interaction.kind()) {
        case v1::INTERACTION_KIND_ORDER:
          currency.ordered += nanos;
          ++currency.orders;
          currency.first_order = std::min(currency.first_order.value_or(when), when);
          currency.last_order = std::max(currency.last_order.value_or(when), when);
          break;
        case v1::INTERACTION_KIND_REFUND:
          currency.refunded += nanos;
          break;
        case v1::INTERACTION_KIND_PAYMENT:
          currency.paid += nanos;
          break;
        default:
          break;
      }
    }
    if (interaction.kind() == v1::INTERACTION_KIND_COMPLAINT) {
      satisfaction->set_complaint_count(satisfaction->complaint_count() + 1);
    }
    if (interaction.has_satisfaction()) {
      const v1::Satisfaction& answer = interaction.satisfaction();
      last_survey = std::max(last_survey.value_or(when), when);
      switch (answer.score_case()) {
        case v1::Satisfaction::kCsat:
          satisfaction->set_csat_count(satisfaction->csat_count() + 1);
          csat_sum += answer.csat();
          break;
        case v1::Satisfaction::kNps:
          if (answer.nps() >= 9) {
            satisfaction->set_nps_promoters(satisfaction->nps_promoters() + 1);
          } else if (answer.nps() >= 7) {
            satisfaction->set_nps_passives(satisfaction->nps_passives() + 1);
          } else {
            satisfaction->set_nps_detractors(satisfaction->nps_detractors() + 1);
          }
          break;
        case v1::Satisfaction::kCustomerEffort:
          satisfaction->set_customer_effort_count(satisfaction->customer_effort_count() + 1);
          effort_sum += answer.customer_effort();
          break;
        case v1::Satisfaction::SCORE_NOT_SET:
          break;
      }
    }
  }
  if (!timeline.empty()) *insights.mutable_last_interaction_time() = ToProtoTime(latest);
  if (satisfaction->csat_count() > 0) {
    satisfaction->set_csat_mean(static_cast<double>(csat_sum) / satisfaction->csat_count());
  }
  if (satisfaction->customer_effort_count() > 0) {
    satisfaction->set_customer_effort_mean(static_cast<double>(effort_sum) /
                                           satisfaction->customer_effort_count());
  }
  const int64_t nps_answers =
      satisfaction->nps_promoters() + satisfaction->nps_passives() + satisfaction->nps_detractors();
  if (nps_answers > 0) {
    satisfaction->set_nps_score(
        100.0 *
        static_cast<double>(satisfaction->nps_promoters() - satisfaction->nps_detractors()) /
        static_cast<double>(nps_answers));
  }
  if (last_survey.has_value())
    *satisfaction->mutable_last_survey_time() = ToProtoTime(*last_survey);

  for (const auto& [code, currency] : currencies) {
    v1::CurrencyValue* value = insights.add_values();
    value->set_currency_code(code);
    *value->mutable_lifetime_value() = ToMoney(code, currency.ordered - currency.refunded);
    value->set_order_count(currency.orders);
    if (currency.orders > 0) {
      *value->mutable_average_order_value() = ToMoney(code, currency.ordered / currency.orders);
      *value->mutable_first_order_time() = ToProtoTime(*currency.first_order);
      *value->mutable_last_order_time() = ToProtoTime(*currency.last_order);
    }
    *value->mutable_total_paid() = ToMoney(code, currency.paid);
  }
  for (const auto& [number, channel] : channels) {
    v1::ChannelActivity* activity = insights.add_channels();
    activity->set_channel(static_cast<v1::InteractionChannel>(number));
    *activity->mutable_last_interaction_time() = ToProtoTime(channel.last);
    activity->set_inbound_count(channel.inbound);
    activity->set_outbound_count(channel.outbound);
  }

  // The preferred inbound channel over the year up to the latest interaction.
  std::map<int, std::pair<int64_t, absl::Time>> recent;  // count, last use
  const absl::Time since = latest - absl::Hours(24 * 365);
  for (const v1::Interaction& interaction : timeline) {
    if (interaction.direction() != v1::INTERACTION_DIRECTION_INBOUND) continue;
    const absl::Time when = FromProtoTime(interaction.occur_time());
    if (when < since) continue;
    auto& [count, last] =
        recent.try_emplace(interaction.channel(), 0, absl::InfinitePast()).first->second;
    ++count;
    last = std::max(last, when);
  }
  std::optional<std::tuple<int64_t, absl::Time, int>> best;
  for (const auto& [number, use] : recent) {
    // More uses win; then the later last use; then the lower number.
    auto candidate = std::make_tuple(use.first, use.second, -number);
    if (!best.has_value() || candidate > *best) best = candidate;
  }
  if (best.has_value()) {
    insights.set_preferred_inbound_channel(
        static_cast<v1::InteractionChannel>(-std::get<2>(*best)));
  }

  auto reporting = currencies.find(tiers.currency);
  if (!tiers.currency.empty() && reporting != currencies.end() && reporting->second.orders > 0) {
    const __int128 value = reporting->second.ordered - reporting->second.refunded;
    for (const auto& [tier, threshold] : tiers.thresholds) {
      if (value >= threshold) insights.set_value_tier(tier);
    }
  }
  return insights;
}

}  // namespace cp::domain
