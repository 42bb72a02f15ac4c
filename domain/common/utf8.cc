#include "domain/common/utf8.h"

#include <cstdint>

#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace cp::domain {
namespace {

// NextCodePoint decodes the code point at `*pos` and advances past it; the
// result is negative for an ill-formed sequence.
UChar32 NextCodePoint(absl::string_view text, int32_t* pos) {
  UChar32 c;
  U8_NEXT(text.data(), *pos, static_cast<int32_t>(text.size()), c);
  return c;
}

// PreviousCodePoint decodes the code point that ends before `*pos` and moves
// back to its start; the result is negative for an ill-formed sequence.
UChar32 PreviousCodePoint(absl::string_view text, int32_t* pos) {
  UChar32 c;
  U8_PREV(text.data(), 0, *pos, c);
  return c;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  // ICU's offsets are 32-bit; nothing this large is ever a valid field.
  if (text.size() > INT32_MAX) return false;
  int32_t pos = 0;
  while (pos < static_cast<int32_t>(text.size())) {
    if (NextCodePoint(text, &pos) < 0) return false;
  }
  return true;
}

size_t CodePointCount(absl::string_view text) {
  size_t count = 0;
  for (char byte : text) {
    // Every code point has exactly one byte that is not a continuation byte.
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControlCharacter(absl::string_view text) {
  int32_t pos = 0;
  while (pos < static_cast<int32_t>(text.size())) {
    UChar32 c = NextCodePoint(text, &pos);
    if (c >= 0 && u_charType(c) == U_CONTROL_CHAR) return true;
  }
  return false;
}

bool IsGraphic(absl::string_view text) {
  int32_t pos = 0;
  while (pos < static_cast<int32_t>(text.size())) {
    UChar32 c = NextCodePoint(text, &pos);
    if (c < 0 || !u_isgraph(c)) return false;
  }
  return true;
}

absl::string_view TrimWhitespace(absl::string_view text) {
  int32_t begin = 0;
  while (begin < static_cast<int32_t>(text.size())) {
    int32_t next = begin;
    UChar32 c = NextCodePoint(text, &next);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    begin = next;
  }
  int32_t end = static_cast<int32_t>(text.size());
  while (end > begin) {
    int32_t previous = end;
    UChar32 c = PreviousCodePoint(text, &previous);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    end = previous;
  }
  return text.substr(begin, end - begin);
}

}  // namespace cp::domain
