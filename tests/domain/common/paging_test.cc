#include "domain/common/paging.h"

#include "domain/common/errors.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

constexpr PagingOptions kOptions{.default_page_size = 20, .max_page_size = 100};

// Verifies 0 asks for the default, a size within the maximum is kept and a
// larger one is clamped.
TEST(ResolvePageSizeTest, DefaultsAndClamps) {
  FieldViolations violations;
  const CallContext context;
  EXPECT_EQ(ResolvePageSize(0, kOptions, context, &violations), 20);
  EXPECT_EQ(ResolvePageSize(1, kOptions, context, &violations), 1);
  EXPECT_EQ(ResolvePageSize(100, kOptions, context, &violations), 100);
  EXPECT_EQ(ResolvePageSize(101, kOptions, context, &violations), 100);
  EXPECT_TRUE(violations.empty());
}

// Verifies the caller's cap lowers the default and larger requests, and
// leaves smaller ones alone.
TEST(ResolvePageSizeTest, AppliesTheCallersCap) {
  FieldViolations violations;
  CallContext context;
  context.max_page_size = 5;
  EXPECT_EQ(ResolvePageSize(0, kOptions, context, &violations), 5);
  EXPECT_EQ(ResolvePageSize(3, kOptions, context, &violations), 3);
  EXPECT_EQ(ResolvePageSize(50, kOptions, context, &violations), 5);
  context.max_page_size = 500;
  EXPECT_EQ(ResolvePageSize(0, kOptions, context, &violations), 20);
  EXPECT_EQ(ResolvePageSize(400, kOptions, context, &violations), 100);
  EXPECT_TRUE(violations.empty());
}

// Verifies a negative page_size is a violation on "page_size".
TEST(ResolvePageSizeTest, RejectsNegative) {
  FieldViolations violations;
  EXPECT_EQ(ResolvePageSize(-1, kOptions, CallContext(), &violations), 0);
  ASSERT_EQ(violations.violations().size(), 1u);
  EXPECT_EQ(violations.violations()[0].first, "page_size");
  EXPECT_EQ(violations.ToStatus().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cp::domain
