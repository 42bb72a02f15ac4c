#include "domain/common/page_token.h"

#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr CursorFieldType kIntAndId[] = {CursorFieldType::kInt, CursorFieldType::kString};
constexpr CursorFieldType kStringAndId[] = {CursorFieldType::kString, CursorFieldType::kString};

// ExpectInvalidToken checks `status` is INVALID_ARGUMENT with one
// violation on page_token whose description contains `what`.
void ExpectInvalidToken(const absl::Status& status, absl::string_view what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "page_token");
  EXPECT_THAT(bad_request->field_violations(0).description(), HasSubstr(what));
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INVALID_PAGE_TOKEN");
}

// Verifies the fingerprint is 16 bytes, stable, and changes with each input.
TEST(QueryFingerprintTest, DependsOnEveryInput) {
  const ListQuery query{.kind = "profiles", .filter = "tags:vip", .order_by = "create_time"};
  const std::string base = QueryFingerprint(query);
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base, QueryFingerprint(query));
  ListQuery other = query;
  other.filter = "tags:vap";
  EXPECT_NE(base, QueryFingerprint(other));
  other = query;
  other.order_by = "create_time desc";
  EXPECT_NE(base, QueryFingerprint(other));
  other = query;
  other.show_deleted = true;
  EXPECT_NE(base, QueryFingerprint(other));
  other = query;
  other.kind = "purposes";
  EXPECT_NE(base, QueryFingerprint(other));
  other = query;
  other.parent = "profiles/p1";
  EXPECT_NE(base, QueryFingerprint(other));
  // Length prefixes keep the boundary between filter and order_by.
  EXPECT_NE(QueryFingerprint({.filter = "ab", .order_by = "c"}),
            QueryFingerprint({.filter = "a", .order_by = "bc"}));
  EXPECT_NE(QueryFingerprint({}), QueryFingerprint({.show_deleted = true}));
}

// Verifies integer and string cursors survive a round trip in URL-safe text.
TEST(PageTokenTest, RoundTrip) {
  const ListQuery query{.kind = "profiles"};
  for (const PageCursor& cursor : {
           PageCursor{int64_t{1767225600000000}, std::string("abc123")},
           PageCursor{int64_t{-1}, std::string("x")},
           PageCursor{std::numeric_limits<int64_t>::min(), std::string("id")},
           PageCursor{std::numeric_limits<int64_t>::max(), std::string("id")},
       }) {
    const std::string token = EncodePageToken(query, cursor);
    EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
    absl::StatusOr<PageCursor> decoded = DecodePageToken(token, query, kIntAndId);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, cursor);
  }
  for (const PageCursor& cursor : {
           PageCursor{std::string("Ærø \"quoted\" / + = ? &"), std::string("p-1")},
           PageCursor{std::string(), std::string("empty-name")},
           PageCursor{std::string("a\0b", 3), std::string(200, 'z')},
       }) {
    const std::string token = EncodePageToken(query, cursor);
    EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
    absl::StatusOr<PageCursor> decoded = DecodePageToken(token, query, kStringAndId);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, cursor);
  }
  // One-field and two-integer cursors, as the other lists use.
  const ListQuery events{.kind = "consentEvents", .parent = "profiles/p1"};
  const PageCursor event_cursor{int64_t{1767225600000000}, int64_t{42}};
  absl::StatusOr<PageCursor> event =
      DecodePageToken(EncodePageToken(events, event_cursor), events,
                      {CursorFieldType::kInt, CursorFieldType::kInt});
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(*event, event_cursor);
}

// Verifies a token from another query (filter, order_by, show_deleted) is rejected.
TEST(PageTokenTest, RejectsOtherQuery) {
  const ListQuery query{.kind = "profiles", .filter = "tags:a"};
  const std::string token = EncodePageToken(query, {int64_t{5}, std::string("id")});
  ExpectInvalidToken(
      DecodePageToken(token, {.kind = "profiles", .filter = "tags:b"}, kIntAndId).status(),
      "different filter, order_by or show_deleted");
  ExpectInvalidToken(
      DecodePageToken(token, {.kind = "profiles", .filter = "tags:a", .show_deleted = true},
                      kIntAndId)
          .status(),
      "different filter");
  ExpectInvalidToken(
      DecodePageToken(token, {.kind = "profiles", .filter = "tags:a", .order_by = "update_time"},
                      kIntAndId)
          .status(),
      "different filter");
}

