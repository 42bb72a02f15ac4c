#pragma once

#include <cstdint>
#include <string>

#include "customerprofile/v1/profile.pb.h"

namespace cp::storage {

// ProfileRecord is one stored profile. The store persists `profile` whole and
// indexes the columns the API filters, orders and looks up by: create_time,
// update_time, delete_time, display_name, region_code, tags, external_ids
// (unique among live profiles), emails and phones. `name` and `etag` inside
// `profile` are not relied on by the store; the domain derives them.
struct ProfileRecord {
  // The {profile} part of the resource name.
  std::string id;
  // Incremented by every write; the etag is derived from it.
  int64_t revision = 0;
  customerprofile::v1::Profile profile;
};

}  // namespace cp::storage
