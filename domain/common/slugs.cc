#include "domain/common/slugs.h"

#include "absl/strings/ascii.h"

namespace cp::domain {
namespace {

constexpr size_t kMaxTagLength = 64;
constexpr size_t kMaxExternalSystemLength = 32;
constexpr size_t kMaxAttributeKeyLength = 64;

bool IsLowerAlnum(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c); }

// IsIdentifier returns whether `text` is 1..`max_length` characters, the
// first a lowercase letter and the rest lowercase letters, digits or one of
// `punctuation`.
bool IsIdentifier(absl::string_view text, size_t max_length, absl::string_view punctuation) {
  if (text.empty() || text.size() > max_length || !absl::ascii_islower(text[0])) return false;
  for (char c : text.substr(1)) {
    if (!IsLowerAlnum(c) && punctuation.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

}  // namespace

bool IsTag(absl::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  if (tag.front() == '-' || tag.back() == '-') return false;
  char previous = '\0';
  for (char c : tag) {
    if (c == '-' ? previous == '-' : !IsLowerAlnum(c)) return false;
    previous = c;
  }
  return true;
}

bool IsExternalSystem(absl::string_view system) {
  return IsIdentifier(system, kMaxExternalSystemLength, "_-");
}

bool IsAttributeKey(absl::string_view key) {
  return IsIdentifier(key, kMaxAttributeKeyLength, "_");
}

}  // namespace cp::domain
