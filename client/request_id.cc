#include "client/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace cp::client {

std::string NewRequestId() {
  absl::BitGen random;
  const uint64_t high = (absl::Uniform<uint64_t>(random) & ~uint64_t{0xF000}) | 0x4000;
  const uint64_t low =
      (absl::Uniform<uint64_t>(random) & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF,
                         high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFF);
}

}  // namespace cp::client
