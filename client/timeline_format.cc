#include "client/timeline_format.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

std::string Amount(const google::type::Money& money) {
  const int64_t cents = std::abs(money.nanos()) / 10000000;
  return absl::StrFormat("%s %d.%02d", money.currency_code(), money.units(), cents);
}

std::string Answer(const v1::Satisfaction& satisfaction) {
  switch (satisfaction.score_case()) {
    case v1::Satisfaction::kCsat:
      return absl::StrCat("CSAT ", satisfaction.csat(), "/5");
    case v1::Satisfaction::kNps:
      return absl::StrCat("NPS ", satisfaction.nps(), "/10");
    case v1::Satisfaction::kCustomerEffort:
      return absl::StrCat("CES ", satisfaction.customer_effort(), "/7");
    case v1::Satisfaction::SCORE_NOT_SET:
      break;
  }
  return "";
}

}  // namespace

std::string TimelineLine(const v1::Interaction& interaction) {
  const absl::Time when = absl::FromUnixSeconds(interaction.occur_time().seconds());
  std::string line = absl::FormatTime("%Y-%m-%d %H:%M", when, absl::UTCTimeZone());
  absl::string_view channel = v1::InteractionChannel_Name(interaction.channel());
  absl::ConsumePrefix(&channel, "INTERACTION_CHANNEL_");
  absl::string_view kind = v1::InteractionKind_Name(interaction.kind());
  absl::ConsumePrefix(&kind, "INTERACTION_KIND_");
  const char* direction =
      interaction.direction() == v1::INTERACTION_DIRECTION_OUTBOUND ? "out" : "in ";
  absl::StrAppend(&line, "  ", absl::StrFormat("%-10s", channel), " ", direction, "  ",
                  absl::StrFormat("%-17s", kind));
  if (interaction.has_amount()) absl::StrAppend(&line, "  ", Amount(interaction.amount()));
  if (interaction.has_satisfaction())
    absl::StrAppend(&line, "  ", Answer(interaction.satisfaction()));
  absl::StrAppend(&line, "  ", interaction.source_system());
  if (!interaction.external_ref().empty()) absl::StrAppend(&line, ":", interaction.external_ref());
  if (!interaction.agent().empty()) absl::StrAppend(&line, "  by ", interaction.agent());
  if (!interaction.summary().empty()) absl::StrAppend(&line, "  ", interaction.summary());
  return line;
}

}  // namespace cp::client
