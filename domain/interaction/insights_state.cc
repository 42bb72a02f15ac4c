#include "domain/interaction/insights_state.h"

#include <algorithm>
#include <string>

#include "absl/time/time.h"
#include "domain/common/money.h"
#include "domain/common/proto_time.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
namespace internal = ::customerprofile::internal::v1;

int64_t MicrosOf(const v1::Interaction& interaction) {
  return absl::ToUnixMicros(FromProtoTime(interaction.occur_time()));
}

// CurrencyOf finds or inserts the totals of `code`, keeping them by code.
internal::CurrencyTotals* CurrencyOf(const std::string& code, InsightsState* state) {
  auto* list = state->mutable_currencies();
  auto it = std::lower_bound(list->begin(), list->end(), code,
                             [](const internal::CurrencyTotals& totals, const std::string& key) {
                               return totals.currency_code() < key;
                             });
  if (it != list->end() && it->currency_code() == code) return &*it;
  const int at = static_cast<int>(it - list->begin());
  internal::CurrencyTotals* added = list->Add();
  added->set_currency_code(code);
  for (int i = list->size() - 1; i > at; --i) list->SwapElements(i, i - 1);
  return list->Mutable(at);
}

// ChannelOf finds or inserts the totals of channel `number`, keeping them by
// number.
internal::ChannelTotals* ChannelOf(int number, InsightsState* state) {
  auto* list = state->mutable_channels();
  auto it = std::lower_bound(
      list->begin(), list->end(), number,
      [](const internal::ChannelTotals& totals, int key) { return totals.channel() < key; });
  if (it != list->end() && it->channel() == number) return &*it;
  const int at = static_cast<int>(it - list->begin());
  list->Add()->set_channel(number);
  for (int i = list->size() - 1; i > at; --i) list->SwapElements(i, i - 1);
  return list->Mutable(at);
}

void AddMoney(const google::type::Money& amount, google::type::Money* sum) {
  *sum = MoneyOfNanos(amount.currency_code(), MoneyNanos(*sum) + MoneyNanos(amount));
}

// AddOutsideWindow adds what one interaction contributes to everything but
// the preference window's counts.
void AddOutsideWindow(const v1::Interaction& interaction, InsightsState* state) {
  const int64_t when = MicrosOf(interaction);
  state->set_interaction_count(state->interaction_count() + 1);
  state->set_latest_micros(state->has_latest_micros() ? std::max(state->latest_micros(), when)
                                                      : when);
  internal::ChannelTotals* channel = ChannelOf(interaction.channel(), state);
  channel->set_last_micros(channel->has_last_micros() ? std::max(channel->last_micros(), when)
                                                      : when);
  if (interaction.direction() == v1::INTERACTION_DIRECTION_INBOUND) {
    channel->set_inbound_count(channel->inbound_count() + 1);
    channel->set_last_inbound_micros(
        channel->has_last_inbound_micros() ? std::max(channel->last_inbound_micros(), when) : when);
  } else if (interaction.direction() == v1::INTERACTION_DIRECTION_OUTBOUND) {
    channel->set_outbound_count(channel->outbound_count() + 1);
  }
  if (interaction.has_amount()) {
    const std::string& code = interaction.amount().currency_code();
    switch (interaction.kind()) {
      case v1::INTERACTION_KIND_ORDER: {
        internal::CurrencyTotals* currency = CurrencyOf(code, state);
        AddMoney(interaction.amount(), currency->mutable_ordered());
        currency->set_order_count(currency->order_count() + 1);
        currency->set_first_order_micros(currency->has_first_order_micros()
                                             ? std::min(currency->first_order_micros(), when)
                                             : when);
        currency->set_last_order_micros(currency->has_last_order_micros()
                                            ? std::max(currency->last_order_micros(), when)
                                            : when);
        break;
      }
      case v1::INTERACTION_KIND_REFUND:
        AddMoney(interaction.amount(), CurrencyOf(code, state)->mutable_refunded());
        break;
      case v1::INTERACTION_KIND_PAYMENT:
        AddMoney(interaction.amount(), CurrencyOf(code, state)->mutable_paid());
        break;
      default:
        // An INVOICE (or another kind with an amount) still names its
        // currency among the values.
        CurrencyOf(code, state);
        break;
    }
  }
  if (interaction.kind() == v1::INTERACTION_KIND_COMPLAINT) {
    state->set_complaint_count(state->complaint_count() + 1);
  }
  if (interaction.has_satisfaction()) {
    const v1::Satisfaction& answer = interaction.satisfaction();
    state->set_last_survey_micros(
        state->has_last_survey_micros() ? std::max(state->last_survey_micros(), when) : when);
    switch (answer.score_case()) {
      case v1::Satisfaction::kCsat:
        state->set_csat_count(state->csat_count() + 1);
        state->set_csat_sum(state->csat_sum() + answer.csat());
        break;
      case v1::Satisfaction::kNps:
        if (answer.nps() >= 9) {
          state->set_nps_promoters(state->nps_promoters() + 1);
        } else if (answer.nps() >= 7) {
          state->set_nps_passives(state->nps_passives() + 1);
        } else {
          state->set_nps_detractors(state->nps_detractors() + 1);
        }
        break;
      case v1::Satisfaction::kCustomerEffort:
        state->set_customer_effort_count(state->customer_effort_count() + 1);
        state->set_customer_effort_sum(state->customer_effort_sum() + answer.customer_effort());
        break;
      case v1::Satisfaction::SCORE_NOT_SET:
        break;
    }
  }
}

int64_t LatestOf(const InsightsState& state, const std::vector<v1::Interaction>& added) {
  int64_t latest = state.has_latest_micros() ? state.latest_micros() : INT64_MIN;
  for (const v1::Interaction& interaction : added) latest = std::max(latest, MicrosOf(interaction));
  return latest;
}

}  // namespace

std::optional<WindowExit> WindowExitOf(const InsightsState& state,
                                       const std::vector<v1::Interaction>& added) {
  if (!state.has_latest_micros()) return std::nullopt;
  const int64_t latest = LatestOf(state, added);
  if (latest <= state.latest_micros()) return std::nullopt;
  bool any = false;
  for (const internal::ChannelTotals& channel : state.channels()) {
    any = any || channel.window_inbound_count() > 0;
  }
  if (!any) return std::nullopt;
  return WindowExit{state.latest_micros() - kPreferenceWindowMicros,
                    latest - kPreferenceWindowMicros};
}

void ApplyRecorded(const std::vector<v1::Interaction>& added, const std::map<int, int64_t>& exited,
                   InsightsState* state) {
  if (added.empty()) return;
  const int64_t since = LatestOf(*state, added) - kPreferenceWindowMicros;
  for (const auto& [number, count] : exited) {
    internal::ChannelTotals* channel = ChannelOf(number, state);
    channel->set_window_inbound_count(
        std::max<int64_t>(0, channel->window_inbound_count() - count));
  }
  for (const v1::Interaction& interaction : added) {
    AddOutsideWindow(interaction, state);
    if (interaction.direction() == v1::INTERACTION_DIRECTION_INBOUND &&
        MicrosOf(interaction) >= since) {
      internal::ChannelTotals* channel = ChannelOf(interaction.channel(), state);
      channel->set_window_inbound_count(channel->window_inbound_count() + 1);
    }
  }
}

InsightsState StateOf(const std::vector<v1::Interaction>& timeline) {
  InsightsState state;
  ApplyRecorded(timeline, {}, &state);
  return state;
}

}  // namespace cp::domain
