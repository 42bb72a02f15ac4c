#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

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

// InList returns `prefix` (which ends in "IN (") followed by `n`
// placeholders and the closing parenthesis.
inline std::string InList(absl::string_view prefix, size_t n) {
  return absl::StrCat(prefix, Placeholders(n), ")");
}

// MultiRowInsert returns `prefix` (which ends in "VALUES ") followed by
// `count` copies of `row`, comma-separated.
inline std::string MultiRowInsert(absl::string_view prefix, absl::string_view row, size_t count) {
  std::string sql(prefix);
  sql.reserve(prefix.size() + count * (row.size() + 2));
  for (size_t i = 0; i < count; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", row);
  return sql;
}

}  // namespace cp::storage
