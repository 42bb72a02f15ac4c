#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"

namespace cp::storage {

// PaddedSize returns the number of placeholders an IN list of `n` values
// gets: the next power of two, at least 8, so that the statement cache holds
// few shapes. The caller fills the padding with a value that matches
// nothing new (e.g. a repeat of the first value, or '' for ids).
inline size_t PaddedSize(size_t n) {
  size_t size = 8;
  while (size < n) size *= 2;
  return size;
}

// Placeholders returns "?, ?, ..." with `n` placeholders.
inline std::string Placeholders(size_t n) {
  std::string text;
  text.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&text, i == 0 ? "?" : ", ?");
  return text;
}

}  // namespace cp::storage
