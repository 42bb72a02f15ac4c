#pragma once

#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "domain/common/filter_lexer.h"

namespace cp::domain {

// FilterComparison is one restriction `field comparator value` of a filter.
struct FilterComparison {
  // kWord: a field path, one of those ParseFilter was given.
  FilterToken field;
  // kComparator.
  FilterToken comparator;
  // kWord or kString, as written (the mapping to a field's type checks it).
  FilterToken value;
};

// FilterExpression is a parsed AIP-160 filter: AND, OR and NOT over
// comparisons, not yet mapped to any resource's fields.
struct FilterExpression {
  enum class Kind { kAnd, kOr, kNot, kComparison };
  Kind kind = Kind::kComparison;
  // kAnd and kOr: two or more operands (none of the same kind: nested ANDs
  // are flattened); kNot: exactly one.
  std::vector<FilterExpression> children;
  // kComparison only.
  FilterComparison comparison;
};

// FilterComparisonCheck checks one comparison as ParseFilter reads it (the
// value's type against the field's, say); its error ends the parse.
using FilterComparisonCheck = absl::FunctionRef<absl::Status(const FilterComparison&)>;

// ParseFilter parses AIP-160 `text`: comparisons `field op value` with
// = != < <= > >= :, AND, OR, NOT, '-' (negation), parentheses and implicit
// AND by juxtaposition, where every field is one of `fields`. Empty or
// blank text is nullopt (no filter). At most 20 levels of parentheses and
// 50 comparisons. Errors are InvalidFilter statuses (INVALID_ARGUMENT,
// reason INVALID_FILTER, violation on "filter") telling what and where,
// never echoing values; an unknown field's message lists `fields`. `check`
// runs on each comparison in the order of the text, so that the first
// problem of a filter is the one reported, whatever its kind.
absl::StatusOr<std::optional<FilterExpression>> ParseFilter(
    absl::string_view text, absl::Span<const absl::string_view> fields,
    FilterComparisonCheck check = [](const FilterComparison&) { return absl::OkStatus(); });

}  // namespace cp::domain
