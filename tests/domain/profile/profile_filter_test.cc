#include "domain/profile/profile_filter.h"

#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using storage::FilterField;
using storage::FilterNode;
using storage::FilterOp;
using storage::ProfileOrderField;
using ::testing::HasSubstr;
using ::testing::Not;

// 2026-01-01T00:00:00Z in microseconds since the epoch.
constexpr int64_t kNewYear2026 = 1767225600LL * 1000000;

std::string FieldName(FilterField field) {
  switch (field) {
    case FilterField::kRegionCode:
      return "region_code";
    case FilterField::kDisplayName:
      return "display_name";
    case FilterField::kCreateTime:
      return "create_time";
    case FilterField::kUpdateTime:
      return "update_time";
    case FilterField::kTags:
      return "tags";
    case FilterField::kExternalIdSystem:
      return "external_ids.system";
    case FilterField::kExternalIdId:
      return "external_ids.id";
  }
  return "?";
}

std::string OpName(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "=";
    case FilterOp::kNe:
      return "!=";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
    case FilterOp::kHas:
      return ":";
  }
  return "?";
}

// Str renders a node compactly: AND(..), OR(..), NOT(..), field op value.
std::string Str(const FilterNode& node) {
  std::vector<std::string> children;
  for (const FilterNode& child : node.children) children.push_back(Str(child));
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      return absl::StrCat("AND(", absl::StrJoin(children, ", "), ")");
    case FilterNode::Kind::kOr:
      return absl::StrCat("OR(", absl::StrJoin(children, ", "), ")");
    case FilterNode::Kind::kNot:
      return absl::StrCat("NOT(", absl::StrJoin(children, ", "), ")");
    case FilterNode::Kind::kCompare:
      break;
  }
  std::string value;
  if (const auto* text = std::get_if<std::string>(&node.value)) {
    value = absl::StrCat("'", *text, "'");
  } else {
    value = absl::StrCat(std::get<int64_t>(node.value));
  }
  return absl::StrCat(FieldName(node.field), " ", OpName(node.op), " ", value,
                      node.prefix ? "*" : "");
}

// Parse returns the parsed filter as Str, "none" for no filter, or
// "error: <description>" for INVALID_ARGUMENT.
std::string Parse(absl::string_view text) {
  absl::StatusOr<std::optional<FilterNode>> parsed = ParseProfileFilter(text);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat("unexpected status: ", parsed.status().ToString());
    }
    std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(parsed.status());
    if (!bad_request.has_value() || bad_request->field_violations_size() != 1 ||
        bad_request->field_violations(0).field() != "filter") {
      return "error without a filter violation";
    }
    return absl::StrCat("error: ", bad_request->field_violations(0).description());
  }
  if (!parsed->has_value()) return "none";
  return Str(**parsed);
}

// Verifies that empty and blank filters mean "no filter".
TEST(FilterParserTest, BlankIsNoFilter) {
  EXPECT_EQ(Parse(""), "none");
  EXPECT_EQ(Parse(" \t\n "), "none");
}

// Verifies every comparison operator on a string field.
TEST(FilterParserTest, ComparisonOperators) {
  EXPECT_EQ(Parse("region_code = NO"), "region_code = 'NO'");
  EXPECT_EQ(Parse("region_code != NO"), "region_code != 'NO'");
  EXPECT_EQ(Parse("region_code < NO"), "region_code < 'NO'");
  EXPECT_EQ(Parse("region_code <= NO"), "region_code <= 'NO'");
  EXPECT_EQ(Parse("region_code > NO"), "region_code > 'NO'");
  EXPECT_EQ(Parse("region_code >= NO"), "region_code >= 'NO'");
  EXPECT_EQ(Parse("region_code:NO"), "region_code : 'NO'");
  EXPECT_EQ(Parse("display_name=Ann"), "display_name = 'Ann'");
  EXPECT_EQ(Parse("display_name>=\"B\""), "display_name >= 'B'");
}

