#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_query.h"

namespace cp::domain {

// FilterTokenKind is the kind of one lexical token of an AIP-160 filter.
enum class FilterTokenKind {
  kEnd,         // end of the text; always the last token
  kWord,        // bare text: a field path or an unquoted value
  kString,      // a single- or double-quoted string
  kLParen,      // (
  kRParen,      // )
  kComparator,  // = != < <= > >= :
  kAnd,         // AND
  kOr,          // OR
  kNot,         // NOT
  kMinus,       // '-' starting a term (negation)
};

// FilterToken is one token of a filter.
struct FilterToken {
  FilterTokenKind kind = FilterTokenKind::kEnd;
  // Where the token starts, in Unicode code points from the start of the text.
  size_t offset = 0;
  // kWord: the text as written; kString: the value with escapes resolved.
  // Without the trailing wildcard '*' (see `wildcard`).
  std::string text;
  // kComparator only.
  storage::FilterOp op = storage::FilterOp::kEq;
  // kWord and kString: the value ended with an unescaped '*' (AIP-160
  // wildcard), which is not part of `text`.
  bool wildcard = false;
};

// kMaxFilterLength is the longest filter accepted, in bytes.
inline constexpr size_t kMaxFilterLength = 4096;

// LexFilter splits `text` into tokens, the last one kEnd. The keywords AND,
// OR and NOT are upper case only. A '-' is negation where a term can start
// (not directly after a comparator, where it begins a value such as -5).
// Strings take the escapes \\ \" \' \* \n \r \t; an unescaped '*' is a
// wildcard only as the last character of a value. Errors (invalid UTF-8,
// over-long text, unterminated strings, stray characters, misplaced '*')
// are InvalidFilter statuses.
absl::StatusOr<std::vector<FilterToken>> LexFilter(absl::string_view text);

// InvalidFilter returns INVALID_ARGUMENT (reason INVALID_FILTER) with a
// violation on "filter" reading "<what> at offset <offset>". `what` must
// not contain values taken from the filter.
absl::Status InvalidFilter(absl::string_view what, size_t offset);

// IsFieldPath tells whether `text` looks like a field path (lower-case
// identifiers joined by dots, at most 64 bytes), which is safe to repeat in
// an error message; anything else might be a value and is never echoed.
bool IsFieldPath(absl::string_view text);

}  // namespace cp::domain
