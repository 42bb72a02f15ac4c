#include "domain/interaction/interaction_validator.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/common/proto_time.h"
#include "domain/common/slugs.h"
#include "domain/common/utf8.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// 1900-01-01T00:00:00Z: older occurrences are mistakes.
constexpr int64_t kMinOccurSeconds = -2208988800;

bool AllowsSatisfaction(v1::InteractionKind kind) {
  switch (kind) {
    case v1::INTERACTION_KIND_SURVEY_RESPONSE:
    case v1::INTERACTION_KIND_CALL:
    case v1::INTERACTION_KIND_CHAT_SESSION:
    case v1::INTERACTION_KIND_SUPPORT_CASE:
    case v1::INTERACTION_KIND_COMPLAINT:
      return true;
    default:
      return false;
  }
}

void ValidateAmount(const std::string& field, const google::type::Money& money,
                    FieldViolations* violations) {
  const std::string& code = money.currency_code();
  bool letters = code.size() == 3;
  for (char c : code) letters = letters && absl::ascii_isupper(static_cast<unsigned char>(c));
  if (!letters) {
    violations->Add(field + ".currency_code", "must be an ISO 4217 code such as \"NOK\"");
  }
  if (money.nanos() <= -1000000000 || money.nanos() >= 1000000000) {
    violations->Add(field + ".nanos", "must be between -999,999,999 and 999,999,999");
  } else if (money.units() < 0 || money.nanos() < 0 || (money.units() == 0 && money.nanos() == 0)) {
    violations->Add(field, "must be a positive amount");
  }
}

void ValidateSatisfaction(const std::string& field, const v1::Satisfaction& satisfaction,
                          FieldViolations* violations) {
  switch (satisfaction.score_case()) {
    case v1::Satisfaction::kCsat:
      if (satisfaction.csat() < 1 || satisfaction.csat() > 5) {
        violations->Add(field + ".csat", "must be 1 to 5");
      }
      break;
    case v1::Satisfaction::kNps:
      if (satisfaction.nps() < 0 || satisfaction.nps() > 10) {
        violations->Add(field + ".nps", "must be 0 to 10");
      }
      break;
    case v1::Satisfaction::kCustomerEffort:
      if (satisfaction.customer_effort() < 1 || satisfaction.customer_effort() > 7) {
        violations->Add(field + ".customer_effort", "must be 1 to 7");
      }
      break;
    case v1::Satisfaction::SCORE_NOT_SET:
      violations->Add(field, "one of csat, nps or customer_effort is required");
      break;
  }
  if (satisfaction.question_id().empty()) {
    violations->Add(field + ".question_id", "is required");
  } else if (CodePointCount(satisfaction.question_id()) > 128 ||
             HasControlCharacter(satisfaction.question_id())) {
    violations->Add(field + ".question_id", "must be at most 128 printable characters");
  }
}

