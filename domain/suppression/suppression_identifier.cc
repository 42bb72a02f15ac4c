#include "domain/suppression/suppression_identifier.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "domain/common/errors.h"
#include "domain/common/utf8.h"
#include "domain/identity/email_address.h"
#include "domain/identity/phone_number.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// FirstProblem turns the first violation into an INVALID_ARGUMENT whose
// message is its description.
absl::Status FirstProblem(const FieldViolations& violations) {
  return absl::InvalidArgumentError(violations.violations().empty()
                                        ? std::string("is not valid")
                                        : violations.violations().front().second);
}

}  // namespace

SuppressionIdentifiers::SuppressionIdentifiers(std::string default_phone_region)
    : phones_(default_phone_region) {}

absl::StatusOr<std::string> SuppressionIdentifiers::Normalize(v1::IdentifierKind kind,
                                                              absl::string_view text) const {
  FieldViolations violations;
  std::string value(text);
  switch (kind) {
    case v1::IDENTIFIER_KIND_PHONE_NUMBER:
      return phones_.Normalize(text);
    case v1::IDENTIFIER_KIND_EMAIL_ADDRESS:
      if (!NormalizeEmailAddress("identifier", &value, &violations)) {
        return FirstProblem(violations);
      }
      return EmailAddressKey(value);
    case v1::IDENTIFIER_KIND_EMAIL_DOMAIN:
      if (!NormalizeEmailDomain("identifier", &value, &violations)) {
        return FirstProblem(violations);
      }
      return value;
    default:
      return absl::InvalidArgumentError("the list has no identifier kind");
  }
}

absl::StatusOr<std::vector<std::string>> SuppressionIdentifiers::LookupKeys(
    absl::string_view text) const {
  absl::string_view trimmed = TrimWhitespace(text);
  if (trimmed.empty()) return absl::InvalidArgumentError("is required");
  if (absl::StrContains(trimmed, '@')) {
    absl::StatusOr<std::string> address = Normalize(v1::IDENTIFIER_KIND_EMAIL_ADDRESS, trimmed);
    if (!address.ok()) return address.status();
    return ContactPointKeys({*address});
  }
  bool phone_like = true;
  for (char c : trimmed) {
    if (absl::ascii_isalpha(c)) phone_like = false;
  }
  v1::IdentifierKind kind =
      phone_like ? v1::IDENTIFIER_KIND_PHONE_NUMBER : v1::IDENTIFIER_KIND_EMAIL_DOMAIN;
  absl::StatusOr<std::string> value = Normalize(kind, trimmed);
  if (!value.ok()) return value.status();
  return std::vector<std::string>{*std::move(value)};
}

std::vector<std::string> SuppressionIdentifiers::ContactPointKeys(
    const std::vector<std::string>& contact_points) {
  std::vector<std::string> keys;
  keys.reserve(contact_points.size() * 2);
  for (const std::string& point : contact_points) {
    size_t at = point.rfind('@');
    if (at == std::string::npos) {
      keys.push_back(point);
      continue;
    }
    keys.push_back(EmailAddressKey(point));
    keys.push_back(absl::AsciiStrToLower(absl::string_view(point).substr(at + 1)));
  }
  return keys;
}

}  // namespace cp::domain
