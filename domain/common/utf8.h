#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace cp::domain {

// IsValidUtf8 returns whether `text` is well-formed UTF-8: no stray
// continuation bytes, truncated sequences, overlong forms, surrogates or code
// points above U+10FFFF.
bool IsValidUtf8(absl::string_view text);

// The functions below expect `text` to be valid UTF-8 (check IsValidUtf8
// first); ill-formed bytes count as one code point each.

// CodePointCount returns the number of Unicode code points in `text`.
size_t CodePointCount(absl::string_view text);

// HasControlCharacter returns whether `text` contains a control character
// (general category Cc: U+0000..U+001F and U+007F..U+009F).
bool HasControlCharacter(absl::string_view text);

// IsGraphic returns whether every code point of `text` is printable and not
// white space: no separator, control, format, surrogate or unassigned code
// points (ICU's u_isgraph).
bool IsGraphic(absl::string_view text);

// TrimWhitespace returns `text` without leading and trailing Unicode white
// space (such as ' ', '\t', '\n', U+00A0 and U+3000).
absl::string_view TrimWhitespace(absl::string_view text);

}  // namespace cp::domain
