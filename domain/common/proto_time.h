#pragma once

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace cp::domain {

// ToProtoTime returns `time` (truncated to microseconds, the stores'
// precision) as a protobuf Timestamp.
inline google::protobuf::Timestamp ToProtoTime(absl::Time time) {
  int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rem * 1000));
  return out;
}

// FromProtoTime returns a protobuf Timestamp as absl::Time, truncated to
// microseconds.
inline absl::Time FromProtoTime(const google::protobuf::Timestamp& time) {
  return absl::FromUnixMicros(time.seconds() * 1000000 + time.nanos() / 1000);
}

// TruncateToMicros returns `now` truncated to microseconds (towards the
// past), the precision the stores keep.
inline absl::Time TruncateToMicros(absl::Time now) {
  return absl::FromUnixMicros(absl::ToUnixMicros(now));
}

}  // namespace cp::domain
