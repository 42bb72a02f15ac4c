#include "storage/match_keys.h"

#include <unicode/unistr.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cp::storage {
namespace {

// Cut returns `key` cut to kMaxMatchKeyBytes at a UTF-8 boundary.
std::string Cut(std::string key) {
  if (key.size() <= kMaxMatchKeyBytes) return key;
  size_t end = kMaxMatchKeyBytes;
  while (end > 0 && (static_cast<unsigned char>(key[end]) & 0xC0) == 0x80) --end;
  key.resize(end);
  return key;
}

}  // namespace

std::string FoldCaseAndSpace(absl::string_view text) {
  std::string folded;
  icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())))
      .foldCase()
      .toUTF8String(folded);
  return absl::StrJoin(absl::StrSplit(folded, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

std::vector<std::string> MatchKeysOf(const customerprofile::v1::Profile& profile) {
  std::vector<std::string> keys;
  const std::string family = FoldCaseAndSpace(profile.family_name());
  if (family.empty()) return keys;
  const std::string given = FoldCaseAndSpace(profile.given_name());
  if (!given.empty() && profile.has_birth_date()) {
    const google::type::Date& date = profile.birth_date();
    keys.push_back(Cut(absl::StrCat("n\x1f", given, "\x1f", family, "\x1f", date.year(), "-",
                                    date.month(), "-", date.day())));
  }
  for (const customerprofile::v1::Address& address : profile.addresses()) {
    if (address.address_lines().empty()) continue;
    const std::string postal = FoldCaseAndSpace(address.postal_code());
    const std::string line = FoldCaseAndSpace(address.address_lines(0));
    if (postal.empty() || line.empty()) continue;
    keys.push_back(Cut(absl::StrCat("a\x1f", family, "\x1f", postal, "\x1f", line)));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace cp::storage