// Verifies double- and single-quoted strings and their escapes.
TEST(FilterParserTest, QuotedStringsAndEscapes) {
  EXPECT_EQ(Parse(R"(display_name = "Ann Lee")"), "display_name = 'Ann Lee'");
  EXPECT_EQ(Parse(R"(display_name = 'Ann Lee')"), "display_name = 'Ann Lee'");
  EXPECT_EQ(Parse(R"(display_name = "say \"hi\"")"), "display_name = 'say \"hi\"'");
  EXPECT_EQ(Parse(R"(display_name = 'it\'s')"), "display_name = 'it's'");
  EXPECT_EQ(Parse(R"(display_name = "a\\b")"), "display_name = 'a\\b'");
  EXPECT_EQ(Parse(R"(display_name = "tab\there")"), "display_name = 'tab\there'");
  EXPECT_EQ(Parse(R"(display_name = "a\nb\r")"), "display_name = 'a\nb\r'");
  EXPECT_EQ(Parse(R"(display_name = "it's")"), "display_name = 'it's'");
  EXPECT_EQ(Parse(R"(display_name = "")"), "display_name = ''");
  EXPECT_EQ(Parse(R"(display_name = "AND")"), "display_name = 'AND'");
  EXPECT_EQ(Parse(R"(display_name = "Ærøskøbing")"), "display_name = 'Ærøskøbing'");
  EXPECT_EQ(Parse("display_name = \"x = (y)\""), "display_name = 'x = (y)'");
}

// Verifies a trailing '*' is a prefix match, and \* is a literal star.
TEST(FilterParserTest, Wildcards) {
  EXPECT_EQ(Parse(R"(display_name = "Ann*")"), "display_name = 'Ann'*");
  EXPECT_EQ(Parse("display_name = Ann*"), "display_name = 'Ann'*");
  EXPECT_EQ(Parse("display_name:Ann*"), "display_name : 'Ann'*");
  EXPECT_EQ(Parse("display_name != 'Ann*'"), "display_name != 'Ann'*");
  EXPECT_EQ(Parse(R"(display_name = "Ann\*")"), "display_name = 'Ann*'");
  EXPECT_EQ(Parse(R"(display_name = "A\*B*")"), "display_name = 'A*B'*");
  EXPECT_EQ(Parse("tags:*"), "tags : ''*");
  EXPECT_EQ(Parse("external_ids.id = ACC-*"), "external_ids.id = 'ACC-'*");
  EXPECT_THAT(Parse("display_name < Ann*"), HasSubstr("error: a '*' wildcard works only with"));
  EXPECT_THAT(Parse(R"(display_name = "A*B")"), HasSubstr("error: '*' is only allowed at the end"));
  EXPECT_THAT(Parse("display_name = A*B"), HasSubstr("error: '*' is only allowed at the end"));
  EXPECT_THAT(Parse("create_time > \"2026*\""), HasSubstr("error: wildcards are not supported"));
}

// Verifies RFC 3339 timestamps, with offsets and fractions, become microseconds.
TEST(FilterParserTest, Timestamps) {
  const std::string new_year = absl::StrCat(kNewYear2026);
  EXPECT_EQ(Parse(R"(create_time > "2026-01-01T00:00:00Z")"), "create_time > " + new_year);
  EXPECT_EQ(Parse(R"(create_time >= "2026-01-01T01:30:00+01:30")"), "create_time >= " + new_year);
  EXPECT_EQ(Parse(R"(update_time < "2025-12-31T19:00:00-05:00")"), "update_time < " + new_year);
  EXPECT_EQ(Parse(R"(update_time <= '2026-01-01t00:00:00z')"), "update_time <= " + new_year);
  EXPECT_EQ(Parse(R"(create_time = "2026-01-01T00:00:00.000001Z")"),
            absl::StrCat("create_time = ", kNewYear2026 + 1));
  EXPECT_EQ(Parse(R"(create_time != "2026-01-01T00:00:00.5Z")"),
            absl::StrCat("create_time != ", kNewYear2026 + 500000));
  EXPECT_EQ(Parse(R"(create_time : "2026-01-01T00:00:00.250000000Z")"),
            absl::StrCat("create_time : ", kNewYear2026 + 250000));
  EXPECT_EQ(Parse(R"(create_time < "1969-12-31T23:59:59.999999Z")"), "create_time < -1");
  EXPECT_EQ(Parse(R"(create_time > "1970-01-01T00:00:00Z")"), "create_time > 0");
  EXPECT_EQ(Parse(R"(create_time > "2024-02-29T00:00:00Z")"),
            absl::StrCat("create_time > ", 1709164800LL * 1000000));
}

// Verifies malformed timestamps are rejected.
TEST(FilterParserTest, BadTimestamps) {
  for (const char* bad : {
           R"(create_time > "2026-01-01")",
           R"(create_time > "2026-01-01T00:00:00")",
           R"(create_time > "2026-01-01 00:00:00Z")",
           R"(create_time > "2026-1-01T00:00:00Z")",
           R"(create_time > "2026-02-29T00:00:00Z")",
           R"(create_time > "2026-13-01T00:00:00Z")",
           R"(create_time > "2026-01-01T24:00:00Z")",
           R"(create_time > "2026-01-01T00:60:00Z")",
           R"(create_time > "2026-01-01T00:00:60Z")",
           R"(create_time > "2026-01-01T00:00:00.Z")",
           R"(create_time > "2026-01-01T00:00:00.0000001Z")",
           R"(create_time > "2026-01-01T00:00:00.1234567891Z")",
           R"(create_time > "2026-01-01T00:00:00+0100")",
           R"(create_time > "2026-01-01T00:00:00+24:00")",
           R"(create_time > "2026-01-01T00:00:00Zjunk")",
           "create_time > 2026-01-01T00:00:00Z",
           "create_time > 1767225600",
       }) {
    EXPECT_THAT(Parse(bad), HasSubstr("takes a quoted RFC 3339 timestamp")) << bad;
  }
}

// Verifies tags and external ids accept only = : != (and prefixes).
TEST(FilterParserTest, RepeatedFields) {
  EXPECT_EQ(Parse("tags:vip"), "tags : 'vip'");
  EXPECT_EQ(Parse("tags = vip"), "tags = 'vip'");
  EXPECT_EQ(Parse("tags != vip"), "tags != 'vip'");
  EXPECT_EQ(Parse("external_ids.system = billing"), "external_ids.system = 'billing'");
  EXPECT_EQ(Parse("external_ids.id:\"ACC-1042\""), "external_ids.id : 'ACC-1042'");
  EXPECT_EQ(Parse("external_ids.id != u_991"), "external_ids.id != 'u_991'");
  for (const char* op : {"<", "<=", ">", ">="}) {
    EXPECT_THAT(Parse(absl::StrCat("tags ", op, " vip")),
                HasSubstr("error: tags supports only =, != and :"));
    EXPECT_THAT(Parse(absl::StrCat("external_ids.system ", op, " x")),
                HasSubstr("error: external_ids.system supports only"));
    EXPECT_THAT(Parse(absl::StrCat("external_ids.id ", op, " x")),
                HasSubstr("error: external_ids.id supports only"));
  }
}

// Verifies AIP-160 precedence: OR binds tighter than AND and than
// juxtaposition, which is an AND.
TEST(FilterParserTest, Precedence) {
  EXPECT_EQ(Parse("region_code = NO AND tags:a OR tags:b"),
            "AND(region_code = 'NO', OR(tags : 'a', tags : 'b'))");
  EXPECT_EQ(Parse("tags:a OR tags:b AND region_code = NO"),
            "AND(OR(tags : 'a', tags : 'b'), region_code = 'NO')");
  EXPECT_EQ(Parse("tags:a tags:b OR tags:c"), "AND(tags : 'a', OR(tags : 'b', tags : 'c'))");
  EXPECT_EQ(Parse("tags:a OR tags:b OR tags:c"), "OR(tags : 'a', tags : 'b', tags : 'c')");
  EXPECT_EQ(Parse("tags:a tags:b AND tags:c"), "AND(tags : 'a', tags : 'b', tags : 'c')");
  EXPECT_EQ(Parse("tags:a AND tags:b AND tags:c"), "AND(tags : 'a', tags : 'b', tags : 'c')");
}

// Verifies parentheses override precedence and nested junctions flatten.
TEST(FilterParserTest, Parentheses) {
  EXPECT_EQ(Parse("(tags:a AND tags:b) OR tags:c"), "OR(AND(tags : 'a', tags : 'b'), tags : 'c')");
  EXPECT_EQ(Parse("((tags:a))"), "tags : 'a'");
  EXPECT_EQ(Parse("tags:a AND (tags:b AND tags:c)"), "AND(tags : 'a', tags : 'b', tags : 'c')");
  EXPECT_EQ(Parse("(tags:a OR tags:b)(tags:c OR tags:d)"),
            "AND(OR(tags : 'a', tags : 'b'), OR(tags : 'c', tags : 'd'))");
}

// Verifies NOT and '-' negate the following comparison or group.
TEST(FilterParserTest, Negation) {
  EXPECT_EQ(Parse("NOT tags:vip"), "NOT(tags : 'vip')");
  EXPECT_EQ(Parse("-tags:vip"), "NOT(tags : 'vip')");
  EXPECT_EQ(Parse("NOT (tags:a OR tags:b)"), "NOT(OR(tags : 'a', tags : 'b'))");
  EXPECT_EQ(Parse("-(tags:a tags:b)"), "NOT(AND(tags : 'a', tags : 'b'))");
  EXPECT_EQ(Parse("region_code = NO -tags:vip"), "AND(region_code = 'NO', NOT(tags : 'vip'))");
  EXPECT_EQ(Parse("NOT tags:a OR tags:b"), "OR(NOT(tags : 'a'), tags : 'b')");
  EXPECT_EQ(Parse("external_ids.id = ACC-1"), "external_ids.id = 'ACC-1'");
  EXPECT_EQ(Parse("region_code = -x"), "region_code = '-x'");
}

// Verifies bare words, numbers and booleans are typed for string fields.
TEST(FilterParserTest, ValueTypes) {
  EXPECT_EQ(Parse("region_code = \"5\""), "region_code = '5'");
  EXPECT_EQ(Parse("display_name = 5a"), "display_name = '5a'");
  EXPECT_EQ(Parse("display_name = user@example.com"), "display_name = 'user@example.com'");
  for (const char* bad :
       {"region_code = 5", "region_code = -5", "display_name = 1.5", "display_name = 1e10",
        "tags:42", "external_ids.id = 7", "display_name = true", "tags:false"}) {
    EXPECT_THAT(Parse(bad), HasSubstr("takes a string; quote the value")) << bad;
  }
}

// Verifies syntax errors name what went wrong and where, in code points.
TEST(FilterParserTest, SyntaxErrors) {
  EXPECT_EQ(Parse("region_code = NO )"), "error: unexpected ')' at offset 17");
  EXPECT_EQ(Parse("(region_code = NO"), "error: unclosed '(' at offset 0");
  EXPECT_EQ(Parse("()"), "error: empty parentheses at offset 0");
  EXPECT_EQ(Parse("AND tags:a"), "error: unexpected AND at offset 0");
  EXPECT_EQ(Parse("tags:a AND"),
            "error: expected a comparison or '(' after AND, found end of filter at offset 10");
  EXPECT_EQ(Parse("tags:a OR OR tags:b"),
            "error: expected a comparison or '(' after OR, found OR at offset 10");
  EXPECT_EQ(Parse("NOT NOT tags:a"),
            "error: expected a comparison or '(' after NOT, found NOT at offset 4");
  EXPECT_EQ(Parse("--tags:a"),
            "error: expected a comparison or '(' after '-', found '-' at offset 1");
  EXPECT_EQ(Parse("tags:"),
            "error: expected a value after the operator, found end of filter "
            "at offset 5");
  EXPECT_EQ(Parse("tags = = a"),
            "error: expected a value after the operator, found operator at "
            "offset 7");
  EXPECT_EQ(Parse("tags:a = b"), "error: unexpected operator at offset 7");
  EXPECT_EQ(Parse("tags:a and tags:b"),
            "error: the operators AND, OR and NOT must be upper case at offset 7");
  EXPECT_THAT(Parse("vip"), HasSubstr("error: expected a comparison such as field = value"));
  EXPECT_THAT(Parse("\"vip\""), HasSubstr("error: expected a comparison such as field = value"));
  EXPECT_EQ(Parse("\"tags\" = vip"),
            "error: expected a field name before the operator at offset 0");
  EXPECT_EQ(Parse("tags* = vip"), "error: expected a field name before the operator at offset 0");
  EXPECT_EQ(Parse("tags ! vip"), "error: unexpected '!' (did you mean '!=' or NOT?) at offset 5");
  EXPECT_EQ(Parse("has(tags, vip)"),
            "error: unexpected ',' (functions are not supported) at offset 8");
  EXPECT_THAT(Parse("has(tags)"), HasSubstr("expected a comparison such as field = value"));
  EXPECT_EQ(Parse("tags = \"vip"), "error: unterminated string at offset 7");
  EXPECT_EQ(Parse("tags = \"vip\\"), "error: unterminated string at offset 7");
  EXPECT_EQ(Parse("tags = \"v\\x\""), "error: unknown escape sequence in string at offset 9");
  EXPECT_EQ(Parse("display_name = \"Ærø\" )"), "error: unexpected ')' at offset 21");
}

// Verifies unknown fields are named when they look like field paths, and
// anything else is not echoed.
TEST(FilterParserTest, UnknownFields) {
  EXPECT_THAT(Parse("email = x"), HasSubstr("error: unknown field \"email\" (supported: "));
  EXPECT_THAT(Parse("external_ids = x"), HasSubstr("error: unknown field \"external_ids\""));
  EXPECT_THAT(Parse("tags.name = x"), HasSubstr("error: unknown field \"tags.name\""));
  EXPECT_THAT(Parse("Region_Code = x"), HasSubstr("error: unknown field (supported: "));
  EXPECT_THAT(Parse("ann@example.com = x"), HasSubstr("error: unknown field (supported: "));
}

// Verifies the length, nesting and comparison-count limits.
TEST(FilterParserTest, Limits) {
  std::string deep = "tags:a";
  for (int i = 0; i < 20; ++i) deep = absl::StrCat("(", deep, ")");
  EXPECT_EQ(Parse(deep), "tags : 'a'");
  EXPECT_EQ(Parse(absl::StrCat("(", deep, ")")),
            "error: parentheses nested deeper than 20 at offset 20");
  EXPECT_THAT(Parse(std::string(5000, '(')), HasSubstr("error: filter is longer than 4096 bytes"));
  EXPECT_THAT(Parse(std::string(4000, '(')), HasSubstr("error: parentheses nested deeper than 20"));

  std::vector<std::string> terms(50, "tags:a");
  EXPECT_THAT(Parse(absl::StrJoin(terms, " OR ")), HasSubstr("OR(tags : 'a'"));
  terms.push_back("tags:b");
  EXPECT_THAT(Parse(absl::StrJoin(terms, " OR ")), HasSubstr("error: more than 50 comparisons"));

  std::string long_value(4096 - 8, 'x');
  EXPECT_THAT(Parse(absl::StrCat("tags = \"", long_value, "\"")), HasSubstr("error: filter is"));
  EXPECT_EQ(Parse(absl::StrCat("tags = ", long_value)).substr(0, 9), "tags = 'x");
}

// Verifies invalid UTF-8 is rejected.
TEST(FilterParserTest, InvalidUtf8) {
  EXPECT_EQ(Parse("display_name = \"\xC3\""), "error: filter is not valid UTF-8 at offset 0");
  EXPECT_EQ(Parse("display_name = \"\xED\xA0\x80\""),
            "error: filter is not valid UTF-8 at offset 0");
}

// Verifies errors carry ErrorInfo reason INVALID_FILTER and never echo the
// values of the filter.
TEST(FilterParserTest, ErrorsNeverEchoValues) {
  for (const char* bad : {
           "display_name = \"s3cret-Ann",
           "display_name = s3cret-Ann*x",
           "display_name < \"s3cret-Ann*\"",
           "s3cret-Ann",
           "s3cret_ann@example.com = x",
           "\"s3cret-Ann\" = x",
           "create_time > \"s3cret-Ann\"",
           "create_time > s3cret-Ann*",
           "tags:s3cret-Ann s3cret",
           "tags:s3cret )",
           "tags = \"s3cret\\q\"",
           "tags:s3cret AND",
           "tags < s3cret",
       }) {
    absl::StatusOr<std::optional<FilterNode>> parsed = ParseProfileFilter(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), Not(HasSubstr("s3cret"))) << bad;
    std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(parsed.status());
    ASSERT_TRUE(bad_request.has_value());
    ASSERT_EQ(bad_request->field_violations_size(), 1);
    EXPECT_EQ(bad_request->field_violations(0).field(), "filter");
    EXPECT_THAT(bad_request->field_violations(0).description(), Not(HasSubstr("s3cret"))) << bad;
    std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(parsed.status());
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "INVALID_FILTER");
    EXPECT_EQ(info->domain(), kErrorDomain);
  }
}

// ParseOrder returns "field asc|desc" or "error: <description>".
std::string ParseOrder(absl::string_view text) {
  absl::StatusOr<ProfileOrder> order = ParseProfileOrderBy(text);
  if (!order.ok()) {
    std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(order.status());
    if (order.status().code() != absl::StatusCode::kInvalidArgument || !bad_request ||
        bad_request->field_violations_size() != 1 ||
        bad_request->field_violations(0).field() != "order_by") {
      return "bad error";
    }
    return absl::StrCat("error: ", bad_request->field_violations(0).description());
  }
  std::string field = order->field == ProfileOrderField::kCreateTime   ? "create_time"
                      : order->field == ProfileOrderField::kUpdateTime ? "update_time"
                                                                       : "display_name";
  return absl::StrCat(field, order->descending ? " desc" : " asc");
}

// Verifies the accepted order_by forms.
TEST(OrderByParserTest, Accepted) {
  EXPECT_EQ(ParseOrder(""), "create_time asc");
  EXPECT_EQ(ParseOrder("  "), "create_time asc");
  EXPECT_EQ(ParseOrder("create_time"), "create_time asc");
  EXPECT_EQ(ParseOrder("create_time desc"), "create_time desc");
  EXPECT_EQ(ParseOrder("update_time desc"), "update_time desc");
  EXPECT_EQ(ParseOrder("update_time"), "update_time asc");
  EXPECT_EQ(ParseOrder("display_name asc"), "display_name asc");
  EXPECT_EQ(ParseOrder("  display_name   DESC "), "display_name desc");
  EXPECT_EQ(ParseOrder("display_name\tAsC"), "display_name asc");
}

// Verifies everything else is INVALID_ARGUMENT on order_by.
TEST(OrderByParserTest, Rejected) {
  EXPECT_THAT(ParseOrder("create_time, update_time"),
              HasSubstr("error: ordering by more than one field is not supported"));
  EXPECT_THAT(ParseOrder("create_time desc,"), HasSubstr("more than one field"));
  EXPECT_THAT(ParseOrder("create_time update_time"), HasSubstr("error: the direction must be"));
  EXPECT_THAT(ParseOrder("create_time descending"), HasSubstr("error: the direction must be"));
  EXPECT_THAT(ParseOrder("create_time desc x"), HasSubstr("error: use create_time"));
  EXPECT_THAT(ParseOrder("region_code"), HasSubstr("error: cannot order by \"region_code\""));
  EXPECT_THAT(ParseOrder("Create_Time"), HasSubstr("error: use create_time"));
  EXPECT_THAT(ParseOrder("-create_time"), HasSubstr("error: use create_time"));
  EXPECT_THAT(ParseOrder("ann@example.com"), Not(HasSubstr("ann")));
  absl::StatusOr<ProfileOrder> order = ParseProfileOrderBy("name");
  ASSERT_FALSE(order.ok());
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(order.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INVALID_ORDER_BY");
}

}  // namespace
}  // namespace cp::domain
