#include "domain/profile/birth_date.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace cp::domain {
namespace {

// DaysInMonth returns the number of days of `month` (1..12) in `year`; a
// year of 0 (unknown) admits 29 February.
int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month != 2) return kDays[month - 1];
  bool leap = year == 0 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
  return leap ? 29 : 28;
}

}  // namespace

bool IsUnsetDate(const google::type::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

bool ValidateBirthDate(absl::string_view field, const google::type::Date& date, absl::Time now,
                       FieldViolations* violations) {
  bool ok = true;
  if (date.year() != 0 && date.year() < kMinBirthYear) {
    violations->Add(absl::StrCat(field, ".year"),
                    absl::StrCat("must be 0 (unknown) or at least ", kMinBirthYear));
    ok = false;
  }
  bool month_ok = date.month() >= 1 && date.month() <= 12;
  if (!month_ok) {
    violations->Add(absl::StrCat(field, ".month"), "must be between 1 and 12");
    ok = false;
  }
  int max_day = month_ok ? DaysInMonth(date.year(), date.month()) : 31;
  if (date.day() < 1 || date.day() > max_day) {
    violations->Add(absl::StrCat(field, ".day"),
                    month_ok ? "must be a day of the given month" : "must be between 1 and 31");
    ok = false;
  }
  if (ok && date.year() != 0) {
    absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
    if (absl::CivilDay(date.year(), date.month(), date.day()) > today) {
      violations->Add(std::string(field), "must not be in the future");
      ok = false;
    }
  }
  return ok;
}

}  // namespace cp::domain
