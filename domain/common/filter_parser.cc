#include "domain/common/filter_parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

// The grammar is AIP-160's (https://google.aip.dev/assets/misc/ebnf-filtering.txt):
//
//   filter      : [expression]
//   expression  : sequence {AND sequence}
//   sequence    : factor {factor}            (juxtaposition is AND)
//   factor      : term {OR term}
//   term        : [NOT | '-'] simple
//   simple      : restriction | '(' expression ')'
//   restriction : field comparator value
//
// So OR binds tighter than AND and than juxtaposition, unlike SQL:
// "a = 1 AND b = 2 OR c = 3" means "a = 1 AND (b = 2 OR c = 3)". Values
// without a field (AIP-160's global text search) and functions are not
// supported.

namespace cp::domain {
namespace {

constexpr int kMaxDepth = 20;
constexpr int kMaxComparisons = 50;

// Describe names a token for an error message without echoing values.
std::string Describe(const FilterToken& token) {
  switch (token.kind) {
    case FilterTokenKind::kEnd:
      return "end of filter";
    case FilterTokenKind::kWord:
      return "value";
    case FilterTokenKind::kString:
      return "string";
    case FilterTokenKind::kLParen:
      return "'('";
    case FilterTokenKind::kRParen:
      return "')'";
    case FilterTokenKind::kComparator:
      return "operator";
    case FilterTokenKind::kAnd:
      return "AND";
    case FilterTokenKind::kOr:
      return "OR";
    case FilterTokenKind::kNot:
      return "NOT";
    case FilterTokenKind::kMinus:
      return "'-'";
  }
  return "token";
}

// Junction joins operands with AND or OR, splicing in operands that are
// themselves of that kind, so "a AND (b AND c)" is one three-way AND.
FilterExpression Junction(FilterExpression::Kind kind, std::vector<FilterExpression> operands) {
  if (operands.size() == 1) return std::move(operands[0]);
  FilterExpression node;
  node.kind = kind;
  for (FilterExpression& operand : operands) {
    if (operand.kind == kind) {
      for (FilterExpression& child : operand.children) node.children.push_back(std::move(child));
    } else {
      node.children.push_back(std::move(operand));
    }
  }
  return node;
}

// Parser is a recursive-descent parser over LexFilter's tokens.
class Parser {
 public:
  Parser(std::vector<FilterToken> tokens, absl::Span<const absl::string_view> fields,
         FilterComparisonCheck check)
      : tokens_(std::move(tokens)), fields_(fields), check_(check) {}

  absl::StatusOr<FilterExpression> Parse() {
    absl::StatusOr<FilterExpression> node = Expression(0);
    if (!node.ok()) return node;
    if (Peek().kind != FilterTokenKind::kEnd) return Unexpected(Peek());
    return node;
  }

 private:
  const FilterToken& Peek() const { return tokens_[pos_]; }
  const FilterToken& Take() { return tokens_[pos_++]; }

  bool StartsTerm() const {
    switch (Peek().kind) {
      case FilterTokenKind::kWord:
      case FilterTokenKind::kString:
      case FilterTokenKind::kLParen:
      case FilterTokenKind::kNot:
      case FilterTokenKind::kMinus:
        return true;
      default:
        return false;
    }
  }

  absl::Status Unexpected(const FilterToken& token) const {
    return InvalidFilter(absl::StrCat("unexpected ", Describe(token)), token.offset);
  }

  // ExpectTerm fails unless a term starts here; `after` names the
  // preceding keyword for the message.
  absl::Status ExpectTerm(absl::string_view after) const {
    if (StartsTerm()) return absl::OkStatus();
    return InvalidFilter(
        absl::StrCat("expected a comparison or '(' after ", after, ", found ", Describe(Peek())),
        Peek().offset);
  }

  absl::StatusOr<FilterExpression> Expression(int depth) {
    std::vector<FilterExpression> operands;
    while (true) {
      absl::StatusOr<FilterExpression> sequence = Sequence(depth);
      if (!sequence.ok()) return sequence;
      operands.push_back(*std::move(sequence));
      if (Peek().kind != FilterTokenKind::kAnd) break;
      Take();
      if (absl::Status status = ExpectTerm("AND"); !status.ok()) return status;
    }
    return Junction(FilterExpression::Kind::kAnd, std::move(operands));
  }

  absl::StatusOr<FilterExpression> Sequence(int depth) {
    std::vector<FilterExpression> operands;
    do {
      absl::StatusOr<FilterExpression> factor = Factor(depth);
      if (!factor.ok()) return factor;
      operands.push_back(*std::move(factor));
    } while (StartsTerm());
    return Junction(FilterExpression::Kind::kAnd, std::move(operands));
  }

