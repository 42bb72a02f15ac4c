#include "domain/profile/birth_date.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

google::type::Date MakeDate(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Now is 2026-03-15 12:00 UTC.
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 15, 12, 0, 0), absl::UTCTimeZone());
}

// Fields returns the fields ValidateBirthDate reports for `date`.
std::vector<std::string> Fields(const google::type::Date& date, absl::Time now = Now()) {
  FieldViolations violations;
  bool ok = ValidateBirthDate("profile.birth_date", date, now, &violations);
  EXPECT_EQ(ok, violations.empty());
  std::vector<std::string> fields;
  for (const auto& [field, description] : violations.violations()) fields.push_back(field);
  return fields;
}

// Verifies that only an all-zero date counts as unset.
TEST(IsUnsetDateTest, AllZeroIsUnset) {
  EXPECT_TRUE(IsUnsetDate(MakeDate(0, 0, 0)));
  EXPECT_FALSE(IsUnsetDate(MakeDate(0, 5, 17)));
  EXPECT_FALSE(IsUnsetDate(MakeDate(1990, 0, 0)));
}

// Verifies that real past dates, including year-unknown ones, are valid.
TEST(ValidateBirthDateTest, AcceptsRealDates) {
  EXPECT_THAT(Fields(MakeDate(1990, 5, 17)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(1850, 1, 1)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(2000, 2, 29)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(2024, 2, 29)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(0, 12, 31)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(1999, 4, 30)), IsEmpty());
}

// Verifies that 29 February needs a leap year or an unknown year.
TEST(ValidateBirthDateTest, LeapDayRules) {
  EXPECT_THAT(Fields(MakeDate(0, 2, 29)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(2023, 2, 29)), ElementsAre("profile.birth_date.day"));
  EXPECT_THAT(Fields(MakeDate(1900, 2, 29)), ElementsAre("profile.birth_date.day"));
  EXPECT_THAT(Fields(MakeDate(0, 2, 30)), ElementsAre("profile.birth_date.day"));
}

// Verifies that impossible months and days are reported on their part.
TEST(ValidateBirthDateTest, RejectsImpossibleDates) {
  EXPECT_THAT(Fields(MakeDate(1990, 13, 1)), ElementsAre("profile.birth_date.month"));
  EXPECT_THAT(Fields(MakeDate(1990, 0, 1)), ElementsAre("profile.birth_date.month"));
  EXPECT_THAT(Fields(MakeDate(1990, -1, 1)), ElementsAre("profile.birth_date.month"));
  EXPECT_THAT(Fields(MakeDate(1990, 4, 31)), ElementsAre("profile.birth_date.day"));
  EXPECT_THAT(Fields(MakeDate(1990, 1, 0)), ElementsAre("profile.birth_date.day"));
  EXPECT_THAT(Fields(MakeDate(1990, 1, 32)), ElementsAre("profile.birth_date.day"));
  EXPECT_THAT(Fields(MakeDate(1990, 0, 0)),
              ElementsAre("profile.birth_date.month", "profile.birth_date.day"));
}

// Verifies that years before 1850 (other than 0) are rejected.
TEST(ValidateBirthDateTest, RejectsEarlyYears) {
  EXPECT_THAT(Fields(MakeDate(1849, 12, 31)), ElementsAre("profile.birth_date.year"));
  EXPECT_THAT(Fields(MakeDate(1, 1, 1)), ElementsAre("profile.birth_date.year"));
  EXPECT_THAT(Fields(MakeDate(-5, 1, 1)), ElementsAre("profile.birth_date.year"));
  EXPECT_THAT(Fields(MakeDate(1800, 2, 30)),
              ElementsAre("profile.birth_date.year", "profile.birth_date.day"));
}

// Verifies that today (UTC) is allowed and tomorrow is not.
TEST(ValidateBirthDateTest, RejectsFutureDates) {
  EXPECT_THAT(Fields(MakeDate(2026, 3, 15)), IsEmpty());
  EXPECT_THAT(Fields(MakeDate(2026, 3, 16)), ElementsAre("profile.birth_date"));
  EXPECT_THAT(Fields(MakeDate(2027, 1, 1)), ElementsAre("profile.birth_date"));
  EXPECT_THAT(Fields(MakeDate(99999, 1, 1)), ElementsAre("profile.birth_date"));
  // 23:30 on 15 March in UTC is already 16 March in Oslo: UTC decides.
  absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 3, 15, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_THAT(Fields(MakeDate(2026, 3, 16), late), ElementsAre("profile.birth_date"));
  EXPECT_THAT(Fields(MakeDate(2026, 3, 16), late + absl::Hours(1)), IsEmpty());
}

}  // namespace
}  // namespace cp::domain
