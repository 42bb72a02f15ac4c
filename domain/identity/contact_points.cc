#include "domain/identity/contact_points.h"

#include "domain/common/errors.h"
#include "domain/identity/email_address.h"
#include "domain/identity/phone_number.h"

namespace cp::domain {

namespace v1 = ::customerprofile::v1;

absl::string_view ContactPointKind(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "email";
    case v1::CHANNEL_SMS:
    case v1::CHANNEL_PHONE_CALL:
      return "phone";
    default:
      return "";
  }
}

absl::StatusOr<std::string> ResolveOwnContactPoint(const v1::Profile& profile, v1::Channel channel,
                                                   absl::string_view given, absl::string_view field,
                                                   absl::string_view default_phone_region) {
  absl::string_view kind = ContactPointKind(channel);
  if (kind.empty()) {
    return InvalidField(field, "this channel has no contact points: leave it empty");
  }
  FieldViolations violations;
  std::string value(given);
  if (kind == "email") {
    if (!NormalizeEmailAddress(field, &value, &violations)) return violations.ToStatus();
    std::string key = EmailAddressKey(value);
    for (const v1::Email& email : profile.emails()) {
      if (EmailAddressKey(email.address()) == key) return email.address();
    }
  } else {
    if (!NormalizePhoneNumber(field, default_phone_region, &value, &violations)) {
      return violations.ToStatus();
    }
    for (const v1::Phone& phone : profile.phones()) {
      if (phone.number() == value) return phone.number();
    }
  }
  return InvalidField(field, "is not one of the profile's own contact points",
                      "CONTACT_POINT_NOT_OWN");
}

std::vector<std::string> ContactPointsOf(
    absl::string_view kind, const std::vector<std::pair<std::string, std::string>>& points) {
  std::vector<std::string> values;
  for (const auto& [point_kind, value] : points) {
    if (point_kind == kind) values.push_back(value);
  }
  return values;
}

}  // namespace cp::domain
