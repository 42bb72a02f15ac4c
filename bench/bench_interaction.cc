#include "bench/bench_interaction.h"

#include "absl/strings/str_cat.h"

namespace cp::bench {

namespace v1 = ::customerprofile::v1;

v1::Interaction MakeBenchInteraction(int64_t profile_index, int64_t k, const std::string& tag) {
  v1::Interaction interaction;
  const uint64_t mix = static_cast<uint64_t>(profile_index) * 2654435761u + k * 40503u;
  // 2024-12-01T00:00:00Z plus up to two years, later k later.
  constexpr int64_t kStart = 1733011200;
  constexpr int64_t kSpan = 2 * 365 * 24 * 3600;
  const int64_t seconds = kStart + (mix % 86400) + (k * 7919 * 3600) % kSpan;
  interaction.mutable_occur_time()->set_seconds(seconds);
  interaction.set_source_system(kBenchSourceSystem);
  interaction.set_external_ref(absl::StrCat(tag, "-", profile_index, "-", k));
  switch (mix % 10) {
    case 0:
    case 1:
    case 2:
      interaction.set_channel(v1::INTERACTION_CHANNEL_WEB);
      interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_ORDER);
      interaction.mutable_amount()->set_currency_code("NOK");
      interaction.mutable_amount()->set_units(static_cast<int64_t>(100 + mix % 4900));
      interaction.set_summary("Web order");
      break;
    case 3:
      interaction.set_channel(v1::INTERACTION_CHANNEL_POST);
      interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_PAYMENT);
      interaction.mutable_amount()->set_currency_code("NOK");
      interaction.mutable_amount()->set_units(static_cast<int64_t>(100 + mix % 4900));
      break;
    case 4:
    case 5:
      interaction.set_channel(v1::INTERACTION_CHANNEL_PHONE_CALL);
      interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_CALL);
      interaction.set_summary("Asked about delivery");
      interaction.mutable_satisfaction()->set_csat(static_cast<int32_t>(1 + mix % 5));
      interaction.mutable_satisfaction()->set_question_id("after-call");
      break;
    case 6:
      interaction.set_channel(v1::INTERACTION_CHANNEL_WEB);
      interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_VISIT);
      break;
    case 7:
      interaction.set_channel(v1::INTERACTION_CHANNEL_EMAIL);
      interaction.set_direction(v1::INTERACTION_DIRECTION_OUTBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_EMAIL_MESSAGE);
      interaction.set_campaign("winter-sale");
      break;
    case 8:
      interaction.set_channel(v1::INTERACTION_CHANNEL_WEB);
      interaction.set_direction(v1::INTERACTION_DIRECTION_OUTBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_REFUND);
      interaction.mutable_amount()->set_currency_code("NOK");
      interaction.mutable_amount()->set_units(static_cast<int64_t>(50 + mix % 200));
      break;
    default:
      interaction.set_channel(v1::INTERACTION_CHANNEL_CHAT);
      interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
      interaction.set_kind(v1::INTERACTION_KIND_COMPLAINT);
      interaction.set_summary("Parcel arrived damaged");
      break;
  }
  return interaction;
}

}  // namespace cp::bench