void ValidateAttributes(const std::string& field, const v1::Interaction& in,
                        FieldViolations* violations) {
  if (in.attributes_size() > kMaxInteractionAttributes) {
    violations->Add(field, absl::StrCat("at most ", kMaxInteractionAttributes, " attributes"));
    return;
  }
  for (const auto& [key, value] : in.attributes()) {
    const std::string entry = absl::StrCat(field, ".", key);
    if (!IsAttributeKey(key)) {
      violations->Add(field, "keys must match ^[a-z][a-z0-9_]{0,63}$");
      continue;
    }
    switch (value.kind_case()) {
      case v1::AttributeValue::KIND_NOT_SET:
        violations->Add(entry, "a value is required");
        break;
      case v1::AttributeValue::kDoubleValue:
        if (!std::isfinite(value.double_value())) violations->Add(entry, "must be finite");
        break;
      case v1::AttributeValue::kStringValue:
        if (CodePointCount(value.string_value()) > 1024) {
          violations->Add(entry, "at most 1024 characters");
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace

bool IsMoneyKind(v1::InteractionKind kind) {
  return kind == v1::INTERACTION_KIND_ORDER || kind == v1::INTERACTION_KIND_PAYMENT ||
         kind == v1::INTERACTION_KIND_REFUND || kind == v1::INTERACTION_KIND_INVOICE;
}

void ValidateInteraction(absl::string_view prefix, const v1::Interaction& in, absl::Time now,
                         FieldViolations* violations) {
  const std::string p(prefix);
  constexpr char kOutputOnly[] = "is output only and cannot be set";
  if (!in.name().empty()) violations->Add(p + ".name", kOutputOnly);
  if (in.has_create_time()) violations->Add(p + ".create_time", kOutputOnly);
  if (!in.origin_profile().empty()) violations->Add(p + ".origin_profile", kOutputOnly);
  if (in.channel() == v1::INTERACTION_CHANNEL_UNSPECIFIED ||
      !v1::InteractionChannel_IsValid(in.channel())) {
    violations->Add(p + ".channel", "required: one of the InteractionChannel values");
  }
  if (in.direction() == v1::INTERACTION_DIRECTION_UNSPECIFIED ||
      !v1::InteractionDirection_IsValid(in.direction())) {
    violations->Add(p + ".direction", "required: INBOUND or OUTBOUND");
  }
  const bool kind_ok =
      in.kind() != v1::INTERACTION_KIND_UNSPECIFIED && v1::InteractionKind_IsValid(in.kind());
  if (!kind_ok) violations->Add(p + ".kind", "required: one of the InteractionKind values");
  if (!in.has_occur_time()) {
    violations->Add(p + ".occur_time", "is required");
  } else if (in.occur_time().seconds() < kMinOccurSeconds || in.occur_time().nanos() < 0 ||
             in.occur_time().nanos() > 999999999) {
    violations->Add(p + ".occur_time", "must be a valid time after 1900-01-01T00:00:00Z");
  } else if (FromProtoTime(in.occur_time()) > now + kMaxOccurTimeAhead) {
    violations->Add(p + ".occur_time", "may be at most 5 minutes in the future");
  }
  if (in.source_system().empty()) {
    violations->Add(p + ".source_system", "is required");
  } else if (!IsExternalSystem(in.source_system())) {
    violations->Add(p + ".source_system", "must match ^[a-z][a-z0-9_-]{0,31}$");
  }
  if (CodePointCount(in.external_ref()) > kMaxExternalRef ||
      HasControlCharacter(in.external_ref())) {
    violations->Add(p + ".external_ref",
                    absl::StrCat("must be at most ", kMaxExternalRef, " printable characters"));
  }
  if (CodePointCount(in.summary()) > kMaxInteractionSummary) {
    violations->Add(p + ".summary",
                    absl::StrCat("at most ", kMaxInteractionSummary, " characters"));
  }
  if (CodePointCount(in.agent()) > kMaxAgent || HasControlCharacter(in.agent())) {
    violations->Add(p + ".agent",
                    absl::StrCat("must be at most ", kMaxAgent, " printable characters"));
  }
  if (!in.campaign().empty() && !IsTag(in.campaign())) {
    violations->Add(p + ".campaign", "must be a lowercase slug such as \"spring-2026\"");
  }
  if (kind_ok) {
    if (IsMoneyKind(in.kind()) && !in.has_amount()) {
      violations->Add(p + ".amount", "is required for ORDER, PAYMENT, REFUND and INVOICE");
    } else if (!IsMoneyKind(in.kind()) && in.has_amount()) {
      violations->Add(p + ".amount", "only ORDER, PAYMENT, REFUND and INVOICE carry an amount");
    }
    if (in.kind() == v1::INTERACTION_KIND_SURVEY_RESPONSE && !in.has_satisfaction()) {
      violations->Add(p + ".satisfaction", "is required for SURVEY_RESPONSE");
    } else if (in.has_satisfaction() && !AllowsSatisfaction(in.kind())) {
      violations->Add(p + ".satisfaction",
                      "only SURVEY_RESPONSE, CALL, CHAT_SESSION, SUPPORT_CASE and COMPLAINT carry "
                      "a satisfaction answer");
    }
  }
  if (in.has_amount()) ValidateAmount(p + ".amount", in.amount(), violations);
  if (in.has_satisfaction())
    ValidateSatisfaction(p + ".satisfaction", in.satisfaction(), violations);
  ValidateAttributes(p + ".attributes", in, violations);
}

}  // namespace cp::domain
