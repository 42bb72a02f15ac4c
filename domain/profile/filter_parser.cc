#include "domain/profile/filter_parser.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/common/errors.h"
#include "domain/common/rfc3339.h"
#include "domain/profile/filter_lexer.h"

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

using storage::FilterField;
using storage::FilterNode;
using storage::FilterOp;

constexpr int kMaxDepth = 20;
constexpr int kMaxComparisons = 50;

// FieldKind says how a field's values are typed and compared.
enum class FieldKind { kString, kTime, kRepeated };

struct FieldInfo {
  absl::string_view path;
  FilterField field;
  FieldKind kind;
};

constexpr FieldInfo kFields[] = {
    {"region_code", FilterField::kRegionCode, FieldKind::kString},
    {"display_name", FilterField::kDisplayName, FieldKind::kString},
    {"create_time", FilterField::kCreateTime, FieldKind::kTime},
    {"update_time", FilterField::kUpdateTime, FieldKind::kTime},
    {"tags", FilterField::kTags, FieldKind::kRepeated},
    {"external_ids.system", FilterField::kExternalIdSystem, FieldKind::kRepeated},
    {"external_ids.id", FilterField::kExternalIdId, FieldKind::kRepeated},
};

constexpr absl::string_view kSupportedFields =
    "supported: region_code, display_name, create_time, update_time, tags, external_ids.system, "
    "external_ids.id";

const FieldInfo* FindField(absl::string_view path) {
  for (const FieldInfo& info : kFields) {
    if (info.path == path) return &info;
  }
  return nullptr;
}

// IsNumber tells whether a bare word is an AIP-160 number literal, which
// the string fields do not accept unquoted.
bool IsNumber(absl::string_view word) {
  if (!word.empty() && (word[0] == '-' || word[0] == '+')) word.remove_prefix(1);
  size_t i = 0;
  size_t digits = 0;
  while (i < word.size() && absl::ascii_isdigit(static_cast<unsigned char>(word[i]))) ++i, ++digits;
  if (i < word.size() && word[i] == '.') {
    ++i;
    while (i < word.size() && absl::ascii_isdigit(static_cast<unsigned char>(word[i]))) {
      ++i, ++digits;
    }
  }
  if (digits == 0) return false;
  if (i < word.size() && (word[i] == 'e' || word[i] == 'E')) {
    ++i;
    if (i < word.size() && (word[i] == '-' || word[i] == '+')) ++i;
    const size_t exponent_start = i;
    while (i < word.size() && absl::ascii_isdigit(static_cast<unsigned char>(word[i]))) ++i;
    if (i == exponent_start) return false;
  }
  return i == word.size();
}

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
FilterNode Junction(FilterNode::Kind kind, std::vector<FilterNode> operands) {
  if (operands.size() == 1) return std::move(operands[0]);
  FilterNode node;
  node.kind = kind;
  for (FilterNode& operand : operands) {
    if (operand.kind == kind) {
      for (FilterNode& child : operand.children) node.children.push_back(std::move(child));
    } else {
      node.children.push_back(std::move(operand));
    }
  }
  return node;
}

