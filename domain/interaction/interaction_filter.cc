#include "domain/interaction/interaction_filter.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerprofile/v1/interaction.pb.h"
#include "domain/common/filter_lexer.h"
#include "domain/common/filter_parser.h"
#include "domain/common/rfc3339.h"
#include "google/protobuf/descriptor.h"

namespace cp::domain {
namespace {

using storage::FilterField;
using storage::FilterNode;
using storage::FilterOp;

struct Field {
  absl::string_view path;
  FilterField field;
  // The enum its values name, or null for a string or time field.
  const google::protobuf::EnumDescriptor* (*enum_type)();
};

const Field kFields[] = {
    {"channel", FilterField::kInteractionChannel,
     &customerprofile::v1::InteractionChannel_descriptor},
    {"direction", FilterField::kInteractionDirection,
     &customerprofile::v1::InteractionDirection_descriptor},
    {"kind", FilterField::kInteractionKind, &customerprofile::v1::InteractionKind_descriptor},
    {"occur_time", FilterField::kInteractionOccurTime, nullptr},
    {"source_system", FilterField::kInteractionSourceSystem, nullptr},
    {"campaign", FilterField::kInteractionCampaign, nullptr},
};

const std::vector<absl::string_view>& Paths() {
  static const auto* const paths = [] {
    auto* list = new std::vector<absl::string_view>();
    for (const Field& field : kFields) list->push_back(field.path);
    return list;
  }();
  return *paths;
}

absl::StatusOr<FilterNode> Compare(const FilterComparison& comparison) {
  const Field* field = nullptr;
  for (const Field& candidate : kFields) {
    if (candidate.path == comparison.field.text) field = &candidate;
  }
  const FilterToken& value = comparison.value;
  const FilterOp op = comparison.comparator.op;
  const bool equality = op == FilterOp::kEq || op == FilterOp::kNe || op == FilterOp::kHas;
  FilterNode node;
  node.kind = FilterNode::Kind::kCompare;
  node.field = field->field;
  node.op = op == FilterOp::kHas ? FilterOp::kEq : op;
  if (field->enum_type != nullptr) {
    if (!equality || value.wildcard) {
      return InvalidFilter(absl::StrCat(field->path, " supports only = and !="),
                           comparison.comparator.offset);
    }
    const google::protobuf::EnumValueDescriptor* named =
        field->enum_type()->FindValueByName(std::string(value.text));
    if (named == nullptr || named->number() == 0) {
      return InvalidFilter(
          absl::StrCat(field->path, " takes a ", field->enum_type()->name(), " value name such as ",
                       field->enum_type()->value(1)->name()),
          value.offset);
    }
    node.value = int64_t{named->number()};
    return node;
  }
  if (field->field == FilterField::kInteractionOccurTime) {
    std::optional<int64_t> micros = value.wildcard ? std::nullopt : ParseRfc3339Micros(value.text);
    if (!micros.has_value()) {
      return InvalidFilter(
          "occur_time takes a quoted RFC 3339 timestamp such as "
          "\"2026-01-01T00:00:00Z\"",
          value.offset);
    }
    node.value = *micros;
    return node;
  }
  if (!equality) {
    return InvalidFilter(absl::StrCat(field->path, " supports only =, != and :"),
                         comparison.comparator.offset);
  }
  node.value = std::string(value.text);
  node.prefix = value.wildcard;
  return node;
}

absl::StatusOr<FilterNode> ToNode(const FilterExpression& expression) {
  if (expression.kind == FilterExpression::Kind::kComparison) return Compare(expression.comparison);
  FilterNode node;
  node.kind = expression.kind == FilterExpression::Kind::kAnd  ? FilterNode::Kind::kAnd
              : expression.kind == FilterExpression::Kind::kOr ? FilterNode::Kind::kOr
                                                               : FilterNode::Kind::kNot;
  for (const FilterExpression& child : expression.children) {
    absl::StatusOr<FilterNode> operand = ToNode(child);
    if (!operand.ok()) return operand;
    node.children.push_back(*std::move(operand));
  }
  return node;
}

}  // namespace

absl::StatusOr<std::optional<FilterNode>> ParseInteractionFilter(absl::string_view text) {
  absl::StatusOr<std::optional<FilterExpression>> expression =
      ParseFilter(text, Paths(),
                  [](const FilterComparison& comparison) { return Compare(comparison).status(); });
  if (!expression.ok()) return expression.status();
  if (!expression->has_value()) return std::nullopt;
  absl::StatusOr<FilterNode> node = ToNode(**expression);
  if (!node.ok()) return node.status();
  return std::optional<FilterNode>(*std::move(node));
}

}  // namespace cp::domain
