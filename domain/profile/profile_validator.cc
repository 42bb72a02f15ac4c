#include "domain/profile/profile_validator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/common/slugs.h"
#include "domain/common/utf8.h"
#include "domain/identity/email_address.h"
#include "domain/identity/phone_number.h"
#include "domain/profile/birth_date.h"
#include "domain/profile/locale_codes.h"
#include "domain/profile/profile_patch.h"

namespace cp::domain {
namespace {

using customerprofile::v1::Address;
using customerprofile::v1::AttributeValue;
using customerprofile::v1::Email;
using customerprofile::v1::ExternalId;
using customerprofile::v1::Phone;
using customerprofile::v1::Profile;
using google::protobuf::RepeatedPtrField;

constexpr int kMaxExternalIdLength = 128;
// The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr int32_t kMaxNanos = 999999999;
// Map keys in violation paths are cut to this many bytes, since an invalid
// key may be arbitrarily long.
constexpr size_t kMaxKeyInPath = 64;
constexpr absl::string_view kAttributeMaskPrefix = "attributes.";

// Join returns the path of `field` under `prefix`.
std::string Join(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

// Element returns the path of element `index` of the repeated field `path`.
std::string Element(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

// Entry returns the path of the map entry `key` of `path`, escaped to
// printable ASCII (an invalid key may hold any bytes).
std::string Entry(absl::string_view path, absl::string_view key) {
  absl::string_view shown = key.substr(0, kMaxKeyInPath);
  return absl::StrCat(path, "[\"", absl::CHexEscape(shown), shown.size() < key.size() ? "..." : "",
                      "\"]");
}

// CheckUtf8 adds a violation on `field` unless `text` is valid UTF-8.
bool CheckUtf8(const std::string& field, absl::string_view text, FieldViolations* violations) {
  if (IsValidUtf8(text)) return true;
  violations->Add(field, "must be valid UTF-8");
  return false;
}

// CheckCount adds a violation on `field` when a repeated field has more than
// `max` elements. Its elements are then not examined one by one, so that a
// huge request cannot produce a huge error.
bool CheckCount(const std::string& field, int size, int max, FieldViolations* violations) {
  if (size <= max) return true;
  violations->Add(field, absl::StrCat("must have at most ", max, " entries"));
  return false;
}

// NormalizeText trims `*text` and checks that it is valid UTF-8 without
// control characters and at most `max_length` code points long.
void NormalizeText(const std::string& field, int max_length, std::string* text,
                   FieldViolations* violations) {
  if (!CheckUtf8(field, *text, violations)) return;
  absl::string_view trimmed = TrimWhitespace(*text);
  if (trimmed.size() != text->size()) *text = std::string(trimmed);
  if (HasControlCharacter(*text)) violations->Add(field, "must not contain control characters");
  if (CodePointCount(*text) > static_cast<size_t>(max_length)) {
    violations->Add(field, absl::StrCat("must be at most ", max_length, " characters"));
  }
}

// CheckSinglePrimary adds a violation on every `primary` after the first
// that is set.
template <typename Item>
void CheckSinglePrimary(const std::string& path, absl::string_view noun,
                        const RepeatedPtrField<Item>& items, FieldViolations* violations) {
  bool seen = false;
  for (int i = 0; i < items.size(); ++i) {
    if (!items[i].primary()) continue;
    if (seen) {
      violations->Add(Join(Element(path, i), "primary"),
                      absl::StrCat("at most one ", noun, " may be primary"));
    }
    seen = true;
  }
}

// DuplicateChecker reports values already seen in a repeated field.
class DuplicateChecker {
 public:
  // Check adds a violation on `field` when `key` was seen before, naming the
  // path of its first occurrence.
  void Check(std::string key, std::string field, FieldViolations* violations) {
    auto [it, inserted] = first_.try_emplace(std::move(key), field);
    if (!inserted) violations->Add(std::move(field), absl::StrCat("duplicates ", it->second));
  }

 private:
  absl::flat_hash_map<std::string, std::string> first_;
};

void NormalizeEmails(const std::string& path, const ValidationLimits& limits,
                     RepeatedPtrField<Email>* emails, FieldViolations* violations) {
  if (!CheckCount(path, emails->size(), limits.max_emails, violations)) return;
  DuplicateChecker duplicates;
  for (int i = 0; i < emails->size(); ++i) {
    Email& email = (*emails)[i];
    const std::string element = Element(path, i);
    const std::string address_field = Join(element, "address");
    if (NormalizeEmailAddress(address_field, email.mutable_address(), violations)) {
      duplicates.Check(EmailAddressKey(email.address()), address_field, violations);
    }
    if (!customerprofile::v1::EmailLabel_IsValid(email.label())) {
      violations->Add(Join(element, "label"), "must be a known EmailLabel value");
    }
  }
  CheckSinglePrimary(path, "email", *emails, violations);
}

void NormalizePhones(const std::string& path, absl::string_view default_region,
                     const ValidationLimits& limits, RepeatedPtrField<Phone>* phones,
                     FieldViolations* violations) {
  if (!CheckCount(path, phones->size(), limits.max_phones, violations)) return;
  DuplicateChecker duplicates;
  for (int i = 0; i < phones->size(); ++i) {
    Phone& phone = (*phones)[i];
    const std::string element = Element(path, i);
    const std::string number_field = Join(element, "number");
    if (NormalizePhoneNumber(number_field, default_region, phone.mutable_number(), violations)) {
      duplicates.Check(phone.number(), number_field, violations);
    }
    if (!customerprofile::v1::PhoneLabel_IsValid(phone.label())) {
      violations->Add(Join(element, "label"), "must be a known PhoneLabel value");
    }
  }
  CheckSinglePrimary(path, "phone", *phones, violations);
}

// NormalizeRegionCode upper-cases `*code`, which must be an ISO 3166-1
// alpha-2 country code; empty is allowed unless `required`.
void NormalizeRegionCode(const std::string& field, bool required, std::string* code,
                         FieldViolations* violations) {
  if (code->empty()) {
    if (required) violations->Add(field, "is required");
    return;
  }
  if (!CheckUtf8(field, *code, violations)) return;
  std::optional<std::string> canonical = CanonicalRegionCode(*code);
  if (!canonical) {
    violations->Add(field, "must be an ISO 3166-1 alpha-2 country code");
    return;
  }
  *code = *std::move(canonical);
}

void NormalizeAddress(const std::string& element, const ValidationLimits& limits, Address* address,
                      FieldViolations* violations) {
  if (!customerprofile::v1::AddressLabel_IsValid(address->label())) {
    violations->Add(Join(element, "label"), "must be a known AddressLabel value");
  }
  const std::string lines_path = Join(element, "address_lines");
  if (CheckCount(lines_path, address->address_lines_size(), limits.max_address_lines, violations)) {
    for (int i = 0; i < address->address_lines_size(); ++i) {
      const std::string line_field = Element(lines_path, i);
      std::string* line = address->mutable_address_lines(i);
      NormalizeText(line_field, limits.max_string_length, line, violations);
      if (line->empty()) violations->Add(line_field, "must not be empty");
    }
  }
  NormalizeText(Join(element, "postal_code"), limits.max_string_length,
                address->mutable_postal_code(), violations);
  NormalizeText(Join(element, "locality"), limits.max_string_length, address->mutable_locality(),
                violations);
  NormalizeText(Join(element, "region"), limits.max_string_length, address->mutable_region(),
                violations);
  NormalizeRegionCode(Join(element, "region_code"), /*required=*/true,
                      address->mutable_region_code(), violations);
}

void NormalizeBirthDate(const std::string& field, absl::Time now, Profile* profile,
                        FieldViolations* violations) {
  if (!profile->has_birth_date()) return;
  if (IsUnsetDate(profile->birth_date())) {
    profile->clear_birth_date();
    return;
  }
  ValidateBirthDate(field, profile->birth_date(), now, violations);
}

void NormalizeLanguageCode(const std::string& field, std::string* code,
                           FieldViolations* violations) {
  if (code->empty() || !CheckUtf8(field, *code, violations)) return;
  std::optional<std::string> canonical = CanonicalLanguageTag(*code);
  if (!canonical) {
    violations->Add(field, "must be a well-formed BCP 47 language tag of a known language");
    return;
  }
  *code = *std::move(canonical);
}

void ValidateExternalIds(const std::string& path, const ValidationLimits& limits,
                         const RepeatedPtrField<ExternalId>& external_ids,
                         FieldViolations* violations) {
  if (!CheckCount(path, external_ids.size(), limits.max_external_ids, violations)) return;
  DuplicateChecker duplicates;
  for (int i = 0; i < external_ids.size(); ++i) {
    const ExternalId& external_id = external_ids[i];
    const std::string element = Element(path, i);
    const std::string system_field = Join(element, "system");
    const std::string id_field = Join(element, "id");
    bool system_ok = false;
    if (external_id.system().empty()) {
      violations->Add(system_field, "is required");
    } else if (CheckUtf8(system_field, external_id.system(), violations)) {
      system_ok = IsExternalSystem(external_id.system());
      if (!system_ok) {
        violations->Add(system_field,
                        "must be a lowercase letter followed by at most 31 lowercase letters, "
                        "digits, '_' or '-'");
      }
    }
    bool id_ok = false;
    if (external_id.id().empty()) {
      violations->Add(id_field, "is required");
    } else if (CheckUtf8(id_field, external_id.id(), violations)) {
      if (CodePointCount(external_id.id()) > static_cast<size_t>(kMaxExternalIdLength)) {
        violations->Add(id_field,
                        absl::StrCat("must be at most ", kMaxExternalIdLength, " characters"));
      } else if (!IsGraphic(external_id.id())) {
        violations->Add(id_field, "must contain only printable characters and no white space");
      } else {
        id_ok = true;
      }
    }
    if (system_ok && id_ok) {
      // The system cannot contain NUL, so the key is unambiguous.
      duplicates.Check(absl::StrCat(external_id.system(), std::string(1, '\0'), external_id.id()),
                       element, violations);
    }
  }
}

void NormalizeTags(const std::string& path, const ValidationLimits& limits,
                   RepeatedPtrField<std::string>* tags, FieldViolations* violations) {
  const size_t unique_count =
      absl::flat_hash_set<absl::string_view>(tags->begin(), tags->end()).size();
  if (!CheckCount(path, static_cast<int>(unique_count), limits.max_tags, violations)) return;
  for (int i = 0; i < tags->size(); ++i) {
    const std::string field = Element(path, i);
    if (CheckUtf8(field, (*tags)[i], violations) && !IsTag((*tags)[i])) {
      violations->Add(field,
                      "must be at most 64 lowercase letters and digits, in words joined by "
                      "single hyphens");
    }
  }
  if (unique_count == static_cast<size_t>(tags->size())) return;
  RepeatedPtrField<std::string> kept;
  absl::flat_hash_set<std::string> seen;
  for (std::string& tag : *tags) {
    if (seen.insert(tag).second) kept.Add(std::move(tag));
  }
  tags->Swap(&kept);
}

void ValidateAttributeValue(const std::string& entry, const ValidationLimits& limits,
                            const AttributeValue& value, FieldViolations* violations) {
  switch (value.kind_case()) {
    case AttributeValue::KIND_NOT_SET:
      violations->Add(entry, "must have a value");
      break;
    case AttributeValue::kStringValue: {
      const std::string field = Join(entry, "string_value");
      if (CheckUtf8(field, value.string_value(), violations) &&
          CodePointCount(value.string_value()) > static_cast<size_t>(limits.max_string_length)) {
        violations->Add(field,
                        absl::StrCat("must be at most ", limits.max_string_length, " characters"));
      }
      break;
    }
    case AttributeValue::kDoubleValue:
      if (!std::isfinite(value.double_value())) {
        violations->Add(Join(entry, "double_value"), "must be finite");
      }
      break;
    case AttributeValue::kTimestampValue: {
      const auto& timestamp = value.timestamp_value();
      if (timestamp.seconds() < kMinTimestampSeconds ||
          timestamp.seconds() > kMaxTimestampSeconds) {
        violations->Add(Join(entry, "timestamp_value.seconds"),
                        "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
      }
      if (timestamp.nanos() < 0 || timestamp.nanos() > kMaxNanos) {
        violations->Add(Join(entry, "timestamp_value.nanos"), "must be between 0 and 999999999");
      }
      break;
    }
    case AttributeValue::kInt64Value:
    case AttributeValue::kBoolValue:
      break;
  }
}

void ValidateAttributes(const std::string& path, const ValidationLimits& limits,
                        const google::protobuf::Map<std::string, AttributeValue>& attributes,
                        FieldViolations* violations) {
  if (!CheckCount(path, static_cast<int>(attributes.size()), limits.max_attributes, violations)) {
    return;
  }
  // Map order is unspecified; sorting keeps the violations in a stable order.
  std::vector<std::pair<absl::string_view, const AttributeValue*>> entries;
  entries.reserve(attributes.size());
  for (const auto& [key, value] : attributes) entries.emplace_back(key, &value);
  std::sort(entries.begin(), entries.end());
  for (const auto& [key, value] : entries) {
    const std::string entry = Entry(path, key);
    if (CheckUtf8(entry, key, violations) && !IsAttributeKey(key)) {
      violations->Add(entry,
                      "key must be a lowercase letter followed by at most 63 lowercase letters, "
                      "digits or '_'");
    }
    ValidateAttributeValue(entry, limits, *value, violations);
  }
}

// IsUpdatablePath returns whether an update mask may name `path` (other
// than "*").
bool IsUpdatablePath(absl::string_view path) {
  if (IsOutputOnlyProfilePath(path)) return true;
  const std::vector<std::string>& writable = WritableProfilePaths();
  if (std::find(writable.begin(), writable.end(), path) != writable.end()) return true;
  return absl::StartsWith(path, kAttributeMaskPrefix) &&
         IsAttributeKey(path.substr(kAttributeMaskPrefix.size()));
}

}  // namespace

ProfileValidator::ProfileValidator(const Clock* clock, ValidationOptions options)
    : clock_(clock), options_(std::move(options)) {}

void ProfileValidator::Normalize(absl::string_view prefix, Profile* profile,
                                 FieldViolations* violations) const {
  const ValidationLimits& limits = options_.limits;
  NormalizeText(Join(prefix, "given_name"), limits.max_name_length, profile->mutable_given_name(),
                violations);
  NormalizeText(Join(prefix, "family_name"), limits.max_name_length, profile->mutable_family_name(),
                violations);
  NormalizeText(Join(prefix, "display_name"), limits.max_name_length,
                profile->mutable_display_name(), violations);
  NormalizeEmails(Join(prefix, "emails"), limits, profile->mutable_emails(), violations);
  NormalizePhones(Join(prefix, "phones"), options_.default_phone_region, limits,
                  profile->mutable_phones(), violations);
  const std::string addresses_path = Join(prefix, "addresses");
  if (CheckCount(addresses_path, profile->addresses_size(), limits.max_addresses, violations)) {
    for (int i = 0; i < profile->addresses_size(); ++i) {
      NormalizeAddress(Element(addresses_path, i), limits, profile->mutable_addresses(i),
                       violations);
    }
  }
  NormalizeBirthDate(Join(prefix, "birth_date"), clock_->Now(), profile, violations);
  NormalizeLanguageCode(Join(prefix, "language_code"), profile->mutable_language_code(),
                        violations);
  NormalizeRegionCode(Join(prefix, "region_code"), /*required=*/false,
                      profile->mutable_region_code(), violations);
  ValidateExternalIds(Join(prefix, "external_ids"), limits, profile->external_ids(), violations);
  NormalizeTags(Join(prefix, "tags"), limits, profile->mutable_tags(), violations);
  ValidateAttributes(Join(prefix, "attributes"), limits, profile->attributes(), violations);
}

void ProfileValidator::ValidateUpdateMask(const google::protobuf::FieldMask& mask,
                                          FieldViolations* violations) const {
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    const std::string field = absl::StrCat("update_mask.paths[", i, "]");
    if (path == "*") {
      if (mask.paths_size() > 1) violations->Add(field, "\"*\" must be the only path");
    } else if (!IsUpdatablePath(path)) {
      violations->Add(field, "is not an updatable field of Profile");
    }
  }
}

void ProfileValidator::CheckRequestSize(absl::string_view field, size_t bytes,
                                        FieldViolations* violations) const {
  if (bytes <= options_.limits.max_request_bytes) return;
  violations->Add(std::string(field),
                  absl::StrCat("request is ", bytes, " bytes; at most ",
                               options_.limits.max_request_bytes, " are allowed"));
}

bool ProfileValidator::NormalizeEmail(std::string* address) {
  FieldViolations ignored;
  return NormalizeEmailAddress("", address, &ignored);
}

bool ProfileValidator::NormalizePhone(absl::string_view region, std::string* number) {
  FieldViolations ignored;
  return NormalizePhoneNumber("", region, number, &ignored);
}

}  // namespace cp::domain
