#include "domain/consent/purpose_channels.h"

#include <algorithm>

namespace cp::domain {

bool CoversChannel(const customerprofile::v1::Purpose& purpose,
                   customerprofile::v1::Channel channel) {
  return std::find(purpose.channels().begin(), purpose.channels().end(), channel) !=
         purpose.channels().end();
}

}  // namespace cp::domain
