#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/string_view.h"
#include "google/type/money.pb.h"

namespace cp::domain {

inline constexpr int64_t kNanosPerUnit = 1000000000;

// MoneyNanos is an amount in nanos of its currency, wide enough for any sum
// of int64 units.
inline __int128 MoneyNanos(const google::type::Money& money) {
  return static_cast<__int128>(money.units()) * kNanosPerUnit + money.nanos();
}

// MoneyOfNanos is `nanos` of `currency` as google.type.Money (units and
// nanos of one sign), clamped to what int64 units hold.
inline google::type::Money MoneyOfNanos(absl::string_view currency, __int128 nanos) {
  constexpr __int128 kMax =
      static_cast<__int128>(std::numeric_limits<int64_t>::max()) * kNanosPerUnit;
  nanos = std::clamp(nanos, -kMax, kMax);
  google::type::Money money;
  money.set_currency_code(std::string(currency));
  money.set_units(static_cast<int64_t>(nanos / kNanosPerUnit));
  money.set_nanos(static_cast<int32_t>(nanos % kNanosPerUnit));
  return money;
}

}  // namespace cp::domain