// Verifies a token of one List method is rejected by another, and a token of
// one parent's list by another parent's.
TEST(PageTokenTest, RejectsOtherList) {
  const std::string token = EncodePageToken({.kind = "purposes"}, {std::string("newsletter")});
  ExpectInvalidToken(
      DecodePageToken(token, {.kind = "suppressionLists"}, {CursorFieldType::kString}).status(),
      "another List method");
  const std::string versions =
      EncodePageToken({.kind = "noticeVersions", .parent = "purposes/a"}, {int64_t{3}});
  ExpectInvalidToken(DecodePageToken(versions, {.kind = "noticeVersions", .parent = "purposes/b"},
                                     {CursorFieldType::kInt})
                         .status(),
                     "another parent");
}

// Verifies garbage, padded, non-URL-safe and empty tokens are malformed.
TEST(PageTokenTest, RejectsMalformed) {
  const ListQuery query{.kind = "profiles"};
  const std::string token = EncodePageToken(query, {int64_t{5}, std::string("id")});
  for (const std::string& bad :
       {std::string(), std::string("!!!!"), std::string("a b"), token + "=", token + "A",
        token + "AAAA", std::string(9000, 'A'), absl::Base64Escape("\x02")}) {
    ExpectInvalidToken(DecodePageToken(bad, query, kIntAndId).status(), "malformed");
  }
}

// Verifies every truncation of a valid token is rejected.
TEST(PageTokenTest, RejectsTruncated) {
  const ListQuery query{.kind = "profiles", .order_by = "display_name"};
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(
      EncodePageToken(query, {std::string("Ann"), std::string("id-1")}), &raw));
  for (size_t length = 0; length < raw.size(); ++length) {
    const std::string truncated = absl::WebSafeBase64Escape(raw.substr(0, length));
    EXPECT_FALSE(DecodePageToken(truncated, query, kStringAndId).ok()) << length;
  }
}

// Verifies an unknown version, unknown field type, a cursor of another shape
// and trailing bytes are rejected.
TEST(PageTokenTest, RejectsBadContents) {
  const ListQuery query{.kind = "profiles"};
  std::string raw;
  ASSERT_TRUE(
      absl::WebSafeBase64Unescape(EncodePageToken(query, {int64_t{5}, std::string("id")}), &raw));

  for (char version : {'\x01', '\x03'}) {
    std::string other_version = raw;
    other_version[0] = version;
    ExpectInvalidToken(
        DecodePageToken(absl::WebSafeBase64Escape(other_version), query, kIntAndId).status(),
        "incompatible server version");
  }

  // Version, kind length (2) and kind (8), fingerprint length (2) and
  // fingerprint (16), the field count, then the first field's type.
  std::string other_type = raw;
  other_type[1 + 2 + 8 + 2 + 16 + 1] = 9;
  ExpectInvalidToken(
      DecodePageToken(absl::WebSafeBase64Escape(other_type), query, kIntAndId).status(),
      "malformed");

  ExpectInvalidToken(
      DecodePageToken(absl::WebSafeBase64Escape(raw + std::string("x")), query, kIntAndId).status(),
      "malformed");

  const std::string token = absl::WebSafeBase64Escape(raw);
  ExpectInvalidToken(DecodePageToken(token, query, kStringAndId).status(), "malformed");
  ExpectInvalidToken(DecodePageToken(token, query, {CursorFieldType::kInt}).status(), "malformed");
}

// Verifies InvalidPageToken carries the reason, field and description.
TEST(PageTokenTest, InvalidPageTokenNamesTheField) {
  ExpectInvalidToken(InvalidPageToken("out of range"), "out of range");
}

}  // namespace
}  // namespace cp::domain
