#include "domain/common/proto_time.h"

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// Verifies times become Timestamps truncated to microseconds, with nanos
// kept in [0, 1e9) before the epoch too.
TEST(ProtoTimeTest, ToProtoTime) {
  google::protobuf::Timestamp after =
      ToProtoTime(absl::FromUnixSeconds(1767225600) + absl::Nanoseconds(123456789));
  EXPECT_EQ(after.seconds(), 1767225600);
  EXPECT_EQ(after.nanos(), 123456000);

  google::protobuf::Timestamp before = ToProtoTime(absl::UnixEpoch() - absl::Microseconds(1));
  EXPECT_EQ(before.seconds(), -1);
  EXPECT_EQ(before.nanos(), 999999000);

  google::protobuf::Timestamp second = ToProtoTime(absl::FromUnixSeconds(-2));
  EXPECT_EQ(second.seconds(), -2);
  EXPECT_EQ(second.nanos(), 0);
}

// Verifies Timestamps become times truncated to microseconds, and that a
// round trip of a microsecond time is exact.
TEST(ProtoTimeTest, FromProtoTime) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1767225600);
  timestamp.set_nanos(123456789);
  EXPECT_EQ(FromProtoTime(timestamp), absl::FromUnixMicros(1767225600123456));
  for (int64_t micros : {int64_t{0}, int64_t{-1}, int64_t{-1000001}, int64_t{1767225600123456}}) {
    EXPECT_EQ(FromProtoTime(ToProtoTime(absl::FromUnixMicros(micros))),
              absl::FromUnixMicros(micros))
        << micros;
  }
}

// Verifies truncation drops sub-microsecond parts towards the past.
TEST(ProtoTimeTest, TruncateToMicros) {
  EXPECT_EQ(TruncateToMicros(absl::FromUnixMicros(5) + absl::Nanoseconds(999)),
            absl::FromUnixMicros(5));
  EXPECT_EQ(TruncateToMicros(absl::UnixEpoch() - absl::Nanoseconds(1)), absl::FromUnixMicros(-1));
  EXPECT_EQ(TruncateToMicros(absl::FromUnixMicros(7)), absl::FromUnixMicros(7));
}

}  // namespace
}  // namespace cp::domain
