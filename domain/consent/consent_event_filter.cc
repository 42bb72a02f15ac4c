#include "domain/consent/consent_event_filter.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/common/filter_parser.h"
#include "domain/consent/consent_names.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kFields[] = {"purpose", "channel"};
constexpr absl::string_view kUsage =
    "supports only `purpose = \"purposes/{purpose}\"` and `channel = NAME`, joined by AND";

absl::Status Unsupported(size_t offset) {
  return InvalidFilter(absl::StrCat("the filter ", kUsage), offset);
}

// Apply sets the field of `filter` that `comparison` restricts.
absl::Status Apply(const FilterComparison& comparison, ConsentEventFilter* filter) {
  if (comparison.comparator.op != storage::FilterOp::kEq || comparison.value.wildcard) {
    return Unsupported(comparison.comparator.offset);
  }
  const FilterToken& value = comparison.value;
  if (comparison.field.text == "purpose") {
    if (!filter->purpose_id.empty()) return Unsupported(comparison.field.offset);
    absl::StatusOr<std::string> id = ParsePurposeName(value.text, "filter");
    if (value.kind != FilterTokenKind::kString || !id.ok()) {
      return InvalidFilter("purpose takes a quoted name such as \"purposes/newsletter\"",
                           value.offset);
    }
    filter->purpose_id = *std::move(id);
    return absl::OkStatus();
  }
  if (filter->channel != v1::CHANNEL_UNSPECIFIED) return Unsupported(comparison.field.offset);
  std::string name = value.text;
  if (!absl::StartsWith(name, "CHANNEL_")) name = absl::StrCat("CHANNEL_", name);
  v1::Channel channel;
  if (value.kind != FilterTokenKind::kWord || !v1::Channel_Parse(name, &channel) ||
      channel == v1::CHANNEL_UNSPECIFIED) {
    return InvalidFilter("channel takes a Channel value such as EMAIL", value.offset);
  }
  filter->channel = channel;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConsentEventFilter> ParseConsentEventFilter(absl::string_view text) {
  absl::StatusOr<std::optional<FilterExpression>> parsed = ParseFilter(text, kFields);
  if (!parsed.ok()) return parsed.status();
  ConsentEventFilter filter;
  if (!parsed->has_value()) return filter;
  const FilterExpression& expression = **parsed;
  if (expression.kind == FilterExpression::Kind::kComparison) {
    if (absl::Status s = Apply(expression.comparison, &filter); !s.ok()) return s;
    return filter;
  }
  if (expression.kind != FilterExpression::Kind::kAnd) return Unsupported(0);
  for (const FilterExpression& operand : expression.children) {
    if (operand.kind != FilterExpression::Kind::kComparison) return Unsupported(0);
    if (absl::Status s = Apply(operand.comparison, &filter); !s.ok()) return s;
  }
  return filter;
}

}  // namespace cp::domain
