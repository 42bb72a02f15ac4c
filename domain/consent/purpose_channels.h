#pragma once

#include "customerprofile/v1/consent.pb.h"

namespace cp::domain {

// CoversChannel tells whether `purpose` lists `channel` among its channels:
// consent for a purpose is recorded and checked only on those.
bool CoversChannel(const customerprofile::v1::Purpose& purpose,
                   customerprofile::v1::Channel channel);

}  // namespace cp::domain
