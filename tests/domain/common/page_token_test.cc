#include "domain/common/page_token.h"

#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using storage::ProfileCursor;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

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
  const std::string base = QueryFingerprint("tags:vip", "create_time", false);
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base, QueryFingerprint("tags:vip", "create_time", false));
  EXPECT_NE(base, QueryFingerprint("tags:vap", "create_time", false));
  EXPECT_NE(base, QueryFingerprint("tags:vip", "create_time desc", false));
  EXPECT_NE(base, QueryFingerprint("tags:vip", "create_time", true));
  // Length prefixes keep the boundary between filter and order_by.
  EXPECT_NE(QueryFingerprint("ab", "c", false), QueryFingerprint("a", "bc", false));
  EXPECT_NE(QueryFingerprint("", "", false), QueryFingerprint("", "", true));
}

// Verifies integer and string cursors survive a round trip in URL-safe text.
TEST(PageTokenTest, RoundTrip) {
  const std::string fingerprint = QueryFingerprint("", "", false);
  for (const ProfileCursor& cursor : {
           ProfileCursor{int64_t{1767225600000000}, "abc123"},
           ProfileCursor{int64_t{-1}, "x"},
           ProfileCursor{std::numeric_limits<int64_t>::min(), "id"},
           ProfileCursor{std::numeric_limits<int64_t>::max(), "id"},
           ProfileCursor{std::string("Ærø \"quoted\" / + = ? &"), "p-1"},
           ProfileCursor{std::string(), "empty-name"},
           ProfileCursor{std::string("a\0b", 3), std::string(200, 'z')},
       }) {
    const std::string token = EncodePageToken(cursor, fingerprint);
    EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
    absl::StatusOr<ProfileCursor> decoded = DecodePageToken(token, fingerprint);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->key, cursor.key);
    EXPECT_EQ(decoded->id, cursor.id);
  }
}

// Verifies a token from another query (filter, order_by, show_deleted) is rejected.
TEST(PageTokenTest, RejectsOtherQuery) {
  const std::string token =
      EncodePageToken(ProfileCursor{int64_t{5}, "id"}, QueryFingerprint("tags:a", "", false));
  ExpectInvalidToken(DecodePageToken(token, QueryFingerprint("tags:b", "", false)).status(),
                     "different filter, order_by or show_deleted");
  ExpectInvalidToken(DecodePageToken(token, QueryFingerprint("tags:a", "", true)).status(),
                     "different filter");
  ExpectInvalidToken(
      DecodePageToken(token, QueryFingerprint("tags:a", "update_time", false)).status(),
      "different filter");
}

// Verifies garbage, padded, non-URL-safe and empty tokens are malformed.
TEST(PageTokenTest, RejectsMalformed) {
  const std::string fingerprint = QueryFingerprint("", "", false);
  const std::string token = EncodePageToken(ProfileCursor{int64_t{5}, "id"}, fingerprint);
  for (const std::string& bad :
       {std::string(), std::string("!!!!"), std::string("a b"), token + "=", token + "A",
        token + "AAAA", std::string(9000, 'A'), absl::Base64Escape("\x01")}) {
    ExpectInvalidToken(DecodePageToken(bad, fingerprint).status(), "malformed");
  }
}

// Verifies every truncation of a valid token is rejected.
TEST(PageTokenTest, RejectsTruncated) {
  const std::string fingerprint = QueryFingerprint("", "display_name", false);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(
      EncodePageToken(ProfileCursor{std::string("Ann"), "id-1"}, fingerprint), &raw));
  for (size_t length = 0; length < raw.size(); ++length) {
    const std::string truncated = absl::WebSafeBase64Escape(raw.substr(0, length));
    EXPECT_FALSE(DecodePageToken(truncated, fingerprint).ok()) << length;
  }
}

// Verifies an unknown version, unknown key kind, empty id and trailing bytes
// are rejected.
TEST(PageTokenTest, RejectsBadContents) {
  const std::string fingerprint = QueryFingerprint("", "", false);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(
      EncodePageToken(ProfileCursor{int64_t{5}, "id"}, fingerprint), &raw));

  std::string other_version = raw;
  other_version[0] = 2;
  ExpectInvalidToken(
      DecodePageToken(absl::WebSafeBase64Escape(other_version), fingerprint).status(),
      "incompatible server version");

  // Version, fingerprint length (2) and fingerprint (16), then the key kind.
  std::string other_kind = raw;
  other_kind[1 + 2 + 16] = 9;
  ExpectInvalidToken(DecodePageToken(absl::WebSafeBase64Escape(other_kind), fingerprint).status(),
                     "malformed");

  ExpectInvalidToken(
      DecodePageToken(absl::WebSafeBase64Escape(raw + std::string("x")), fingerprint).status(),
      "malformed");

  const std::string empty_id = EncodePageToken(ProfileCursor{int64_t{5}, ""}, fingerprint);
  ExpectInvalidToken(DecodePageToken(empty_id, fingerprint).status(), "malformed");
}

}  // namespace
}  // namespace cp::domain
