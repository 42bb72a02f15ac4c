#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace i18n::phonenumbers {
class PhoneMetadata;
class PhoneMetadataCollection;
}  // namespace i18n::phonenumbers

namespace cp::domain {

// BulkPhoneNormalizer normalises phone numbers to E.164 with exactly the
// answers of NormalizePhoneNumber (domain/phone_number.h), at a fraction of
// its cost for the common shapes of bulk imports such as do-not-contact
// registers: national digits of the default region or "+" and digits, with
// spaces, '-', '.', '(' and ')' between them.
//
// Those lines take a fast path that re-implements libphonenumber's Parse and
// IsValidNumber with RE2 over libphonenumber's own metadata. Whatever the
// fast path cannot decide with certainty (letters, extensions, international
// prefixes such as "00", national prefixes given by patterns, unknown or
// zero-led country codes, numbers too short or too long to parse, non-ASCII
// input, ...) goes through NormalizePhoneNumber itself.
//
// Thread-safe: every method is const. The rules of a country calling code
// other than the default region's are compiled on first use.
class BulkPhoneNormalizer {
 public:
  // BulkPhoneNormalizer reads national numbers in `default_region` (ISO
  // 3166-1 alpha-2 such as "NO", passed to libphonenumber as is). An empty or
  // unknown region accepts international numbers only, as
  // NormalizePhoneNumber does.
  explicit BulkPhoneNormalizer(absl::string_view default_region);
  ~BulkPhoneNormalizer();

  BulkPhoneNormalizer(const BulkPhoneNormalizer&) = delete;
  BulkPhoneNormalizer& operator=(const BulkPhoneNormalizer&) = delete;

  // Normalize returns `line` in E.164 (such as "+4791234567"), or
  // INVALID_ARGUMENT whose message is the reason NormalizePhoneNumber gives
  // (such as "is not a valid phone number"); the message never echoes the
  // number.
  absl::StatusOr<std::string> Normalize(absl::string_view line) const;

  // TryFastPath returns what Normalize returns for `line` when the fast path
  // can decide it, and nullopt when Normalize would fall back to
  // NormalizePhoneNumber.
  std::optional<absl::StatusOr<std::string>> TryFastPath(absl::string_view line) const;

 private:
  struct RegionRules;
  struct CallingCodeRules;

  // CallingCode is one country calling code: the metadata of its regions in
  // libphonenumber's order (main region first), compiled on first use.
  struct CallingCode {
    int code = 0;
    std::vector<const i18n::phonenumbers::PhoneMetadata*> regions;
    mutable absl::once_flag once;
    mutable std::unique_ptr<const CallingCodeRules> rules;
  };

  // Rules returns the compiled rules of `calling_code`, compiling them on
  // first use.
  const CallingCodeRules& Rules(const CallingCode& calling_code) const;

  // StripNationalPrefix removes a national prefix from `*number` as
  // libphonenumber's MaybeStripNationalPrefixAndCarrierCode would; returns
  // false when the fast path cannot tell.
  bool StripNationalPrefix(const RegionRules& region, absl::string_view* number) const;

  // IsValid returns whether libphonenumber's IsValidNumber accepts the
  // national significant number `nsn` under `calling_code`.
  bool IsValid(const CallingCode& calling_code, absl::string_view nsn) const;

  // SlowPath returns NormalizePhoneNumber's answer for `line`.
  absl::StatusOr<std::string> SlowPath(absl::string_view line) const;

  std::string default_region_;
  std::unique_ptr<i18n::phonenumbers::PhoneMetadataCollection> metadata_;
  // Indexed by country calling code; null where libphonenumber knows none.
  std::array<std::unique_ptr<CallingCode>, 1000> calling_codes_;
  // The default region's calling code and rules; null without a valid
  // default region.
  const CallingCode* default_calling_code_ = nullptr;
  const RegionRules* default_rules_ = nullptr;
  std::string default_calling_code_digits_;
};

}  // namespace cp::domain
