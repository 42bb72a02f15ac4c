#pragma once

#include <string>

#include "customerprofile/v1/interaction.pb.h"

namespace cp::client {

// TimelineLine renders one interaction as a line for people: when (UTC),
// channel, direction, kind, the amount, the survey answer, the source
// reference, the agent and the summary, e.g.
// "2026-12-01 10:15  WEB  in   ORDER  NOK 499.00  webshop:order-1001  Coffee".
std::string TimelineLine(const customerprofile::v1::Interaction& interaction);

}  // namespace cp::client
