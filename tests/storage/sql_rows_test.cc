#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sql/consent_rows.h"
#include "storage/sql/consent_statements.h"
#include "storage/sql/profile_rows.h"
#include "storage/sql/suppression_rows.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage::sql {
namespace {

namespace v1 = ::customerprofile::v1;

using ::testing::ElementsAre;
using ::testing::Pair;

// RowOf runs `select` on an in-memory database and hands its first row to
// `check`.
template <typename Check>
void RowOf(const std::string& select, Check check) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  SqliteConnection connection(db);
  absl::StatusOr<SqliteStatement> statement = connection.Prepare(select);
  ASSERT_TRUE(statement.ok()) << statement.status();
  absl::StatusOr<bool> row = statement->Step();
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(*row);
  check(SqliteRow(*statement));
}

// Verifies that a profile row decodes into its id, revision and profile.
TEST(SqlRowsTest, DecodesAProfileRow) {
  v1::Profile profile;
  profile.set_display_name("Ada");
  std::string hex;
  for (unsigned char c : profile.SerializeAsString()) {
    absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
  }
  RowOf("SELECT 'p1', 7, X'" + hex + "'", [](const SqlRow& row) {
    absl::StatusOr<ProfileRecord> record = DecodeProfile(row);
    ASSERT_TRUE(record.ok()) << record.status();
    EXPECT_EQ(record->id, "p1");
    EXPECT_EQ(record->revision, 7);
    EXPECT_EQ(record->profile.display_name(), "Ada");
  });
}

// Verifies that a stored profile that cannot be parsed is DATA_LOSS.
TEST(SqlRowsTest, UnparsableProfileIsDataLoss) {
  RowOf("SELECT 'p1', 1, X'FFFFFFFF'", [](const SqlRow& row) {
    EXPECT_EQ(DecodeProfile(row).status().code(), absl::StatusCode::kDataLoss);
  });
}

// Verifies that a NULL use time decodes as an unused token, a set one as its
// time.
TEST(SqlRowsTest, DecodesTokenUseTime) {
  RowOf("SELECT X'0102', 'p1', 'e1', 1000000, 2000000, NULL", [](const SqlRow& row) {
    ConfirmationTokenRecord token = DecodeConfirmationToken(row);
    EXPECT_EQ(token.token_hash, std::string("\x01\x02"));
    EXPECT_EQ(token.create_time, absl::FromUnixSeconds(1));
    EXPECT_EQ(token.expire_time, absl::FromUnixSeconds(2));
    EXPECT_FALSE(token.use_time.has_value());
  });
  RowOf("SELECT X'01', 'p1', 'e1', 0, 0, 3000000", [](const SqlRow& row) {
    EXPECT_EQ(DecodeConfirmationToken(row).use_time, absl::FromUnixSeconds(3));
  });
}

// Verifies that a suppression list row decodes its channel mask into
// channels and its times from microseconds.
TEST(SqlRowsTest, DecodesASuppressionList) {
  RowOf("SELECT 'l1', 3, 'Name', 'src', 1, 6, 9, 42, 1000000, 2000000", [](const SqlRow& row) {
    SuppressionListRecord list = DecodeSuppressionList(row);
    EXPECT_EQ(list.id, "l1");
    EXPECT_EQ(list.revision, 3);
    EXPECT_EQ(list.channels, ChannelsOf(6));
    EXPECT_EQ(list.generation, 9);
    EXPECT_EQ(list.entry_count, 42);
    EXPECT_EQ(list.update_time, absl::FromUnixSeconds(2));
  });
}

// Verifies that side rows are sorted and without duplicates, and that a
// soft-deleted profile's external ids are not live.
TEST(SqlRowsTest, SideRowsAreSortedUniqueAndFollowDeletion) {
  v1::Profile profile;
  profile.add_tags("vip");
  profile.add_tags("a");
  profile.add_tags("vip");
  profile.add_emails()->set_address("x@example.com");
  profile.add_phones()->set_number("+4712345678");
  v1::ExternalId* id = profile.add_external_ids();
  id->set_system("crm");
  id->set_id("1");
  *profile.add_external_ids() = *id;
  SideRows rows = SideRowsOf(profile);
  EXPECT_THAT(rows.tags, ElementsAre("a", "vip"));
  EXPECT_THAT(rows.external_ids, ElementsAre(Pair("crm", "1")));
  EXPECT_THAT(rows.contact_points,
              ElementsAre(Pair("email", "x@example.com"), Pair("phone", "+4712345678")));
  EXPECT_TRUE(rows.live);
  profile.mutable_delete_time()->set_seconds(1);
  EXPECT_FALSE(SideRowsOf(profile).live);
}

// Verifies that the event query binds one value per placeholder, in order.
TEST(SqlRowsTest, ConsentEventQueryBindsEachPlaceholder) {
  ConsentEventQuery query;
  query.profile_id = "p1";
  query.purpose_id = "news";
  query.channel = v1::CHANNEL_EMAIL;
  query.after = {absl::FromUnixSeconds(5), 11};
  query.limit = 20;
  SqlFragment fragment = RenderConsentEventQuery(query);
  EXPECT_EQ(std::count(fragment.sql.begin(), fragment.sql.end(), '?'),
            static_cast<long>(fragment.params.size()));
  EXPECT_THAT(fragment.params,
              ElementsAre(SqlParam("p1"), SqlParam("news"), SqlParam(int64_t{v1::CHANNEL_EMAIL}),
                          SqlParam(int64_t{5000000}), SqlParam(int64_t{5000000}),
                          SqlParam(int64_t{11}), SqlParam(int64_t{20})));
}

// Verifies the shared write checks: read-only refusal, revision mismatch and
// the renamed duplicate.
TEST(SqlRowsTest, WriteChecks) {
  EXPECT_EQ(CheckWritable(true).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckWritable(false).ok());
  EXPECT_EQ(CheckRevisionMatched(0, "profile").code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(CheckRevisionMatched(1, "profile").ok());
  absl::Status duplicate = ExplainDuplicate(absl::AlreadyExistsError("raw"), "nice");
  EXPECT_EQ(duplicate, absl::AlreadyExistsError("nice"));
  EXPECT_EQ(ExplainDuplicate(absl::InternalError("x"), "nice"), absl::InternalError("x"));
}

}  // namespace
}  // namespace cp::storage::sql
