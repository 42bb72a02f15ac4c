#include "domain/profile/profile_filter.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/filter_parser.h"
#include "domain/common/rfc3339.h"
#include "domain/identity/phone_number.h"

// The grammar is AIP-160's (see domain/common/filter_parser.h); this file
// maps its comparisons onto the profile fields and their types.

namespace cp::domain {
namespace {

using storage::FilterField;
using storage::FilterNode;
using storage::FilterOp;

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
    {"emails.address", FilterField::kEmailAddress, FieldKind::kRepeated},
    {"phones.number", FilterField::kPhoneNumber, FieldKind::kRepeated},
    {"insights.value_tier", FilterField::kInsightsValueTier, FieldKind::kString},
    {"insights.last_interaction_time", FilterField::kInsightsLastInteractionTime, FieldKind::kTime},
};

// FieldPaths returns the paths of kFields, in order, for ParseFilter.
const std::vector<absl::string_view>& FieldPaths() {
  static const auto* const paths = [] {
    auto* list = new std::vector<absl::string_view>();
    for (const FieldInfo& info : kFields) list->push_back(info.path);
    return list;
  }();
  return *paths;
}

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

// Compare type-checks one comparison and builds its node.
absl::StatusOr<FilterNode> Compare(const FieldInfo& field, const FilterToken& comparator,
                                   const FilterToken& value, absl::string_view phone_region) {
  const FilterOp op = comparator.op;
  const bool equality = op == FilterOp::kEq || op == FilterOp::kNe || op == FilterOp::kHas;
  FilterNode node;
  node.kind = FilterNode::Kind::kCompare;
  node.field = field.field;
  node.op = op;
  if (field.kind == FieldKind::kRepeated && !equality) {
    return InvalidFilter(absl::StrCat(field.path, " supports only =, != and :"), comparator.offset);
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
  if (field.field == FilterField::kEmailAddress) {
    // The index holds addresses with their ASCII letters lowercased.
    node.value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value.text));
  } else if (field.field == FilterField::kPhoneNumber && !value.wildcard) {
    std::string number = value.text;
    FieldViolations ignored;
    if (!NormalizePhoneNumber("filter", phone_region.empty() ? "NO" : phone_region, &number,
                              &ignored)) {
      return InvalidFilter("phones.number takes a phone number in E.164 or national format",
                           value.offset);
    }
    node.value = number;
  }
  return node;
}

// ToCompareNode type-checks a comparison of a known field and builds its
// node.
absl::StatusOr<FilterNode> ToCompareNode(const FilterComparison& comparison,
                                         absl::string_view phone_region) {
  return Compare(*FindField(comparison.field.text), comparison.comparator, comparison.value,
                 phone_region);
}

// ToNode maps a parsed filter onto the profile fields.
absl::StatusOr<FilterNode> ToNode(const FilterExpression& expression,
                                  absl::string_view phone_region) {
  if (expression.kind == FilterExpression::Kind::kComparison) {
    return ToCompareNode(expression.comparison, phone_region);
  }
  FilterNode node;
  switch (expression.kind) {
    case FilterExpression::Kind::kAnd:
      node.kind = FilterNode::Kind::kAnd;
      break;
    case FilterExpression::Kind::kOr:
      node.kind = FilterNode::Kind::kOr;
      break;
    default:
      node.kind = FilterNode::Kind::kNot;
      break;
  }
  for (const FilterExpression& child : expression.children) {
    absl::StatusOr<FilterNode> operand = ToNode(child, phone_region);
    if (!operand.ok()) return operand;
    node.children.push_back(*std::move(operand));
  }
  return node;
}

absl::Status InvalidOrderBy(absl::string_view description) {
  return InvalidField("order_by", description, kInvalidOrderBy);
}

}  // namespace

absl::StatusOr<std::optional<storage::FilterNode>> ParseProfileFilter(
    absl::string_view text, absl::string_view phone_region) {
  absl::StatusOr<std::optional<FilterExpression>> expression =
      ParseFilter(text, FieldPaths(), [phone_region](const FilterComparison& comparison) {
        return ToCompareNode(comparison, phone_region).status();
      });
  if (!expression.ok()) return expression.status();
  if (!expression->has_value()) return std::nullopt;
  absl::StatusOr<FilterNode> node = ToNode(**expression, phone_region);
  if (!node.ok()) return node.status();
  return std::optional<FilterNode>(*std::move(node));
}

absl::StatusOr<ProfileOrder> ParseProfileOrderBy(absl::string_view text) {
  constexpr absl::string_view kUsage =
      "use create_time, update_time, display_name or insights.last_interaction_time, "
      "optionally followed by asc or desc";
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
  } else if (words[0] == "insights.last_interaction_time") {
    order.field = storage::ProfileOrderField::kInsightsLastInteractionTime;
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
