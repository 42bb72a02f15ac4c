#include "domain/profile/locale_codes.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "unicode/uloc.h"

namespace cp::domain {
namespace {

constexpr size_t kMaxLanguageTagLength = 64;

// Contains returns whether the null-terminated ICU list of codes `list` holds
// `code`. The lists are a few hundred short entries, so a scan is cheap.
bool Contains(const char* const* list, const std::string& code) {
  for (const char* const* entry = list; *entry != nullptr; ++entry) {
    if (std::strcmp(*entry, code.c_str()) == 0) return true;
  }
  return false;
}

// IsTagText returns whether `tag` has only the characters of BCP 47 tags.
bool IsTagText(absl::string_view tag) {
  for (char c : tag) {
    if (!absl::ascii_isalnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> CanonicalRegionCode(absl::string_view code) {
  if (code.size() != 2 || !absl::ascii_isalpha(code[0]) || !absl::ascii_isalpha(code[1])) {
    return std::nullopt;
  }
  std::string upper = absl::AsciiStrToUpper(code);
  if (!Contains(uloc_getISOCountries(), upper)) return std::nullopt;
  return upper;
}

std::optional<std::string> CanonicalLanguageTag(absl::string_view tag) {
  if (tag.empty() || tag.size() > kMaxLanguageTagLength || !IsTagText(tag)) return std::nullopt;
  const std::string input(tag);
  char locale_id[ULOC_FULLNAME_CAPACITY];
  int32_t parsed_length = 0;
  UErrorCode status = U_ZERO_ERROR;
  int32_t length =
      uloc_forLanguageTag(input.c_str(), locale_id, sizeof(locale_id), &parsed_length, &status);
  // A tag parsed only in part ("en--US", "en_US") is not well-formed.
  if (U_FAILURE(status) || length >= static_cast<int32_t>(sizeof(locale_id)) ||
      parsed_length != static_cast<int32_t>(input.size())) {
    return std::nullopt;
  }
  char canonical[ULOC_FULLNAME_CAPACITY];
  status = U_ZERO_ERROR;
  length = uloc_toLanguageTag(locale_id, canonical, sizeof(canonical), /*strict=*/true, &status);
  if (U_FAILURE(status) || length >= static_cast<int32_t>(sizeof(canonical))) return std::nullopt;
  std::string result(canonical, length);
  // "und" (undetermined) and private-use-only tags name no language.
  std::string language = result.substr(0, result.find('-'));
  if (language == "und" || !Contains(uloc_getISOLanguages(), language)) return std::nullopt;
  return result;
}

}  // namespace cp::domain
