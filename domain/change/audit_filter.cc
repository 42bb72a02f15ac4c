#include "domain/change/audit_filter.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "customerprofile/v1/change.pb.h"
#include "domain/common/filter_parser.h"
#include "domain/common/rfc3339.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kFields[] = {"resource_type", "kind", "app_id",
                                         "actor",         "read", "time"};
constexpr absl::string_view kUsage =
    "supports `resource_type = NAME`, `kind = NAME`, `app_id = \"...\"`, `actor = \"...\"`, "
    "`read = true|false` and `time >= \"RFC 3339\"` / `time < \"RFC 3339\"`, joined by AND, "
    "each at most once";

absl::Status Unsupported(size_t offset) {
  return InvalidFilter(absl::StrCat("the filter ", kUsage), offset);
}

// EnumValue reads an enum value name, with or without `prefix`.
template <typename Enum, typename Parse>
std::optional<int> EnumValue(const FilterToken& value, absl::string_view prefix, Parse parse) {
  if (value.kind != FilterTokenKind::kWord) return std::nullopt;
  std::string name = value.text;
  if (!absl::StartsWith(name, prefix)) name = absl::StrCat(prefix, name);
  Enum parsed;
  if (!parse(name, &parsed) || static_cast<int>(parsed) == 0) return std::nullopt;
  return static_cast<int>(parsed);
}

absl::Status Apply(const FilterComparison& comparison, storage::AuditQuery* query) {
  const FilterToken& field = comparison.field;
  const FilterToken& value = comparison.value;
  const storage::FilterOp op = comparison.comparator.op;
  if (value.wildcard) return Unsupported(value.offset);
  if (field.text == "time") {
    std::optional<absl::Time>* bound = op == storage::FilterOp::kGe   ? &query->from
                                       : op == storage::FilterOp::kLt ? &query->to
                                                                      : nullptr;
    if (bound == nullptr || bound->has_value()) return Unsupported(comparison.comparator.offset);
    std::optional<int64_t> micros = ParseRfc3339Micros(value.text);
    if (value.kind != FilterTokenKind::kString || !micros.has_value()) {
      return InvalidFilter("time takes a quoted RFC 3339 time such as \"2026-01-01T00:00:00Z\"",
                           value.offset);
    }
    *bound = absl::FromUnixMicros(*micros);
    return absl::OkStatus();
  }
  if (op != storage::FilterOp::kEq) return Unsupported(comparison.comparator.offset);
  if (field.text == "resource_type") {
    if (query->resource_type.has_value()) return Unsupported(field.offset);
    query->resource_type = EnumValue<v1::ChangeResourceType>(value, "CHANGE_RESOURCE_TYPE_",
                                                             v1::ChangeResourceType_Parse);
    if (!query->resource_type.has_value()) {
      return InvalidFilter("resource_type takes a ChangeResourceType value such as PROFILE",
                           value.offset);
    }
    return absl::OkStatus();
  }
  if (field.text == "kind") {
    if (query->kind.has_value()) return Unsupported(field.offset);
    query->kind = EnumValue<v1::ChangeKind>(value, "CHANGE_KIND_", v1::ChangeKind_Parse);
    if (!query->kind.has_value()) {
      return InvalidFilter("kind takes a ChangeKind value such as UPDATED", value.offset);
    }
    return absl::OkStatus();
  }
  if (field.text == "read") {
    if (query->read.has_value()) return Unsupported(field.offset);
    if (value.kind != FilterTokenKind::kWord || (value.text != "true" && value.text != "false")) {
      return InvalidFilter("read takes true or false", value.offset);
    }
    query->read = value.text == "true";
    return absl::OkStatus();
  }
  std::optional<std::string>* target = field.text == "app_id" ? &query->app_id : &query->actor;
  if (target->has_value()) return Unsupported(field.offset);
  if (value.kind != FilterTokenKind::kString) {
    return InvalidFilter(absl::StrCat(field.text, " takes a quoted string"), value.offset);
  }
  *target = value.text;
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseAuditFilter(absl::string_view text, storage::AuditQuery* query) {
  absl::StatusOr<std::optional<FilterExpression>> parsed = ParseFilter(text, kFields);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return absl::OkStatus();
  const FilterExpression& expression = **parsed;
  if (expression.kind == FilterExpression::Kind::kComparison) {
    return Apply(expression.comparison, query);
  }
  if (expression.kind != FilterExpression::Kind::kAnd) return Unsupported(0);
  for (const FilterExpression& operand : expression.children) {
    if (operand.kind != FilterExpression::Kind::kComparison) return Unsupported(0);
    if (absl::Status s = Apply(operand.comparison, query); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace cp::domain
