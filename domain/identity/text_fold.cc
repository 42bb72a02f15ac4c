#include "domain/identity/text_fold.h"

#include <unicode/unistr.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cp::domain {

std::string FoldCaseAndSpace(absl::string_view text) {
  std::string folded;
  icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())))
      .foldCase()
      .toUTF8String(folded);
  return absl::StrJoin(absl::StrSplit(folded, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

}  // namespace cp::domain
