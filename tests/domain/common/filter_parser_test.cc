#include "domain/common/filter_parser.h"

#include <string>
#include <vector>

#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using ::testing::HasSubstr;
using Kind = FilterExpression::Kind;

constexpr absl::string_view kFields[] = {"a", "b.c"};

FilterExpression Parse(absl::string_view text) {
  absl::StatusOr<std::optional<FilterExpression>> parsed = ParseFilter(text, kFields);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok() || !parsed->has_value()) return {};
  return **parsed;
}

// ExpectInvalidFilter checks that `text` fails with INVALID_FILTER on
// "filter", the description containing `what`.
void ExpectInvalidFilter(absl::string_view text, absl::string_view what) {
  absl::StatusOr<std::optional<FilterExpression>> parsed = ParseFilter(text, kFields);
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(parsed.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INVALID_FILTER");
  std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(parsed.status());
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "filter");
  EXPECT_THAT(bad_request->field_violations(0).description(), HasSubstr(what)) << text;
}

// Verifies blank text is no filter.
TEST(ParseFilterTest, BlankIsNoFilter) {
  for (absl::string_view text : {"", "   ", "\t\n"}) {
    absl::StatusOr<std::optional<FilterExpression>> parsed = ParseFilter(text, kFields);
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed->has_value());
  }
}

// Verifies a comparison keeps its field, operator and value as written.
TEST(ParseFilterTest, Comparison) {
  FilterExpression node = Parse("b.c >= \"x y\"");
  ASSERT_EQ(node.kind, Kind::kComparison);
  EXPECT_EQ(node.comparison.field.text, "b.c");
  EXPECT_EQ(node.comparison.comparator.op, storage::FilterOp::kGe);
  EXPECT_EQ(node.comparison.value.kind, FilterTokenKind::kString);
  EXPECT_EQ(node.comparison.value.text, "x y");
  EXPECT_EQ(node.comparison.value.offset, 7u);
}

// Verifies AIP-160 precedence (OR binds tighter than AND), flattening of
// nested ANDs, juxtaposition as AND and NOT / '-'.
TEST(ParseFilterTest, Structure) {
  FilterExpression node = Parse("a = 1 AND b.c = 2 OR a = 3");
  ASSERT_EQ(node.kind, Kind::kAnd);
  ASSERT_EQ(node.children.size(), 2u);
  EXPECT_EQ(node.children[0].kind, Kind::kComparison);
  EXPECT_EQ(node.children[1].kind, Kind::kOr);
  EXPECT_EQ(node.children[1].children.size(), 2u);

  node = Parse("a = 1 (a = 2 AND a = 3)");
  ASSERT_EQ(node.kind, Kind::kAnd);
  EXPECT_EQ(node.children.size(), 3u);

  for (absl::string_view text : {"NOT a = 1", "-a = 1"}) {
    node = Parse(text);
    ASSERT_EQ(node.kind, Kind::kNot) << text;
    ASSERT_EQ(node.children.size(), 1u);
    EXPECT_EQ(node.children[0].comparison.value.text, "1");
  }
}

// Verifies unknown fields list the known ones, and syntax errors say what
// and where.
TEST(ParseFilterTest, Errors) {
  ExpectInvalidFilter("z = 1", "unknown field \"z\" (supported: a, b.c) at offset 0");
  ExpectInvalidFilter("a = 1 AND", "after AND");
  ExpectInvalidFilter("(a = 1", "unclosed '('");
  ExpectInvalidFilter("a =", "expected a value");
  ExpectInvalidFilter("a = 1 and a = 2", "must be upper case");
  ExpectInvalidFilter("\"a\" = 1", "expected a field name");
  std::string deep(21, '(');
  ExpectInvalidFilter(deep + "a = 1" + std::string(21, ')'), "nested deeper than 20");
  std::string many = "a = 1";
  for (int i = 0; i < 50; ++i) many += " AND a = 1";
  ExpectInvalidFilter(many, "more than 50 comparisons");
}

// Verifies the check sees each comparison in the order of the text, and
// that its error is reported before a later syntax error.
TEST(ParseFilterTest, ChecksComparisonsInOrder) {
  std::vector<std::string> seen;
  auto record = [&seen](const FilterComparison& comparison) {
    seen.push_back(comparison.value.text);
    return absl::OkStatus();
  };
  ASSERT_TRUE(ParseFilter("a = 1 OR (b.c = 2 a = 3)", kFields, record).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3"}));

  auto refuse_two = [](const FilterComparison& comparison) {
    return comparison.value.text == "2" ? InvalidFilter("no twos", comparison.value.offset)
                                        : absl::OkStatus();
  };
  absl::StatusOr<std::optional<FilterExpression>> parsed =
      ParseFilter("a = 1 AND a = 2 AND (", kFields, refuse_two);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("no twos at offset 14"));
}

}  // namespace
}  // namespace cp::domain
