#pragma once

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/common/errors.h"
#include "google/type/date.pb.h"

namespace cp::domain {

// kMinBirthYear is the earliest birth year accepted; 0 means "unknown".
inline constexpr int kMinBirthYear = 1850;

// IsUnsetDate returns whether every part of `date` is zero, which means no
// date at all.
bool IsUnsetDate(const google::type::Date& date);

// ValidateBirthDate checks that the set `date` is a real date of birth:
// month 1..12, a day that exists in that month (29 February only in leap
// years, or when the year is 0 = unknown), year 0 or at least kMinBirthYear,
// and not after the UTC calendar day of `now`. Every problem is added to
// `violations` on `field` or one of its parts (`field`.year, .month, .day);
// returns whether there was none.
bool ValidateBirthDate(absl::string_view field, const google::type::Date& date, absl::Time now,
                       FieldViolations* violations);

}  // namespace cp::domain
