#pragma once

#include "absl/time/time.h"
#include "customerprofile/v1/interaction.pb.h"
#include "domain/common/errors.h"

namespace cp::domain {

// The limits of one interaction.
inline constexpr int kMaxInteractionSummary = 2000;
inline constexpr int kMaxInteractionAttributes = 50;
inline constexpr int kMaxExternalRef = 255;
inline constexpr int kMaxAgent = 200;
// How far in the future occur_time may be (clock skew between systems).
inline constexpr absl::Duration kMaxOccurTimeAhead = absl::Minutes(5);

// ValidateInteraction adds a violation, under `prefix` ("interaction" or
// "requests[3].interaction"), for each field of a new interaction that
// breaks a rule: channel, direction and kind set and known; occur_time set
// and at most kMaxOccurTimeAhead after `now`; source_system a system slug;
// external_ref, summary and agent within their lengths; an amount (a
// positive amount in an ISO 4217 code) exactly on ORDER, PAYMENT, REFUND
// and INVOICE; a satisfaction (one score in its range, with question_id) on
// SURVEY_RESPONSE, and only on it, CALL, CHAT_SESSION, SUPPORT_CASE or
// COMPLAINT; campaign a slug; attributes as a profile's; output-only fields
// empty.
void ValidateInteraction(absl::string_view prefix, const customerprofile::v1::Interaction& in,
                         absl::Time now, FieldViolations* violations);

// IsMoneyKind tells whether interactions of `kind` carry an amount.
bool IsMoneyKind(customerprofile::v1::InteractionKind kind);

}  // namespace cp::domain