// Parser is a recursive-descent parser over LexFilter's tokens.
class Parser {
 public:
  explicit Parser(std::vector<FilterToken> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<FilterNode> Parse() {
    absl::StatusOr<FilterNode> node = Expression(0);
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

  absl::StatusOr<FilterNode> Expression(int depth) {
    std::vector<FilterNode> operands;
    while (true) {
      absl::StatusOr<FilterNode> sequence = Sequence(depth);
      if (!sequence.ok()) return sequence;
      operands.push_back(*std::move(sequence));
      if (Peek().kind != FilterTokenKind::kAnd) break;
      Take();
      if (absl::Status status = ExpectTerm("AND"); !status.ok()) return status;
    }
    return Junction(FilterNode::Kind::kAnd, std::move(operands));
  }

  absl::StatusOr<FilterNode> Sequence(int depth) {
    std::vector<FilterNode> operands;
    do {
      absl::StatusOr<FilterNode> factor = Factor(depth);
      if (!factor.ok()) return factor;
      operands.push_back(*std::move(factor));
    } while (StartsTerm());
    return Junction(FilterNode::Kind::kAnd, std::move(operands));
  }

  absl::StatusOr<FilterNode> Factor(int depth) {
    std::vector<FilterNode> operands;
    while (true) {
      absl::StatusOr<FilterNode> term = Term(depth);
      if (!term.ok()) return term;
      operands.push_back(*std::move(term));
      if (Peek().kind != FilterTokenKind::kOr) break;
      Take();
      if (absl::Status status = ExpectTerm("OR"); !status.ok()) return status;
    }
    return Junction(FilterNode::Kind::kOr, std::move(operands));
  }

  absl::StatusOr<FilterNode> Term(int depth) {
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
    absl::StatusOr<FilterNode> operand = Simple(depth);
    if (!operand.ok()) return operand;
    FilterNode node;
    node.kind = FilterNode::Kind::kNot;
    node.children.push_back(*std::move(operand));
    return node;
  }

  absl::StatusOr<FilterNode> Simple(int depth) {
    if (Peek().kind != FilterTokenKind::kLParen) return Restriction();
    const FilterToken& open = Take();
    if (depth + 1 > kMaxDepth) {
      return InvalidFilter(absl::StrCat("parentheses nested deeper than ", kMaxDepth), open.offset);
    }
    if (Peek().kind == FilterTokenKind::kRParen) {
      return InvalidFilter("empty parentheses", open.offset);
    }
    absl::StatusOr<FilterNode> inner = Expression(depth + 1);
    if (!inner.ok()) return inner;
    if (Peek().kind == FilterTokenKind::kEnd) return InvalidFilter("unclosed '('", open.offset);
    if (Peek().kind != FilterTokenKind::kRParen) return Unexpected(Peek());
    Take();
    return inner;
  }

  absl::StatusOr<FilterNode> Restriction() {
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
    const FieldInfo* field = FindField(name.text);
    if (field == nullptr) {
      const std::string what = IsFieldPath(name.text)
                                   ? absl::StrCat("unknown field \"", name.text, "\"")
                                   : std::string("unknown field");
      return InvalidFilter(absl::StrCat(what, " (", kSupportedFields, ")"), name.offset);
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
    return Compare(*field, comparator, value);
  }

  // Compare type-checks one comparison and builds its node.
  static absl::StatusOr<FilterNode> Compare(const FieldInfo& field, const FilterToken& comparator,
                                            const FilterToken& value) {
    const FilterOp op = comparator.op;
    const bool equality = op == FilterOp::kEq || op == FilterOp::kNe || op == FilterOp::kHas;
    FilterNode node;
    node.kind = FilterNode::Kind::kCompare;
    node.field = field.field;
    node.op = op;
    if (field.kind == FieldKind::kRepeated && !equality) {
      return InvalidFilter(absl::StrCat(field.path, " supports only =, != and :"),
                           comparator.offset);
    }
    if (field.kind == FieldKind::kTime) {
      if (value.wildcard) {
        return InvalidFilter(absl::StrCat("wildcards are not supported on ", field.path),
                             value.offset);
      }
      std::optional<int64_t> micros = ParseRfc3339Micros(value.text);
      if (!micros.has_value()) {
        return InvalidFilter(absl::StrCat(field.path,
                                          " takes a quoted RFC 3339 timestamp such as "
                                          "\"2026-01-01T00:00:00Z\" (microsecond precision)"),
                             value.offset);
      }
      node.value = *micros;
      return node;
    }
    if (value.kind == FilterTokenKind::kWord &&
        (IsNumber(value.text) || value.text == "true" || value.text == "false")) {
      return InvalidFilter(absl::StrCat(field.path, " takes a string; quote the value"),
                           value.offset);
    }
    if (value.wildcard && !equality) {
      return InvalidFilter("a '*' wildcard works only with =, != and :", value.offset);
    }
    node.value = value.text;
    node.prefix = value.wildcard;
    return node;
  }

  std::vector<FilterToken> tokens_;
  size_t pos_ = 0;
  int comparisons_ = 0;
};

absl::Status InvalidOrderBy(absl::string_view description) {
  return InvalidField("order_by", description, "INVALID_ORDER_BY");
}

}  // namespace

absl::StatusOr<std::optional<storage::FilterNode>> ParseProfileFilter(absl::string_view text) {
  absl::StatusOr<std::vector<FilterToken>> tokens = LexFilter(text);
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) return std::nullopt;
  absl::StatusOr<FilterNode> node = Parser(*std::move(tokens)).Parse();
  if (!node.ok()) return node.status();
  return std::optional<FilterNode>(*std::move(node));
}

absl::StatusOr<ProfileOrder> ParseProfileOrderBy(absl::string_view text) {
  constexpr absl::string_view kUsage =
      "use create_time, update_time or display_name, optionally followed by asc or desc";
  if (absl::StrContains(text, ',')) {
    return InvalidOrderBy(
        absl::StrCat("ordering by more than one field is not supported; ", kUsage));
  }
  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  ProfileOrder order;
  if (words.empty()) return order;
  if (words.size() > 2) return InvalidOrderBy(kUsage);
  if (words[0] == "create_time") {
    order.field = storage::ProfileOrderField::kCreateTime;
  } else if (words[0] == "update_time") {
    order.field = storage::ProfileOrderField::kUpdateTime;
  } else if (words[0] == "display_name") {
    order.field = storage::ProfileOrderField::kDisplayName;
  } else if (IsFieldPath(words[0])) {
    return InvalidOrderBy(absl::StrCat("cannot order by \"", words[0], "\"; ", kUsage));
  } else {
    return InvalidOrderBy(kUsage);
  }
  if (words.size() == 2) {
    if (absl::EqualsIgnoreCase(words[1], "desc")) {
      order.descending = true;
    } else if (!absl::EqualsIgnoreCase(words[1], "asc")) {
      return InvalidOrderBy(absl::StrCat("the direction must be asc or desc; ", kUsage));
    }
  }
  return order;
}

}  // namespace cp::domain