  absl::StatusOr<FilterExpression> Factor(int depth) {
    std::vector<FilterExpression> operands;
    while (true) {
      absl::StatusOr<FilterExpression> term = Term(depth);
      if (!term.ok()) return term;
      operands.push_back(*std::move(term));
      if (Peek().kind != FilterTokenKind::kOr) break;
      Take();
      if (absl::Status status = ExpectTerm("OR"); !status.ok()) return status;
    }
    return Junction(FilterExpression::Kind::kOr, std::move(operands));
  }

  absl::StatusOr<FilterExpression> Term(int depth) {
    const FilterTokenKind kind = Peek().kind;
    if (kind != FilterTokenKind::kNot && kind != FilterTokenKind::kMinus) return Simple(depth);
    Take();
    const FilterToken& next = Peek();
    if (next.kind != FilterTokenKind::kWord && next.kind != FilterTokenKind::kString &&
        next.kind != FilterTokenKind::kLParen) {
      return InvalidFilter(
          absl::StrCat("expected a comparison or '(' after ",
                       kind == FilterTokenKind::kNot ? "NOT" : "'-'", ", found ", Describe(next)),
          next.offset);
    }
    absl::StatusOr<FilterExpression> operand = Simple(depth);
    if (!operand.ok()) return operand;
    FilterExpression node;
    node.kind = FilterExpression::Kind::kNot;
    node.children.push_back(*std::move(operand));
    return node;
  }

  absl::StatusOr<FilterExpression> Simple(int depth) {
    if (Peek().kind != FilterTokenKind::kLParen) return Restriction();
    const FilterToken& open = Take();
    if (depth + 1 > kMaxDepth) {
      return InvalidFilter(absl::StrCat("parentheses nested deeper than ", kMaxDepth), open.offset);
    }
    if (Peek().kind == FilterTokenKind::kRParen) {
      return InvalidFilter("empty parentheses", open.offset);
    }
    absl::StatusOr<FilterExpression> inner = Expression(depth + 1);
    if (!inner.ok()) return inner;
    if (Peek().kind == FilterTokenKind::kEnd) return InvalidFilter("unclosed '('", open.offset);
    if (Peek().kind != FilterTokenKind::kRParen) return Unexpected(Peek());
    Take();
    return inner;
  }

  absl::StatusOr<FilterExpression> Restriction() {
    const FilterToken& name = Peek();
    if (name.kind != FilterTokenKind::kWord && name.kind != FilterTokenKind::kString) {
      return Unexpected(name);
    }
    Take();
    const FilterToken& comparator = Peek();
    if (comparator.kind != FilterTokenKind::kComparator) {
      if (name.kind == FilterTokenKind::kWord &&
          (absl::EqualsIgnoreCase(name.text, "and") || absl::EqualsIgnoreCase(name.text, "or") ||
           absl::EqualsIgnoreCase(name.text, "not"))) {
        return InvalidFilter("the operators AND, OR and NOT must be upper case", name.offset);
      }
      return InvalidFilter(
          "expected a comparison such as field = value (search text without a field is not "
          "supported)",
          name.offset);
    }
    if (name.kind != FilterTokenKind::kWord || name.wildcard) {
      return InvalidFilter("expected a field name before the operator", name.offset);
    }
    if (std::find(fields_.begin(), fields_.end(), name.text) == fields_.end()) {
      const std::string what = IsFieldPath(name.text)
                                   ? absl::StrCat("unknown field \"", name.text, "\"")
                                   : std::string("unknown field");
      return InvalidFilter(absl::StrCat(what, " (supported: ", absl::StrJoin(fields_, ", "), ")"),
                           name.offset);
    }
    Take();
    const FilterToken& value = Peek();
    if (value.kind != FilterTokenKind::kWord && value.kind != FilterTokenKind::kString) {
      return InvalidFilter(
          absl::StrCat("expected a value after the operator, found ", Describe(value)),
          value.offset);
    }
    Take();
    if (++comparisons_ > kMaxComparisons) {
      return InvalidFilter(absl::StrCat("more than ", kMaxComparisons, " comparisons"),
                           name.offset);
    }
    FilterExpression node;
    node.comparison = FilterComparison{name, comparator, value};
    if (absl::Status status = check_(node.comparison); !status.ok()) return status;
    return node;
  }

  std::vector<FilterToken> tokens_;
  absl::Span<const absl::string_view> fields_;
  FilterComparisonCheck check_;
  size_t pos_ = 0;
  int comparisons_ = 0;
};

}  // namespace

absl::StatusOr<std::optional<FilterExpression>> ParseFilter(
    absl::string_view text, absl::Span<const absl::string_view> fields,
    FilterComparisonCheck check) {
  absl::StatusOr<std::vector<FilterToken>> tokens = LexFilter(text);
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) return std::nullopt;
  absl::StatusOr<FilterExpression> node = Parser(*std::move(tokens), fields, check).Parse();
  if (!node.ok()) return node.status();
  return std::optional<FilterExpression>(*std::move(node));
}

}  // namespace cp::domain
