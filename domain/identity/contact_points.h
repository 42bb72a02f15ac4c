#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/consent.pb.h"
#include "customerprofile/v1/profile.pb.h"

namespace cp::domain {

// ContactPointKind returns the profile contact point kind a channel
// addresses: "email" for EMAIL, "phone" for SMS and PHONE_CALL, "" for
// channels without contact points (POST, PUSH, IN_PERSON).
absl::string_view ContactPointKind(customerprofile::v1::Channel channel);

// ResolveOwnContactPoint normalises `given` for `channel` (lowercased-domain
// email; E.164 phone, a national number read in `default_phone_region`, the
// same rule as for the phones stored on a profile) and returns it as stored
// on `profile`. INVALID_ARGUMENT on `field` when the channel has no contact
// points, the value is malformed, or it is not one of the profile's own.
absl::StatusOr<std::string> ResolveOwnContactPoint(const customerprofile::v1::Profile& profile,
                                                   customerprofile::v1::Channel channel,
                                                   absl::string_view given, absl::string_view field,
                                                   absl::string_view default_phone_region);

// ContactPointsOf returns the values of `kind` among (kind, value) pairs.
std::vector<std::string> ContactPointsOf(
    absl::string_view kind, const std::vector<std::pair<std::string, std::string>>& points);

}  // namespace cp::domain
