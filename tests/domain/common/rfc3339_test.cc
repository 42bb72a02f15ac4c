#include "domain/common/rfc3339.h"

#include "gtest/gtest.h"

namespace cp::domain {
namespace {

constexpr int64_t kSecond = 1000000;

// Verifies UTC, offsets and fractions convert to microseconds since the epoch.
TEST(Rfc3339Test, Parses) {
  EXPECT_EQ(ParseRfc3339Micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Micros("2026-01-01T00:00:00Z"), 1767225600 * kSecond);
  EXPECT_EQ(ParseRfc3339Micros("2026-01-01T05:45:00+05:45"), 1767225600 * kSecond);
  EXPECT_EQ(ParseRfc3339Micros("2025-12-31T23:00:00-01:00"), 1767225600 * kSecond);
  EXPECT_EQ(ParseRfc3339Micros("2026-01-01t00:00:00.123456z"), 1767225600 * kSecond + 123456);
  EXPECT_EQ(ParseRfc3339Micros("2026-01-01T00:00:00.1Z"), 1767225600 * kSecond + 100000);
  EXPECT_EQ(ParseRfc3339Micros("2026-01-01T00:00:00.123456000Z"), 1767225600 * kSecond + 123456);
  EXPECT_EQ(ParseRfc3339Micros("1969-12-31T23:59:59.5Z"), -kSecond / 2);
  EXPECT_EQ(ParseRfc3339Micros("2000-02-29T12:00:00Z"), 951825600 * kSecond);
  EXPECT_EQ(ParseRfc3339Micros("0001-01-01T00:00:00Z"), -62135596800 * kSecond);
  EXPECT_EQ(ParseRfc3339Micros("9999-12-31T23:59:59.999999Z"), 253402300799 * kSecond + 999999);
}

// Verifies incomplete, out-of-range and sub-microsecond inputs are rejected.
TEST(Rfc3339Test, Rejects) {
  for (const char* bad :
       {"", "2026-01-01", "2026-01-01T00:00Z", "2026-01-01T00:00:00", "2026-01-01X00:00:00Z",
        "2026-01-01T00:00:00+01", "2026-01-01T00:00:00+1:00", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z",
        "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.000000001Z",
        "2026-01-01T00:00:00.0000000000Z", "2026-01-01T00:00:00Z ", " 2026-01-01T00:00:00Z",
        "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:60"}) {
    EXPECT_FALSE(ParseRfc3339Micros(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace cp::domain
